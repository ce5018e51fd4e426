"""The workbench as an analyst uses it, in headless Chromium (see test_browser.py for how it runs):
build an issue in the editor and see the run's overview; change an actor in the forecast page and see
both forecasts; reopen the same view from its link."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.web.test_browser import browser, open_editor, page, run_and_open_forecast, server  # noqa: F401 - the fixtures

#: How long the run's analyses may take on a small scenario, in milliseconds.
ANALYSES_MS = 120_000


def test_add_rename_and_anchor_an_issue_save_run_and_read_the_overview(page, server):
    page.on("dialog", lambda dialog: dialog.accept())
    open_editor(page, server, "emissions-1994")
    page.click("#add-issue")
    name = page.locator("#issues input[data-issue-index='1'][data-field='name']")
    name.fill("fuel-tax")
    name.press("Tab")
    page.get_by_label("fuel-tax title", exact=True).fill("Fuel tax")
    page.get_by_label("fuel-tax anchors", exact=True).fill("0: no tax; 50: half the duty; 100: full EU duty")
    for actor, position, salience in (("Germany", "10", "80"), ("France", "60", "50"), ("UK", "90", "70")):
        page.get_by_label(f"{actor} fuel-tax position", exact=True).fill(position)
        page.get_by_label(f"{actor} fuel-tax salience", exact=True).fill(salience)
    expect(page.locator("#grid thead")).to_contain_text("100 full EU duty")
    expect(page.locator("#validation .message.ok")).to_contain_text("Valid: 10 actors, 2 issues")
    page.fill("#scenario-name", "emissions-with-fuel")
    page.click("#save")
    expect(page.locator("#messages .message.ok")).to_contain_text("Saved as 'emissions-with-fuel'")
    saved = page.request.get(f"{server}/api/scenarios/emissions-with-fuel").json()["scenario"]
    assert [issue["name"] for issue in saved["issues"]] == ["emissions", "fuel-tax"]
    assert saved["issues"][1]["anchors"] == {"0": "no tax", "50": "half the duty", "100": "full EU duty"}
    assert saved["actors"][0]["stances"].keys() >= {"emissions"}

    page.click("#run")
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    overview = page.locator("#overview-table tbody")
    expect(overview.locator("tr")).to_have_count(2)
    expect(overview).to_contain_text("Fuel tax")
    page.wait_for_selector("#overview[data-analyses=done]", timeout=ANALYSES_MS)
    fuel = page.locator("#overview-issues article[data-issue='fuel-tax']")
    expect(fuel).to_contain_text("Most likely:")
    expect(fuel.locator("ol.levers li")).to_have_count(3)
    expect(fuel.locator(".badge.fragility")).not_to_have_text("fragility pending")


def chance(probability: float) -> str:
    """A probability as the page writes it: a percentage, "<1%" and ">99%" short of 0 and 1."""
    if 0 < probability < 0.005:
        return "<1%"
    if 0.995 < probability < 1:
        return ">99%"
    return f"{math.floor(100 * probability + 0.5)}%"  # JavaScript's Math.round: halves up


def test_a_change_in_the_browser_shows_both_forecasts_and_its_link_reopens_the_view(page, server, browser):  # noqa: F811
    run = page.request.post(f"{server}/api/runs", data={"scenario_name": "emissions-1994", "model": "eum"}).json()
    baseline = run["result"]["issues"][0]["forecast"] if "issues" in run["result"] else \
        run["result"]["results"][0]["issues"][0]["forecast"]
    page.goto(f"{server}/runs/{run['id']}")
    page.wait_for_selector("#trajectory-chart[data-drawn]")
    page.select_option("#perspective", "France")
    expect(page.locator("#quadrant-chart .gtitle")).to_have_text(re.compile("as France sees it"))
    page.hover("#trajectory-chart .main-svg")
    buttons = page.locator("#trajectory-chart .modebar-btn")
    expect(buttons.first).to_be_attached()
    titles = [button.get_attribute("data-title") or "" for button in buttons.all()]
    assert "Download plot as a PNG" in titles
    assert not [title for title in titles if "Cloud" in title or "Chart Studio" in title or "plotly" in title.lower()]
    assert page.locator("#trajectory-chart .modebar a[href]").count() == 0  # no logo link
    page.select_option("#shock-actor", "Germany")
    page.select_option("#shock-field", "position")
    page.fill("#shock-value", "10")
    page.click("#add-shock")
    expect(page.locator("#shock-list")).to_contain_text("Germany position on emissions → 10")
    page.fill("#threshold", "6")
    page.click("#apply-shocks")
    row = page.locator("#what-if-table tbody tr[data-issue='emissions']")
    expect(row.locator("td.baseline")).to_have_text(f"{baseline:.1f}")
    expect(row.locator("td.shocked")).not_to_have_text(f"{baseline:.1f}")
    shocked = row.locator("td.shocked").inner_text()
    query = parse_qs(urlparse(page.url).query)
    assert query["shock"] == ["Germany|emissions|position|10"] and query["perspective"] == ["France"]
    assert query["threshold"] == ["6"]

    # The threshold: P(outcome ≥ 6) under each run's calibrated distribution, as the server reads it off the
    # stored analysis, once both runs' calibrated analyses are done; and the words saying it is borrowed.
    cell = row.locator("td.threshold")
    expect(cell).to_have_attribute("data-status", "done", timeout=ANALYSES_MS)
    changed_run = page.request.get(f"{server}/api/runs", params={"limit": 1}).json()[0]["id"]
    chances = [page.request.get(f"{server}/api/runs/{run_id}/threshold",
                                params={"issue": "emissions", "at": 6, "model": "eum"}).json()
               for run_id in (run["id"], changed_run)]
    assert changed_run != run["id"] and all(answer["status"] == "done" for answer in chances)
    assert chances[0]["probability"] != chances[1]["probability"]
    expect(cell).to_have_text(f"P(≥ 6): {chance(chances[0]['probability'])} → {chance(chances[1]['probability'])}")
    expect(page.locator("#threshold-head")).to_have_text("P(≥ 6): baseline → changed")
    # emissions-1994 is EU legislation, the kind the shipped calibration was fitted on: not borrowed
    expect(page.locator("#threshold-note")).to_contain_text("calibrated on the kind of negotiation this scenario "
                                                            "declares")
    assert "calibrated distribution" in cell.get_attribute("title")

    again = page.context.new_page()
    again.goto(page.url)
    again.wait_for_selector("#quadrant-chart[data-drawn]")
    expect(again.locator("#perspective")).to_have_value("France")
    expect(again.locator("#model")).to_have_value("eum")
    expect(again.locator("#what-if-table tbody tr[data-issue='emissions'] td.shocked")).to_have_text(shocked)
    expect(again.locator("#threshold")).to_have_value("6")
    expect(again.locator("#threshold-head")).to_have_text("P(≥ 6): baseline → changed")
    expect(again.locator("#what-if-table tbody tr[data-issue='emissions'] td.threshold")).to_contain_text("P(≥ 6): ")


def test_a_bloc_typed_in_the_editor_is_undone_saved_and_colours_the_chart_by_bloc(page, server):
    page.on("dialog", lambda dialog: dialog.accept())
    open_editor(page, server, "emissions-1994")
    page.get_by_label("Germany bloc", exact=True).fill("Greens")
    page.get_by_label("UK bloc", exact=True).fill("Laggards")
    page.get_by_label("UK bloc", exact=True).press("Tab")
    page.click("#undo")
    expect(page.get_by_label("UK bloc", exact=True)).to_have_value("")
    expect(page.get_by_label("Germany bloc", exact=True)).to_have_value("Greens")
    for actor, bloc in (("France", "Greens"), ("UK", "Laggards")):
        page.get_by_label(f"{actor} bloc", exact=True).fill(bloc)
    expect(page.locator("#validation .message.ok")).to_contain_text("Valid: 10 actors, 1 issues")
    page.fill("#scenario-name", "emissions-blocs")
    page.click("#save")
    expect(page.locator("#messages .message.ok")).to_contain_text("Saved as 'emissions-blocs'")
    saved = page.request.get(f"{server}/api/scenarios/emissions-blocs").json()["scenario"]
    assert {actor["name"]: actor.get("bloc") for actor in saved["actors"]} == {
        "Netherlands": None, "Belgium": None, "Luxembourg": None, "Germany": "Greens", "France": "Greens",
        "Italy": None, "UK": "Laggards", "Ireland": None, "Denmark": None, "Greece": None}

    run_and_open_forecast(page)
    colours = page.evaluate("() => Object.fromEntries(document.getElementById('trajectory-chart').data"
                            ".map((trace) => [trace.name, [trace.line.color, trace.legendgroup]]))")
    assert colours["Germany"] == colours["France"] and colours["Germany"][1] == "Greens"
    assert colours["UK"][0] not in (colours["Germany"][0], colours["Italy"][0]) and colours["UK"][1] == "Laggards"
    assert colours["Italy"] == colours["Greece"] and colours["Italy"][1] == "no bloc"
    expect(page.locator("#trajectory-chart .legend")).to_contain_text("Greens")
    expect(page.locator("#trajectory-chart .legend")).to_contain_text("Laggards")


#: WCAG 2.1 AA contrast of every visible text against the background it is drawn on: 4.5:1, or 3:1 for large
#: text (at least 24 px, or 18.66 px bold). Relative luminance and contrast ratio as WCAG 2.1 defines them.
CONTRAST_FAILURES = """() => {
  const channel = (value) => { value /= 255; return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.9)) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const node of document.querySelectorAll("body *")) {
    if (node.closest(".js-plotly-plot, .visually-hidden, option")) continue;
    const text = [...node.childNodes].filter((child) => child.nodeType === 3).map((child) => child.textContent).join("").trim();
    if (!text || !node.getClientRects().length) continue;
    const style = getComputedStyle(node);
    if (style.visibility === "hidden" || Number(style.opacity) < 1) continue;
    const [fore, back] = [luminance(rgba(style.color).slice(0, 3)), luminance(background(node))];
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def test_every_page_fits_both_screens_with_readable_contrast(page, server):
    run = page.request.post(f"{server}/api/runs", data={"scenario_name": "emissions-1994", "model": "eum"}).json()
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in ("/", "/editor?scenario=ukraine-2025-03", f"/runs/{run['id']}", "/runs", "/ledger"):
            page.goto(server + path)
            page.wait_for_selector("body[data-ready]")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} is wider than {width} px"
            assert page.evaluate(CONTRAST_FAILURES) == [], f"{path} at {width} px"


def test_the_tabs_and_the_grid_work_from_the_keyboard(page, server):
    run = page.request.post(f"{server}/api/runs", data={"scenario_name": "ukraine-2025-03", "model": "median"}).json()
    page.goto(f"{server}/runs/{run['id']}")
    page.wait_for_selector("#trajectory-chart[data-drawn]")
    page.focus("#issue-tabs button[data-issue='ceasefire']")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#issue-tabs button[data-issue='territory']")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#issue-tabs button[data-issue='territory']")).to_be_focused()
    expect(page.locator("#forecast-model")).to_contain_text("Territory")

    open_editor(page, server)
    page.get_by_label("USA ceasefire position", exact=True).focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Russia ceasefire position", exact=True)).to_be_focused()
    expect(page.locator("#inspector")).to_contain_text("Russia on ceasefire")
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Russia ceasefire salience", exact=True)).to_be_focused()
    page.keyboard.type("7")
    page.click("#undo")
    expect(page.get_by_label("Russia ceasefire salience", exact=True)).to_have_value("85")


def test_the_report_downloads_as_pdf_and_png_from_the_page(page, server):
    run = page.request.post(f"{server}/api/runs", data={"scenario_name": "emissions-1994", "model": "eum"}).json()
    page.goto(f"{server}/runs/{run['id']}")
    page.wait_for_selector("#trajectory-chart[data-drawn]")
    for button, magic in (("#download-pdf", b"%PDF-"), ("#download-png", b"\x89PNG\r\n\x1a\n")):
        with page.expect_download(timeout=120_000) as download:
            page.click(button)
        path = download.value.path()
        assert open(path, "rb").read(len(magic)) == magic
        assert download.value.suggested_filename == f"realpolitik-run-{run['id']}.{button.split('-')[1]}"


def test_an_import_named_like_a_built_in_is_saved_under_the_name_given(page, server, tmp_path):
    scenario = page.request.get(f"{server}/api/scenarios/emissions-1994").json()["scenario"]
    path = tmp_path / "emissions.yaml"
    path.write_bytes(page.request.post(f"{server}/api/scenarios/yaml", data={"scenario": scenario}).body())
    answers = []
    page.on("dialog", lambda dialog: (answers.append(dialog.message), dialog.accept("emissions-mine")))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]")
    page.set_input_files("#import-file", path)
    expect(page.locator("#messages .message.ok")).to_contain_text("as 'emissions-mine'")
    assert answers == ["'emissions-1994' is a built-in scenario. Save the import under this name:"]
    expect(page.locator("#scenarios tr[data-name='emissions-mine']")).to_be_visible()
    expect(page.locator("#scenarios tr[data-name='emissions-1994']")).to_contain_text("built-in")
