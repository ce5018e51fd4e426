"""`realpolitik simulate` and `realpolitik levers`: the documented contract, and bad input refused cleanly."""

from __future__ import annotations

import json

import pytest

NOISE_OFF = ("--position-sd", "0", "--salience-sd", "0", "--capability-sd", "0")


def refused(result, message: str) -> None:
    """One clear message, exit code 2, nothing on standard output, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_simulate_json_holds_the_documented_fields(cli):
    result = cli("simulate", "ukraine-2025-03", "--model", "compromise", "--draws", "300", "--seed", "4",
                 "--threshold", "ceasefire>=75", "--threshold", "territory<50", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["draws"], document["seed"], document["model"]) == (300, 4, "compromise")
    issues = {item["issue"]: item for item in document["issues"]}
    assert set(issues) == {"ceasefire", "territory", "security", "aid", "sanctions", "zaporizhzhia"}
    ceasefire = issues["ceasefire"]
    assert set(ceasefire["intervals"]) == {"50", "80", "95"}
    low50, high50 = ceasefire["intervals"]["50"]
    low95, high95 = ceasefire["intervals"]["95"]
    assert low95 <= low50 <= ceasefire["median"] <= high50 <= high95
    assert list(ceasefire["thresholds"]) == ["ceasefire>=75"]
    assert 0.0 <= ceasefire["thresholds"]["ceasefire>=75"] <= 1.0
    assert list(issues["territory"]["thresholds"]) == ["territory<50"]
    assert issues["security"]["thresholds"] == {}
    assert sum(ceasefire["histogram"]["counts"]) == 300


def test_same_seed_same_output(cli):
    arguments = ("simulate", "ukraine-2025-03", "--draws", "150", "--seed", "9", "--format", "json")
    first, second = cli(*arguments), cli(*arguments)
    assert first.exit_code == 0 and first.stdout == second.stdout
    other = cli("simulate", "ukraine-2025-03", "--draws", "150", "--seed", "10", "--format", "json")
    assert other.stdout != first.stdout


def test_without_noise_the_distribution_is_the_point_forecast(cli):
    result = cli("simulate", "ukraine-2025-03", "--draws", "20", *NOISE_OFF, "--format", "json")
    for item in json.loads(result.stdout)["issues"]:
        # Every draw ends alike: the settlement where the veto players accept it, else the reversion point.
        agreement = item["agreement"]
        happens = item["point_forecast"] if agreement is None or agreement["probability"] == 1.0 else \
            agreement["reversion"]
        assert agreement is None or agreement["probability"] in (0.0, 1.0)
        assert agreement is None or agreement["settlement_intervals"]["95"] == [item["point_forecast"]] * 2
        assert all(interval == [happens] * 2 for interval in item["intervals"].values())


def test_simulate_table_reports_thresholds_and_noise(cli):
    result = cli("simulate", "ukraine-2025-03", "--model", "median", "--draws", "200", "--threshold",
                 "ceasefire>=75", "--salience-sd", "5")
    assert result.exit_code == 0, result.output
    assert "200 draws, seed 0" in result.stdout
    assert "saliences ±5 points" in result.stdout
    assert "P(ceasefire>=75) = " in result.stdout


def test_levers_answer_which_single_change_moves_the_ceasefire_forecast_most(cli):
    result = cli("levers", "ukraine-2025-03", "--model", "compromise", "--shock", "Russia.salience[ceasefire]=40",
                 "--shock", "USA.capability*=1.5")
    assert result.exit_code == 0, result.output
    assert "The single change that moves the ceasefire forecast most is USA's position down" in \
        " ".join(result.stdout.split())
    assert "What if: Russia.salience[ceasefire]=40, USA.capability*=1.5" in result.stdout
    assert "Russia salience on ceasefire: 85 → 40" in result.stdout


def test_levers_json_has_baseline_shocked_and_difference(cli, tmp_path):
    shocks = tmp_path / "shocks.txt"
    shocks.write_text("# pressure on Moscow\nRussia.salience[ceasefire]=40\n")
    result = cli("levers", "ukraine-2025-03", "--model", "compromise", "--shocks", str(shocks), "--format", "json")
    document = json.loads(result.stdout)
    ceasefire = next(item for item in document["issues"] if item["issue"] == "ceasefire")
    assert ceasefire["strongest"]["actor"] == "USA" and ceasefire["strongest"]["attribute"] == "position"
    assert ceasefire["levers"][0]["swing"] >= ceasefire["levers"][-1]["swing"]
    outcome = next(item for item in document["shocks"]["issues"] if item["issue"] == "ceasefire")
    assert outcome["difference"] == pytest.approx(outcome["shocked"] - outcome["baseline"])
    assert outcome["difference"] > 0  # Russia, the actor furthest from a ceasefire, cares less
    assert document["steps"] == {"position_percent_of_scale": 10.0, "salience_points": 10.0, "capability_factor": 1.25}


@pytest.mark.parametrize(("arguments", "message"), [
    (("simulate", "ukraine-2025-03", "--threshold", "ceasefire=>75"),
     "error: threshold 'ceasefire=>75': expected ISSUE OP NUMBER"),
    (("simulate", "ukraine-2025-03", "--threshold", "ceasfire>=75"),
     "unknown issue 'ceasfire'; did you mean 'ceasefire'?"),
    (("simulate", "ukraine-2025-03", "--draws", "-5"), "the number of draws must be a whole number from 1 to 1,000,000"),
    (("simulate", "ukraine-2025-03", "--draws", "0"), "(got 0)"),
    (("simulate", "ukraine-2025-03", "--draws", "1000000000"), "(got 1000000000)"),
    (("simulate", "ukraine-2025-03", "--seed", "-1"), "the seed must be a whole number >= 0"),
    (("simulate", "ukraine-2025-03", "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "0.5"),
     "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"),
    (("simulate", "ukraine-2025-03", "--scheduler", "nonsense::"), "'nonsense::' is not a Dask scheduler address"),
    (("simulate", "ukraine-2025-03", "--workers", "0"), "the number of workers must be between 1 and 256"),
    (("levers", "ukraine-2025-03", "--shock", "Russia.salience(ceasefire)=40"),
     "shock 'Russia.salience(ceasefire)=40': expected ACTOR.ATTRIBUTE[ISSUE] OP NUMBER"),
    (("levers", "ukraine-2025-03", "--shock", "Rusia.salience[ceasefire]=40"),
     "shock 'Rusia.salience[ceasefire]=40': unknown actor 'Rusia'; did you mean 'Russia'?"),
    (("levers", "ukraine-2025-03", "--shock", "Russia.salience[peace]=40"), "unknown issue 'peace'"),
    (("levers", "ukraine-2025-03", "--shock", "Russia.salience[ceasefire]=400"), "salience 400 is outside 0..100"),
    (("levers", "ukraine-2025-03", "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "0.5"),
     "cannot reach the Dask scheduler"),
])
def test_bad_input_gets_one_message_and_exit_code_2(cli, arguments, message):
    refused(cli(*arguments), message)


def test_a_bad_line_in_a_shock_file_is_located(cli, tmp_path):
    shocks = tmp_path / "shocks.txt"
    shocks.write_text("Russia.salience[ceasefire]=40\n\nUSA.capability*=x\n")
    refused(cli("levers", "ukraine-2025-03", "--shocks", str(shocks)), f"{shocks}, line 3: shock 'USA.capability*=x'")
    refused(cli("levers", "ukraine-2025-03", "--shocks", str(tmp_path / "none.txt")), "cannot be read")


def test_a_non_number_draw_count_is_refused_by_the_parser(cli):
    result = cli("simulate", "ukraine-2025-03", "--draws", "many")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
