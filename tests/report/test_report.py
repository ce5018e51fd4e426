"""``realpolitik report``: a self-contained HTML file and PNG charts of a stored run."""

from __future__ import annotations

import importlib.util
import json
import re

from realpolitik import load_scenario

#: With the levers analysis installed, each issue also gets a tornado.
CHARTS_PER_ISSUE = ["challenges", "positions"] + (["levers"] if importlib.util.find_spec("realpolitik.analysis.levers")
                                                  else [])


def stored_run(cli, *arguments) -> int:
    result = cli("forecast", *arguments, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(cli("runs", "list", "--format", "json").stdout)[0]["id"]


def embedded_figures(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_html_report_is_self_contained_and_complete(cli, tmp_path):
    run_id = stored_run(cli, "ukraine-2025-03", "--model", "all")
    target = tmp_path / "report.html"
    result = cli("report", str(run_id), "--html", str(target))
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert re.search(r"<script>/\*\*\s*\* plotly\.js v", html), "plotly.js must be embedded"
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"""<[^>]+(src|href)=["']?(https?:)?//""", markup), "the report must not fetch anything"
    scenario = load_scenario("ukraine-2025-03")
    for issue in scenario.issues:
        assert issue.label in html
    for actor in scenario.actors:
        assert actor.name in html
    assert f"realpolitik runs rerun {run_id}" in html
    figures = embedded_figures(html)
    assert len(figures) == len(CHARTS_PER_ISSUE) * len(scenario.issues)
    trajectory = figures["issue-0-trajectory"]
    assert {trace["name"] for trace in trajectory["data"]} == set(scenario.issue_arrays("ceasefire").actors)
    assert "Who challenges whom" in figures["issue-0-quadrant"]["layout"]["title"]["text"]


def test_png_charts_are_written_per_issue(cli, tmp_path):
    run_id = stored_run(cli, "emissions-1994", "--model", "eum")
    result = cli("report", str(run_id), "--png", str(tmp_path / "charts"))
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / "charts").iterdir())
    assert written == sorted(f"emissions-{chart}.png" for chart in CHARTS_PER_ISSUE)
    for name in written:
        assert (tmp_path / "charts" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_refuses_what_it_cannot_do(cli, tmp_path):
    nothing = cli("report", "1")
    assert nothing.exit_code == 2
    assert "say what to write: --html FILE and/or --png DIR" in nothing.stderr
    missing = cli("report", "5", "--html", str(tmp_path / "r.html"))
    assert missing.exit_code == 2
    assert "no run 5 in the run store" in missing.stderr
    stored_run(cli, "emissions-1994")
    folder = cli("report", "1", "--html", str(tmp_path / "no" / "r.html"))
    assert folder.exit_code == 2
    assert "does not exist" in folder.stderr
