"""End to end in real headless Chromium: Debian's chromium driven by Playwright.

The app runs under uvicorn on a free loopback port with its own store; every test
also checks that the page fetched nothing from anywhere but the app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from realpolitik.web import create_app
from tests.web.conftest import BAD_UPLOADS, serving

CHROMIUM = Path("/usr/bin/chromium")
#: How long any one wait for the page may take, in milliseconds.
WAIT_MS = 30_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not installed at {CHROMIUM} "
                                "(scripts/install-system-packages.sh installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The workbench on 127.0.0.1 and a free port; yields its base URL."""
    with serving(create_app(str(tmp_path_factory.mktemp("store") / "runs.sqlite"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page; afterwards, no request may have left the app and no script may have failed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    requests, failures = [], []
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("pageerror", lambda error: failures.append(str(error)))
    yield tab
    context.close()
    outside = [url for url in requests if not url.startswith((server, "blob:", "data:"))]
    assert outside == [], "the page fetched from outside the app"
    assert failures == [], "a script failed on the page"


def open_editor(page, server, scenario="ukraine-2025-03"):
    page.goto(f"{server}/editor?scenario={scenario}")
    page.wait_for_selector("body[data-ready]")


def salience(page, actor, issue):
    return page.get_by_label(f"{actor} {issue} salience", exact=True)


def run_and_open_forecast(page):
    page.click("#run")
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    page.wait_for_selector("#trajectory-chart[data-drawn] .main-svg")
    page.wait_for_selector("#quadrant-chart[data-drawn] .main-svg")


def chart_positions(page, actor):
    return page.evaluate("(actor) => document.getElementById('trajectory-chart').data"
                         ".find((trace) => trace.name === actor).y", actor)


def test_changing_one_salience_changes_the_chart_and_the_forecast(page, server):
    open_editor(page, server)
    run_and_open_forecast(page)
    expect(page.locator("#forecast-value")).to_have_text("75.0")
    before = chart_positions(page, "USA")

    open_editor(page, server)
    field = salience(page, "USA", "ceasefire")
    expect(field).to_have_value("90")
    field.fill("140")
    expect(page.locator("#validation .message.error")).to_contain_text(
        "actor 'USA', issue 'ceasefire', field 'salience': salience 140 is outside 0..100")
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    field.fill("50")
    expect(page.locator("#validation .message.ok")).to_contain_text("Valid: 13 actors, 6 issues")
    run_and_open_forecast(page)
    expect(page.locator("#forecast-value")).to_have_text("37.1")
    assert chart_positions(page, "USA") != before
    expect(page.locator("#forecast-interval")).not_to_be_empty()
    expect(page.locator("#forecast-calibrated")).to_contain_text("calibrated forecast: median")
    expect(page.locator("#forecast-calibrated-note")).to_contain_text("borrowed from EU legislation")

    page.select_option("#perspective", "Russia")
    expect(page.locator("#quadrant-chart .gtitle")).to_have_text(re.compile("as Russia sees it"))
    page.click("#issue-tabs button[data-issue='territory']")
    expect(page.locator("#forecast-model")).to_contain_text("Territory")


def test_the_editor_marks_a_type_error_and_a_range_error_at_once(page, server):
    open_editor(page, server)
    typed, ranged = salience(page, "USA", "ceasefire"), salience(page, "Russia", "territory")
    typed.fill("abc")
    ranged.fill("140")
    expect(page.locator("#validation .message.error")).to_contain_text(
        "actor 'Russia', issue 'territory', field 'salience': salience 140 is outside 0..100")
    expect(page.locator("#validation .message.error")).to_contain_text("actor 'USA', issue 'ceasefire', field "
                                                                       "'salience'")
    expect(typed).to_have_class(re.compile(r"\binvalid\b"))
    expect(ranged).to_have_class(re.compile(r"\binvalid\b"))


def test_bad_uploads_show_a_message_and_leave_the_table(page, server, tmp_path):
    open_editor(page, server)
    field = salience(page, "USA", "ceasefire")
    upload = page.locator("#import-file")
    for name, content, _status, message in BAD_UPLOADS.values():
        page.evaluate("document.getElementById('messages').replaceChildren()")
        path = tmp_path / name
        path.write_bytes(content)
        upload.set_input_files(path)
        error = page.locator("#messages .message.error")
        expect(error).to_contain_text(f"{name} was not imported")
        expect(error).to_contain_text(message.split(":")[-1].strip() if "MiB" not in message else "5 MiB")
        expect(field).to_have_value("90")


def test_library_history_and_side_by_side_diff(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]")
    row = page.locator("#scenarios tr[data-name='emissions-1994']")
    expect(row).to_contain_text("built-in")
    row.get_by_role("button", name="Run EUM").click()
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    page.wait_for_selector("#trajectory-chart[data-drawn]")
    first = page.url.rsplit("/", 1)[1]
    page.goto(server + "/")
    page.locator("#scenarios tr[data-name='emissions-1994']").get_by_role("button", name="Compare all models").click()
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    expect(page.locator("#comparison tbody tr")).to_have_count(len(page.locator("#model option").all()))
    second = page.url.rsplit("/", 1)[1]

    page.goto(server + "/runs")
    page.wait_for_selector("body[data-ready]")
    page.get_by_label(f"tick run {first}", exact=True).check()
    page.get_by_label(f"tick run {second}", exact=True).check()
    page.click("#compare")
    page.wait_for_url(re.compile(r"/diff\?a=\d+&b=\d+$"))
    expect(page.locator("#title")).to_have_text(f"Run {first} and run {second}")
    expect(page.locator("#forecast-diff tbody")).to_contain_text("eum")
    expect(page.locator("#input-diff tbody")).to_contain_text("options")
