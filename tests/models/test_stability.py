"""Converged, cycling or still moving: the classifier on hand-made series, and the dynamic models on it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from realpolitik.forecast import IssueStability, resolve_options, run
from realpolitik.models.eum import EUMOptions, run_eum
from realpolitik.models.eum import run_issue as run_eum_issue
from realpolitik.models.stability import CONVERGED, CYCLE, ROUND_LIMIT, classify
from realpolitik.render import stability_words
from realpolitik.scenarios import load_builtin


def one_actor(series: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """States ``(T+1, 1, 1)`` and forecast ``(T+1, 1)`` of a one-actor series whose forecast is its position."""
    values = np.array(series, dtype=float)
    return values[:, None, None], values[:, None]


def test_a_series_that_stops_moving_has_converged():
    states, forecast = one_actor([10, 4, 6, 6])
    result = classify(states, forecast, 1e-9)
    assert result.status.tolist() == [CONVERGED]
    assert result.forecast.tolist() == [6.0]
    assert (result.low.tolist(), result.high.tolist()) == ([6.0], [6.0])
    assert result.period.tolist() == [0]


def test_a_period_two_cycle_is_forecast_by_its_mean_wherever_the_round_limit_cuts_it():
    # 0, then 1, 3, 1, 3, ...: the mean over one period is 2, its range 1..3.
    for series in ([0, 1, 3, 1, 3, 1, 3], [0, 1, 3, 1, 3, 1, 3, 1]):
        states, forecast = one_actor(series)
        result = classify(states, forecast, 1e-9)
        assert result.status.tolist() == [CYCLE]
        assert result.period.tolist() == [2]
        assert result.forecast.tolist() == [2.0]
        assert (result.low.tolist(), result.high.tolist()) == ([1.0], [3.0])


def test_a_period_three_cycle():
    # 5, then 1, 2, 4 repeated: mean 7/3, range 1..4, whichever phase the run ends in.
    for series in ([5, 1, 2, 4, 1, 2, 4, 1, 2], [5, 1, 2, 4, 1, 2, 4, 1, 2, 4], [5, 1, 2, 4, 1, 2, 4, 1]):
        states, forecast = one_actor(series)
        result = classify(states, forecast, 1e-9)
        assert result.status.tolist() == [CYCLE], series
        assert result.period.tolist() == [3]
        assert result.forecast[0] == pytest.approx(7 / 3)
        assert (result.low.tolist(), result.high.tolist()) == ([1.0], [4.0])


def test_a_period_four_cycle_is_not_mistaken_for_period_two():
    states, forecast = one_actor([1, 2, 3, 4, 1, 2, 3, 4, 1])
    result = classify(states, forecast, 1e-9)
    assert result.period.tolist() == [4]
    assert result.forecast[0] == pytest.approx(2.5)


def test_a_series_still_moving_at_the_round_limit_keeps_its_last_round_and_reports_the_second_half():
    states, forecast = one_actor([0, 1, 2, 3, 4, 5, 6])
    result = classify(states, forecast, 1e-9)
    assert result.status.tolist() == [ROUND_LIMIT]
    assert result.forecast.tolist() == [6.0]
    # Rounds 6 - 3 .. 6.
    assert (result.low.tolist(), result.high.tolist()) == ([3.0], [6.0])


def test_the_state_decides_not_the_forecast():
    # Two actors swap places every round: the state cycles with period 2 while the forecast (their mean) stands still.
    states = np.array([[[0.0, 4.0]], [[4.0, 0.0]], [[0.0, 4.0]], [[4.0, 0.0]]])
    result = classify(states, np.full((4, 1), 2.0), 1e-9)
    assert result.status.tolist() == [CYCLE] and result.period.tolist() == [2]
    assert result.forecast.tolist() == [2.0]


def test_repeats_count_within_the_tolerance_only():
    states, forecast = one_actor([0, 1, 3, 1.001, 3, 1, 3.001])
    assert classify(states, forecast, 1e-9).status.tolist() == [ROUND_LIMIT]
    assert classify(states, forecast, 0.01).status.tolist() == [CYCLE]


def test_draws_are_classified_each_on_its_own():
    series = [[10, 4, 6, 6, 6, 6, 6], [0, 1, 3, 1, 3, 1, 3], [5, 1, 2, 4, 1, 2, 4], [0, 1, 2, 3, 4, 5, 6]]
    values = np.array(series, dtype=float).T  # (T+1, B)
    result = classify(values[:, :, None], values, np.full(4, 1e-9))
    assert result.status.tolist() == [CONVERGED, CYCLE, CYCLE, ROUND_LIMIT]
    assert result.period.tolist() == [0, 2, 3, 0]
    np.testing.assert_allclose(result.forecast, [6.0, 2.0, 7 / 3, 6.0])
    np.testing.assert_allclose(result.low, [6.0, 1.0, 1.0, 3.0])
    np.testing.assert_allclose(result.high, [6.0, 3.0, 4.0, 6.0])


def test_a_stopping_rule_that_fired_counts_as_converged():
    states, forecast = one_actor([0, 1, 2, 3])
    assert classify(states, forecast, 1e-9, np.array([True])).status.tolist() == [CONVERGED]


def eum_forecast(cli, rounds: int) -> dict[str, dict]:
    result = cli("forecast", "ukraine-2025-03", "--model", "eum", "--rounds", str(rounds), "--format", "json")
    assert result.exit_code == 0, result.output
    return {item["issue"]: item for item in json.loads(result.stdout)["issues"]}


def agree(first: dict, second: dict) -> bool:
    """Forecasts within 1 point, or the same cycle reported by both."""
    if abs(first["forecast"] - second["forecast"]) <= 1.0:
        return True
    return (first["stability"]["status"] == second["stability"]["status"] == "cycle"
            and first["stability"]["period"] == second["stability"]["period"]
            and first["stability"]["range"] == pytest.approx(second["stability"]["range"]))


def test_the_eum_forecast_does_not_depend_on_the_parity_of_the_round_limit(cli):
    ten, eleven = eum_forecast(cli, 10), eum_forecast(cli, 11)
    for issue in ten:
        assert agree(ten[issue], eleven[issue]), (issue, ten[issue]["forecast"], eleven[issue]["forecast"])
        assert ten[issue]["stability"]["rounds_run"] == 10 and eleven[issue]["stability"]["rounds_run"] == 11
    # Territory used to read 100 after 10 rounds and 65 after 11: it alternates between them.
    assert ten["territory"]["stability"] == {"status": "cycle", "rounds_run": 10, "period": 2, "range": [65.0, 100.0]}
    assert ten["territory"]["forecast"] == pytest.approx(82.5)


def test_cycles_found_after_nine_rounds_hold_after_twenty_and_twenty_one():
    scenario = load_builtin("ukraine-2025-03")
    runs = {rounds: {item.issue.name: item.to_dict() for item in
                     run(scenario, "eum", resolve_options("eum", rounds=rounds)).issues}
            for rounds in (9, 20, 21)}
    for issue, item in runs[9].items():
        if item["stability"]["status"] == "cycle":
            for later in (20, 21):
                assert runs[later][issue]["stability"]["period"] == item["stability"]["period"]
                assert runs[later][issue]["forecast"] == pytest.approx(item["forecast"])
    for issue in runs[20]:
        assert agree(runs[20][issue], runs[21][issue]), issue


def test_batched_draws_are_classified_as_single_runs():
    scenario = load_builtin("ukraine-2025-03")
    arrays = scenario.issue_arrays("territory")
    generator = np.random.default_rng(7)
    position = np.clip(arrays.position + generator.normal(0, 8, (24, len(arrays.actors))), 0, 100)
    salience = np.broadcast_to(arrays.salience, position.shape)
    capability = np.broadcast_to(arrays.capability, position.shape)
    options = EUMOptions(rounds=12)
    issue = scenario.issues[1]
    batch = run_eum_issue(issue, position, salience, capability, options)
    for draw in range(len(position)):
        single = run_eum_issue(issue, position[draw:draw + 1], salience[:1], capability[:1], options)
        assert batch.forecast[draw] == pytest.approx(single.forecast[0], abs=1e-9)
        assert batch.stability.status[draw] == single.stability.status[0]
        assert batch.stability.period[draw] == single.stability.period[0]


def test_forecast_settles_stops_at_the_first_round_the_forecast_does_not_move():
    scenario = load_builtin("ukraine-2025-03")
    arrays = scenario.issue_arrays("territory")
    free = run_eum(arrays.position, arrays.salience, arrays.capability, EUMOptions(rounds=10))
    medians = free.weighted_median[:, 0]
    first_still = next(t for t in range(1, 11) if medians[t] == medians[t - 1])
    settled = run_eum(arrays.position, arrays.salience, arrays.capability,
                      EUMOptions(rounds=10, stopping="forecast_settles"))
    assert settled.rounds_run == first_still
    assert settled.stopped.tolist() == [True]
    np.testing.assert_array_equal(settled.positions, free.positions[:first_still + 1])


def test_static_models_are_converged_after_no_rounds():
    scenario = load_builtin("ukraine-2025-03")
    for model in ("compromise", "median", "nash"):
        item = run(scenario, model, resolve_options(model)).issues[0]
        assert item.stability.to_dict() == {"status": "converged", "rounds_run": 0, "period": None,
                                            "range": [item.forecast, item.forecast]}


def test_the_table_says_how_a_trajectory_ended_in_words():
    assert stability_words(IssueStability("cycle", 10, 2, 65.0, 100.0)) == (
        "cycles with period 2 between 65.0 and 100.0; forecast = mean over the cycle")
    assert stability_words(IssueStability("converged", 7, None, 3.0, 3.0)) == "converged after 7 rounds"
    assert stability_words(IssueStability("round limit", 10, None, 45.75, 54.04)) == (
        "still moving after 10 rounds: between 45.8 and 54.0 over rounds 5-10; forecast = the last round")


def test_ktabs_stopping_rule_counts_as_converged_and_the_exchange_model_reports_its_range():
    scenario = load_builtin("ukraine-2025-03")
    for item in run(scenario, "smp", resolve_options("smp")).issues:
        assert item.stop_reason == "converged"
        assert item.stability.status == "converged"
        assert item.stability.rounds_run == len(item.rounds) - 1
        assert item.forecast == pytest.approx(item.rounds[-1].weighted_mean)
    for item in run(scenario, "exchange", resolve_options("exchange")).issues:
        assert item.stability.rounds_run == 10
        assert item.stability.low <= item.forecast <= item.stability.high
        if item.stability.status == "round limit":
            assert item.stability.period is None
