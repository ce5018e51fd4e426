"""Results in a notebook: to_frame() as pandas DataFrames, _repr_html_ as tables, a clear message without pandas."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from realpolitik import load_scenario, run
from realpolitik.analysis.montecarlo import simulate
from realpolitik.forecast import resolve_options

pandas = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def forecast():
    return run(load_scenario("emissions-1994"), "eum", preset="scholz2011")


@pytest.fixture(scope="module")
def simulation():
    scenario = load_scenario("ukraine-2025-03")
    return simulate(scenario, "compromise", resolve_options("compromise", None), draws=200, seed=3,
                    thresholds=["ceasefire>=75"])


def test_a_forecast_becomes_one_row_per_issue(forecast):
    frame = forecast.to_frame()
    assert list(frame.index) == [item.issue.name for item in forecast.issues]
    for item in forecast.issues:
        assert frame.loc[item.issue.name, "forecast"] == item.forecast
        assert frame.loc[item.issue.name, "scale_max"] == item.issue.scale_max


def test_a_simulation_becomes_its_intervals_and_threshold_probabilities(simulation):
    frame = simulation.to_frame()
    ceasefire = simulation.issue("ceasefire")
    assert frame.loc["ceasefire", "median"] == ceasefire.median
    assert (frame.loc["ceasefire", "low_80"], frame.loc["ceasefire", "high_80"]) == ceasefire.interval(80)
    assert frame.loc["ceasefire", "P(ceasefire>=75)"] == ceasefire.probability(ceasefire.thresholds[0])
    assert frame["low_95"].le(frame["low_50"]).all() and frame["high_50"].le(frame["high_95"]).all()


def test_results_show_as_html_tables_with_their_numbers(forecast, simulation):
    table = forecast._repr_html_()
    assert table.startswith("<table><caption>emissions-1994: eum, preset scholz2011</caption>")
    assert f"<td>{forecast.issues[0].forecast:.1f}</td>" in table
    shown = simulation._repr_html_()
    probability = simulation.issue("ceasefire").probability(simulation.issue("ceasefire").thresholds[0])
    assert f"<td>{100 * probability:.0f}%</td>" in shown
    assert "&lt;" not in table and "<script" not in shown


def test_names_are_escaped_in_html(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("name: t\nissues: [{name: '<b>x</b>'}]\nactors:\n"
                    "  - {name: A, capability: 1, stances: {'<b>x</b>': {position: 10, salience: 50}}}\n"
                    "  - {name: B, capability: 1, stances: {'<b>x</b>': {position: 60, salience: 50}}}\n")
    table = run(load_scenario(path), "compromise")._repr_html_()
    assert "<b>" not in table and "&lt;b&gt;x&lt;/b&gt;" in table


def test_a_backtest_becomes_one_row_per_model():
    from tests.conftest import shared_file

    from realpolitik.analysis.backtest import run_backtest
    from realpolitik.io.deu3 import read_deu3

    backtest = run_backtest(read_deu3(shared_file("deu3", "deu3.tsv")), ["compromise", "median"],
                            "equal", "recorded", 0, 0)
    frame = backtest.to_frame()
    assert list(frame.index) == ["compromise", "median"]
    assert frame.loc["median", "mae"] == backtest.model("median").overall.mae
    assert "<td>compromise</td>" in backtest._repr_html_()


def test_without_pandas_to_frame_says_how_to_get_it(forecast, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r'pip install "realpolitik\[pandas\]"'):
        forecast.to_frame()
    assert forecast._repr_html_().startswith("<table>")  # the HTML table needs no pandas


def test_the_extra_is_declared():
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert 'pandas = [\n    "pandas>=2.0",\n]' in text
