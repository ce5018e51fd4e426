"""Coverage of the Monte Carlo intervals in the backtest: outcomes placed where the answer is known."""

from __future__ import annotations

import json

import pytest

from realpolitik.analysis.backtest import run_backtest
from realpolitik.io.deu3 import read_deu3
from realpolitik.store import list_runs
from tests.io.deu3_table import issue_row, write_deu3


def test_coverage_of_outcomes_at_and_far_from_the_forecast(tmp_path):
    """One actor at 40 per issue: the compromise forecast is its position, drawn with a standard
    deviation of 5 points, so an outcome of 40 lies inside every central interval and one of 70
    (six standard deviations off) inside none; half the issues of each kind give 50% coverage."""
    rows = [issue_row(f"d{index}", f"i{index}", {"de": 40}, {"de": 60}, outcome=40 if index % 2 else 70)
            for index in range(10)]
    result = run_backtest(read_deu3(write_deu3(tmp_path / "deu.tsv", rows)), ["compromise", "fitted-capability"],
                          calibration_draws=400, seed=3)
    calibration = result.calibration
    assert (calibration["draws"], calibration["seed"], calibration["levels"]) == (400, 3, [50, 80, 95])
    assert calibration["noise"]["position_sd_percent_of_scale"] == 5.0
    (compromise,) = calibration["models"]  # fitted models have no Monte Carlo intervals
    assert compromise == {"model": "compromise", "inside_50": 0.5, "inside_80": 0.5, "inside_95": 0.5, "n": 10}


def test_the_command_prints_and_stores_the_calibration(cli, tmp_path):
    rows = [issue_row("d1", "i1", {"de": 40, "fr": 60}, {"de": 50, "fr": 50}, outcome=50)]
    path = write_deu3(tmp_path / "deu.tsv", rows)
    table = cli("backtest", "deu3", "--data", str(path), "--models", "compromise", "--draws", "50")
    assert table.exit_code == 0
    assert "Share of outcomes inside the Monte Carlo intervals" in table.stdout
    assert "95% interval" in table.stdout
    document = json.loads(cli("backtest", "deu3", "--data", str(path), "--models", "compromise,median", "--draws",
                              "50", "--seed", "9", "--format", "json").stdout)
    assert [model["model"] for model in document["calibration"]["models"]] == ["compromise", "median"]
    assert document["calibration"]["seed"] == 9
    latest = list_runs(kind="backtest")[0]
    assert (latest.seed, latest.parameters["draws"]) == (9, 50)
    assert latest.result["calibration"] == document["calibration"]


@pytest.mark.parametrize("draws", ["2000000", "-1"])
def test_a_draw_count_out_of_range_is_refused(cli, tmp_path, draws):
    path = write_deu3(tmp_path / "deu.tsv", [issue_row("d1", "i1", {"de": 40}, outcome=50)])
    result = cli("backtest", "deu3", "--data", str(path), "--models", "compromise", "--draws", draws)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
