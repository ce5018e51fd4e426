"""User text is shown as written in every rendering: rich markup (``[/]``) in the terminal
tables, matplotlib mathtext (``$\\frac{$``) in the PNG charts, HTML in the report."""

from __future__ import annotations

import re

import pytest

MARKUP = r"""
name: "[/]markup"
title: '[bold]Title [/] $\frac{$'
issues:
  - name: "[/]"
    title: '$\frac{$ [red]'
    anchors: {0: "[/] none", 100: "$x$ [link=x]all <b>"}
    status_quo: 20
  - name: second
actors:
  - {name: "[/]", capability: 10, stances: {"[/]": {position: 10, salience: 50}, second: {position: 5, salience: 40}}}
  - {name: '$\frac{$', capability: 20, stances: {"[/]": {position: 80, salience: 70}, second: {position: 60, salience: 50}}}
  - {name: "<script>[bold]", capability: 15, stances: {"[/]": {position: 50, salience: 60}, second: {position: 90, salience: 30}}}
"""


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "markup.yaml"
    path.write_text(MARKUP, encoding="utf-8")
    return str(path)


def ok(result):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


@pytest.mark.parametrize("model", ["compromise", "eum", "smp", "exchange", "all"])
def test_forecast_tables_show_markup_as_written(cli, scenario_file, model):
    output = ok(cli("forecast", scenario_file, "--model", model))
    assert "[/]" in output
    if model != "all":
        assert "$\\frac{$" in output and "<script>[bold]" in output


def test_simulate_levers_and_the_stored_runs_show_markup_as_written(cli, scenario_file):
    ok(cli("forecast", scenario_file, "--model", "compromise"))
    assert "[/]" in ok(cli("simulate", scenario_file, "--model", "compromise", "--draws", "20"))
    assert "<script>[bold]" in ok(cli("levers", scenario_file, "--model", "compromise"))
    # once such runs are stored, listing and comparing them still works, every time
    for _ in range(2):
        assert ok(cli("runs", "list")).count("[/]markup") == 3
    assert "[/]markup" in ok(cli("runs", "diff", "1", "2"))
    assert "[/]markup" in ok(cli("runs", "show", "1"))


def test_png_and_html_reports_draw_names_as_text(cli, scenario_file, tmp_path):
    ok(cli("forecast", scenario_file, "--model", "eum"))
    ok(cli("report", "1", "--png", str(tmp_path / "charts")))
    charts = sorted(path.name for path in (tmp_path / "charts").iterdir())
    assert charts and all(name.endswith(".png") for name in charts)
    ok(cli("report", "1", "--html", str(tmp_path / "report.html")))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    outside_scripts = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    assert "&lt;script&gt;[bold]" in outside_scripts and "<script>[bold]" not in outside_scripts
