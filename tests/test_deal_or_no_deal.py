"""Deal or no deal: P(agreement) in simulate, forecast and levers, on hand-derived cases and the flagship."""

from __future__ import annotations

import json

import numpy as np
import pytest

from realpolitik.analysis.levers import analyse_levers
from realpolitik.analysis.montecarlo import simulate
from realpolitik.scenario import Uncertainty, load_scenario_dict

QUIET = Uncertainty(position_sd_percent_of_scale=0, salience_sd=0, capability_sd_percent=0)


def veto_scenario(veto_position: float | str, other_position: float = 100.0, noise: Uncertainty | None = QUIET,
                  reversion: float = 0.0):
    """V (veto player) and A with equal weights on x (0..100), reversion ``reversion``:
    the compromise settlement is (x_V + x_A) / 2."""
    return load_scenario_dict({
        "name": "deal", **({"uncertainty": noise.model_dump()} if noise else {}),
        "issues": [{"name": "x", "status_quo": reversion, "veto_players": ["V"]}],
        "actors": [{"name": "V", "capability": 1, "stances": {"x": {"position": veto_position, "salience": 50}}},
                   {"name": "A", "capability": 1, "stances": {"x": {"position": other_position, "salience": 50}}}],
    })


@pytest.mark.parametrize("model", ["compromise", "median", "nash", "eum"])
def test_a_veto_player_at_the_reversion_point_leaves_no_agreement(model):
    # V sits on the reversion point 0 in every draw (its position has sd 0) and accepts only 0 itself:
    # every settlement away from it is refused, whatever the noise does to A and to the weights.
    result = simulate(veto_scenario("0 ± 0", noise=None), model, draws=300, seed=2).issue("x")
    moved = np.abs(result.forecasts) > 1e-9
    assert result.agreement_probability == 0.0
    assert np.all(result.outcomes[moved] == 0.0)
    assert result.median == 0.0


def test_agreement_when_the_settlement_lies_in_the_winset():
    # V at 60, A at 100: settlement 80; V accepts 0..120 against reversion 0, so every draw is a deal.
    result = simulate(veto_scenario(60.0), "compromise", draws=50, seed=1).issue("x")
    assert result.agreement_probability == 1.0
    assert result.median == pytest.approx(80.0)
    assert result.agreement_to_dict()["refusal_share"] == {"V": 0.0}


def test_thresholds_apply_to_what_happens_not_to_the_settlement():
    # V at 30, A at 100: settlement 65, V accepts only 0..60: no deal, the reversion point 0 holds.
    result = simulate(veto_scenario(30.0), "compromise", draws=20, seed=1, thresholds=["x>=50"]).issue("x")
    assert result.agreement_probability == 0.0
    assert result.probability(result.thresholds[0]) == 0.0
    assert result.agreement_to_dict()["settlement_median"] == pytest.approx(65.0)


def test_levers_on_agreement_find_the_two_steps_that_make_a_deal():
    # V at 30, A at 100, reversion 0: settlement 65 and V accepts 0..60, so no deal (P = 0).
    # V's position up 10 -> 40: settlement 70, V accepts 0..80: deal (P = 1).
    # A's position down 10 -> 90: settlement 60, V accepts 0..60: deal (P = 1).
    # Every salience or capability step moves the settlement to 61.1-68.9, still above 60: no deal.
    result = analyse_levers(veto_scenario(30.0), "compromise", target="agreement", draws=20, seed=0)
    levers = result.issue("x")
    assert levers.baseline == 0.0
    strong = {(lever.actor, lever.attribute, lever.strongest()[0]) for lever in levers.levers if lever.swing == 1.0}
    assert strong == {("V", "position", "up"), ("A", "position", "down")}
    assert all(lever.swing == 0.0 for lever in levers.levers if (lever.actor, lever.attribute) not in
               {("V", "position"), ("A", "position")})
    assert "P(agreement)" in levers.sentence()


def test_flagship_forecast_answers_first_with_p_agreement(cli):
    result = cli("forecast", "ukraine-2025-03", "--draws", "50")
    assert result.exit_code == 0, result.output
    head = result.stdout[:result.stdout.index("Ceasefire scope")]
    assert "What happens next" in head and "P(agreement)" in head
    assert "ceasefire" in head
    assert "Veto players refusing the settlement" in result.stdout


def test_forecast_json_holds_agreement_and_the_outlook(cli):
    result = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--draws", "40", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    ceasefire = next(item for item in document["issues"] if item["issue"] == "ceasefire")
    agreement = ceasefire["agreement"]
    assert agreement["veto_players"] == ["Russia", "Ukraine"]
    assert agreement["draws"] == 40 and 0.0 <= agreement["probability"] <= 1.0
    assert agreement["reversion"] == 20.0
    outlook = {item["issue"]: item for item in document["outlook"]}
    assert outlook["ceasefire"]["agreement_probability"] == agreement["probability"]
    assert set(outlook["ceasefire"]["settlements"]) >= {"compromise", "eum", "nash", "veto"}


def test_target_agreement_on_an_issue_without_veto_players_is_refused(cli, tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text(json.dumps({
        "name": "plain",
        "issues": [{"name": "x", "status_quo": 0, "veto_players": ["V"]}, {"name": "y"}],
        "actors": [{"name": "V", "capability": 1, "stances": {"x": {"position": 10, "salience": 50},
                                                                "y": {"position": 10, "salience": 50}}},
                   {"name": "A", "capability": 1, "stances": {"x": {"position": 90, "salience": 50},
                                                                "y": {"position": 90, "salience": 50}}}],
    }))
    result = cli("levers", str(path), "--target", "agreement", "--issue", "y")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert str(path) in message and "'y'" in message and "veto_players" in message


def test_target_agreement_without_any_veto_players_is_refused(cli):
    result = cli("levers", "emissions-1994", "--target", "agreement")
    assert result.exit_code == 2, result.output
    assert "veto_players" in result.stderr and "emissions-1994" in result.stderr


def test_a_forecast_with_p_agreement_reruns_exactly(cli):
    made = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--draws", "30", "--seed", "3",
               "--format", "json")
    assert made.exit_code == 0, made.output
    assert "outlook" in json.loads(made.stdout)
    again = cli("runs", "rerun", "1")
    assert again.exit_code == 0, again.output
    assert "reproduced" in again.output


def test_a_lever_that_changes_a_few_draws_is_said_to_be_within_the_noise():
    from realpolitik.analysis.levers import IssueLevers, Lever, Step

    issue = veto_scenario(30.0).issues[0]
    lever = Lever("V", "position", 30.0, Step(20.0, 0.0, 0.0), Step(40.0, 0.01, 0.01))
    sentence = IssueLevers(issue, 0.0, [lever], "agreement", 200).sentence()
    assert "Only 2 of the 200 draws change" in sentence
    lever = Lever("V", "position", 30.0, Step(20.0, 0.0, 0.0), Step(40.0, 0.5, 0.5))
    assert "Only" not in IssueLevers(issue, 0.0, [lever], "agreement", 200).sentence()


def test_a_run_with_its_own_calibration_file_reruns_with_that_file(cli, tmp_path):
    from realpolitik.analysis.calibration_file import packaged_path

    # A calibration whose 80% level differs from the shipped one: a rerun that fell back on the shipped
    # file would give other calibrated intervals, and the rerun would report them as not reproduced.
    # (--draws 0: no mixing with the reversion point, so the calibrated forecast comes from the file alone.)
    calibration = json.loads(packaged_path().read_text(encoding="utf-8"))
    for entry in calibration["models"].values():
        entry["levels"]["80"] = 0.97
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(calibration), encoding="utf-8")
    made = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--draws", "0", "--calibration", str(path),
               "--format", "json")
    assert made.exit_code == 0, made.output
    shown = json.loads(cli("runs", "show", "1").stdout)
    assert shown["parameters"]["calibration"] == str(path.resolve())
    again = cli("runs", "rerun", "1")
    assert again.exit_code == 0, again.output
