"""Monte Carlo forecasts: reproducible, honest intervals, and probabilities that match a hand derivation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from realpolitik import load_scenario, load_scenario_dict, run
from realpolitik.analysis.distributed import dask_client
from realpolitik.analysis.montecarlo import (
    INTERVALS,
    SimulationRequestError,
    ValueTable,
    simulate,
)
from realpolitik.scenario import Uncertainty

QUIET = Uncertainty(position_sd_percent_of_scale=0, salience_sd=0, capability_sd_percent=0)


def two_actors(position_sd: float = 5.0):
    """A at 50 ± sd, B at 80, equal weights: the compromise forecast is (x_A + 80) / 2."""
    return load_scenario_dict({
        "name": "two", "uncertainty": QUIET.model_dump(), "issues": [{"name": "x", "anchors": {0: "no", 100: "yes"}}],
        "actors": [{"name": "A", "capability": 1, "stances": {"x": {"position": f"50 ± {position_sd}", "salience": 100}}},
                   {"name": "B", "capability": 1, "stances": {"x": {"position": 80, "salience": 100}}}],
    })


@pytest.fixture(scope="module")
def client():
    with dask_client() as active:
        yield active


def normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def test_threshold_probability_matches_the_hand_derivation(client):
    # F = (x_A + 80)/2 with x_A ~ N(50, 5²): F >= 66 exactly when x_A >= 52, so
    # P = 1 - Φ((52 - 50)/5) = 1 - Φ(0.4) ≈ 0.3446; F ~ N(65, 2.5²).
    draws = 20_000
    result = simulate(two_actors(), "compromise", draws=draws, seed=3, thresholds=["x>=66", "x<65"], client=client)
    item = result.issue("x")
    expected = 1.0 - normal_cdf(0.4)
    standard_error = math.sqrt(expected * (1 - expected) / draws)
    assert item.probability(item.thresholds[0]) == pytest.approx(expected, abs=4 * standard_error)
    assert item.probability(item.thresholds[1]) == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / draws))
    assert item.point_forecast == 65.0
    assert item.median == pytest.approx(65.0, abs=0.1)
    low, high = item.interval(95)
    assert low == pytest.approx(65 - 1.959964 * 2.5, abs=0.2)
    assert high == pytest.approx(65 + 1.959964 * 2.5, abs=0.2)


def test_same_seed_same_numbers_and_a_larger_count_keeps_the_first_draws(client):
    scenario = load_scenario("ukraine-2025-03")
    first = simulate(scenario, "eum", draws=1100, seed=11, client=client)
    again = simulate(scenario, "eum", draws=1100, seed=11, client=client)
    other = simulate(scenario, "eum", draws=1100, seed=12, client=client)
    more = simulate(scenario, "eum", draws=1300, seed=11, client=client)
    for mine, same, different, longer in zip(first.issues, again.issues, other.issues, more.issues):
        np.testing.assert_array_equal(mine.forecasts, same.forecasts)
        np.testing.assert_array_equal(mine.forecasts, longer.forecasts[:1100])
    assert any(not np.array_equal(a.forecasts, b.forecasts) for a, b in zip(first.issues, other.issues))
    assert first.to_dict() == again.to_dict()


@pytest.mark.parametrize("model", ["compromise", "median", "nash", "eum"])
def test_zero_uncertainty_gives_the_point_forecast_every_time(client, model):
    scenario = load_scenario("ukraine-2025-03")
    result = simulate(scenario, model, draws=50, seed=1, noise=QUIET, client=client)
    point = run(scenario, model)
    for item in result.issues:
        expected = point.issue(item.issue.name).forecast
        assert item.point_forecast == pytest.approx(expected, abs=1e-12)
        np.testing.assert_array_equal(item.forecasts, np.full(50, item.point_forecast))
        # Without noise every draw ends alike: the settlement, or the reversion point where a veto player refuses it.
        issue = item.issue
        refused = issue.veto_players and not all(
            abs(item.point_forecast - actor.stances[issue.name].position)
            <= abs(issue.reversion_point - actor.stances[issue.name].position)
            for actor in scenario.actors if actor.name in issue.veto_players)
        happens = issue.reversion_point if refused else item.point_forecast
        assert all(item.interval(percent) == (happens, happens) for percent in INTERVALS)
        stays = issue.veto_players and item.point_forecast == issue.reversion_point  # nothing changes: no agreement
        assert item.agreement_probability in ((None,) if not issue.veto_players
                                              else (0.0 if refused or stays else 1.0,))


def test_intervals_nest_and_widen_with_noise(client):
    narrow = simulate(two_actors(2.0), "compromise", draws=4000, seed=5, client=client).issue("x")
    wide = simulate(two_actors(8.0), "compromise", draws=4000, seed=5, client=client).issue("x")
    for item in (narrow, wide):
        bounds = [item.interval(percent) for percent in INTERVALS]
        for inner, outer in zip(bounds, bounds[1:]):
            assert outer[0] <= inner[0] <= inner[1] <= outer[1]
    for percent in INTERVALS:
        narrow_low, narrow_high = narrow.interval(percent)
        wide_low, wide_high = wide.interval(percent)
        assert wide_high - wide_low > 3 * (narrow_high - narrow_low)  # 4x the sd, same random numbers


def test_the_noise_model_fills_in_only_missing_sds():
    scenario = load_scenario_dict({
        "name": "t", "issues": [{"name": "x", "scale_min": 0, "scale_max": 10}],
        "actors": [{"name": "A", "capability": "50 ± 0", "stances": {"x": {"position": 5, "salience": "80 ± 0"}}},
                   {"name": "B", "capability": 20, "stances": {"x": {"position": "2 ± 1", "salience": 30}}}],
    })
    table = ValueTable.of(scenario, Uncertainty(position_sd_percent_of_scale=10, salience_sd=4, capability_sd_percent=25))
    sd = dict(zip(table.labels, table.sd))
    assert sd[("A", "capability", None)] == 0.0
    assert sd[("A", "salience", "x")] == 0.0
    assert sd[("A", "position", "x")] == 1.0  # 10% of a scale 10 wide
    assert sd[("B", "position", "x")] == 1.0
    assert sd[("B", "salience", "x")] == 4.0
    assert sd[("B", "capability", None)] == 5.0  # 25% of 20


def test_draws_are_clipped_to_the_valid_ranges():
    scenario = load_scenario_dict({
        "name": "t", "issues": [{"name": "x"}],
        "actors": [{"name": "A", "capability": "1 ± 5", "stances": {"x": {"position": "100 ± 30", "salience": "0 ± 30"}}}],
    })
    table = ValueTable.of(scenario, Uncertainty())
    values = table.draw(np.random.default_rng(0), 10_000)
    assert np.all(values >= table.low) and np.all(values <= table.high)
    position = values[:, table.issues[0].position[0]]
    assert np.mean(position == 100.0) == pytest.approx(0.5, abs=0.03)  # half the draws would cross the end


def test_distribution_summaries_add_up(client):
    result = simulate(load_scenario("ukraine-2025-03"), "compromise", draws=700, seed=2, client=client)
    for item in result.issues:
        document = item.to_dict()
        assert sum(document["histogram"]["counts"]) == 700
        assert document["histogram"]["edges"][0] == item.issue.scale_min
        assert sum(document["anchors"].values()) == pytest.approx(1.0)


@pytest.mark.parametrize(("draws", "seed"), [(0, 0), (-5, 0), (10**9, 0), (10, -1), (2.5, 0)])
def test_unusable_draw_counts_and_seeds_are_refused(draws, seed):
    with pytest.raises(SimulationRequestError):
        simulate(two_actors(), "compromise", draws=draws, seed=seed)
