"""``realpolitik report`` for simulate, levers and backtest runs: the stored numbers, nothing run again."""

from __future__ import annotations

import json
from html import escape

import pytest

from realpolitik.store import get_run
from tests.conftest import shared_file
from tests.report.test_report import embedded_figures


def last_run(cli) -> int:
    return json.loads(cli("runs", "list", "--format", "json").stdout)[0]["id"]


def report_of(cli, tmp_path, run_id: int, monkeypatch) -> str:
    """The HTML report of the run, written while every analysis refuses to run."""
    import realpolitik.analysis.backtest as backtest
    import realpolitik.analysis.levers as levers
    import realpolitik.analysis.montecarlo as montecarlo

    def refuse(*_args, **_kwargs):
        raise AssertionError("the report ran an analysis again")

    for module, name in ((montecarlo, "simulate"), (levers, "analyse_levers"), (backtest, "run_backtest")):
        monkeypatch.setattr(module, name, refuse)
    target = tmp_path / "report.html"
    result = cli("report", str(run_id), "--html", str(target))
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def test_a_simulation_report_shows_its_distributions_and_threshold_probabilities(cli, tmp_path, monkeypatch):
    assert cli("simulate", "emissions-1994", "--model", "compromise", "--draws", "60", "--seed", "4",
               "--threshold", "emissions>=7.2").exit_code == 0
    run_id = last_run(cli)
    stored = get_run(run_id).result["issues"][0]
    html = report_of(cli, tmp_path, run_id, monkeypatch)
    assert "Monte Carlo simulation (compromise)" in html and "60 draws, seed 4" in html
    assert f"<td>median of the draws</td><td>{stored['median']:.1f}</td>" in html
    for level, (low, high) in stored["intervals"].items():
        assert f"<td>{level}%</td><td>{low:.1f}–{high:.1f}</td>" in html
    assert f'<td>emissions&gt;=7.2</td><td class="number">{100 * stored["thresholds"]["emissions>=7.2"]:.0f}%</td>' \
        in html
    histogram = embedded_figures(html)["simulation-0"]["data"][0]
    assert sum(histogram["y"]) == pytest.approx(1.0)
    assert len(histogram["x"]) == len(stored["histogram"]["counts"])


def test_a_levers_report_shows_the_tornado_and_the_shocks(cli, tmp_path, monkeypatch):
    assert cli("levers", "emissions-1994", "--model", "compromise", "--shock", "Germany.salience=10").exit_code == 0
    run_id = last_run(cli)
    result = get_run(run_id).result
    html = report_of(cli, tmp_path, run_id, monkeypatch)
    issue = result["issues"][0]
    assert escape(issue["sentence"]) in html
    tornado = embedded_figures(html)["levers-0"]
    strongest = issue["levers"][0]
    assert tornado["data"][0]["y"][-1] == f"{strongest['actor']} {strongest['attribute']}"
    assert tornado["data"][0]["customdata"][-1] == strongest["down"]["forecast"]
    moved = result["shocks"]["issues"][0]
    assert f'<td class="number">{moved["difference"]:+.1f}</td>' in html
    assert "<td>Germany.salience=10</td>" in html


def test_a_backtest_report_shows_scores_and_calibration(cli, tmp_path, monkeypatch):
    data = shared_file("deu3", "deu3.tsv")
    assert cli("backtest", "deu3", "--data", str(data), "--models", "compromise,median", "--draws", "10").exit_code == 0
    run_id = last_run(cli)
    result = get_run(run_id).result
    html = report_of(cli, tmp_path, run_id, monkeypatch)
    for model in result["models"]:
        assert f'<td>{model["model"]}</td><td class="number">{model["mae"]:.2f}</td>' in html
    assert "<h2>Calibration</h2>" in html
    inside = result["calibration"]["models"][0]["inside_80"]
    assert f'<td class="number">{100 * inside:.0f}%</td>' in html
    assert embedded_figures(html)["backtest-mae"]["data"][0]["x"] == [model["mae"] for model in reversed(result["models"])]


def test_png_charts_of_an_analysis_run_point_to_the_html_report(cli, tmp_path):
    assert cli("levers", "emissions-1994", "--model", "compromise").exit_code == 0
    result = cli("report", str(last_run(cli)), "--png", str(tmp_path / "charts"))
    assert result.exit_code == 2
    assert "is a levers run: its charts are in the HTML report (--html FILE)" in result.stderr
