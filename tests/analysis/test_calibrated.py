"""The calibrated forecast: conformal levels, the dossier bootstrap, candidates, out-of-sample discipline."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.analysis.bootstrap import paired_group_bootstrap
from realpolitik.analysis.calibrated import fit_calibration, leave_one_group_out, settlement_or_reversion
from realpolitik.analysis.conformal import conformal_level, group_folds
from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.predictive import FEATURES, issue_candidates
from realpolitik.analysis.scenario_calibration import anchor_probabilities
from realpolitik.scenario import Issue


def test_conformal_level_is_the_rank_of_n_plus_one_times_the_level():
    scores = np.arange(1, 11) / 10  # 0.1 ... 1.0, shuffled order must not matter
    rng = np.random.default_rng(3)
    shuffled = rng.permutation(scores)
    assert conformal_level(shuffled, 0.5) == pytest.approx(0.6)  # ceil(11 * 0.5) = 6th smallest
    assert conformal_level(shuffled, 0.8) == pytest.approx(0.9)  # ceil(8.8) = 9th
    assert conformal_level(shuffled, 0.95) == 1.0  # ceil(10.45) = 11 > 10: the whole distribution


def test_group_folds_keep_a_group_together():
    folds = group_folds(["a", "a", "b", "c", "b", "d", "e", "f"], folds=3)
    assert folds.tolist() == [0, 0, 1, 2, 1, 0, 1, 2]


def test_paired_bootstrap():
    groups = ["a", "a", "b", "c", "c", "c"]
    # A constant difference of 2 on every issue is 2 on every resample.
    shifted = paired_group_bootstrap(np.arange(6) + 2.0, np.arange(6.0), groups)
    assert (shifted["difference"], shifted["low"], shifted["high"]) == pytest.approx((2.0, 2.0, 2.0))
    # Differences 1, 1 | 4 | 0, 0, 0 by group: the mean over issues is 6/6 = 1; a resample of group b
    # alone gives 4 and of group c alone 0, so the interval lies within 0..4 and is seeded.
    result = paired_group_bootstrap([1, 1, 4, 0, 0, 0], [0] * 6, groups, seed=5)
    assert result["difference"] == pytest.approx(1.0)
    assert 0.0 <= result["low"] < 1.0 < result["high"] <= 4.0
    assert paired_group_bootstrap([1, 1, 4, 0, 0, 0], [0] * 6, groups, seed=5) == result


def test_settlement_mixed_with_the_reversion_point():
    settlement = MixedDistribution.create([40.0, 60.0], [0.5, 0.5])
    mixed = settlement_or_reversion(settlement, 0.7, 0.0)
    assert mixed.atom_values.tolist() == [0.0, 40.0, 60.0]
    assert mixed.atom_masses == pytest.approx([0.3, 0.35, 0.35])
    assert mixed.median == 40.0  # F(0) = 0.3, F(40) = 0.65


def test_candidates_merge_equal_values_and_name_their_actors():
    candidates = issue_candidates(["a", "b", "c"], np.array([0.0, 100.0, 100.0]), np.array([0.5, 0.5, 1.0]),
                                  np.array([2.0, 2.0, 2.0]), 0.0, 100.0, 0.0, 80.0)
    # Positions 0 and 100, the reference point 0, compromise 75, weighted median 100, model forecast 80.
    assert candidates.values.tolist() == [0.0, 75.0, 80.0, 100.0]
    assert candidates.actors == [["a"], [], [], ["b", "c"]]
    assert candidates.kinds == [["reference point"], ["compromise"], ["model"], ["median"]]
    assert candidates.compromise == 75.0
    features = dict(zip(FEATURES, candidates.features[-1]))  # the candidate 100, held by b and c
    # Weights 1, 1, 2 of 4: b and c hold 3/4; two of three actors; 25 points from the compromise, 100 from
    # the reference point 0; an end of the scale; the highest salience there is c's, 1.
    assert features["log_weight_share"] == pytest.approx(np.log(0.75 + 0.01))
    assert features["actor_share"] == pytest.approx(2 / 3)
    assert features["distance_compromise"] == pytest.approx(0.25)
    assert features["distance_reference_point"] == pytest.approx(1.0)
    assert features["is_scale_end"] == 1.0 and features["no_reference_point"] == 0.0
    assert features["top_salience"] == pytest.approx(1.0)


def test_anchor_probabilities():
    issue = Issue(name="x", anchors={0: "none", 50: "half", 100: "all"})
    # Atoms at 20 (0.4), 50 (0.1), 80 (0.5): nearest anchors 0, 50 and 100, split at 25 and 75.
    shares = anchor_probabilities(MixedDistribution.create([20.0, 50.0, 80.0], [0.4, 0.1, 0.5]), issue)
    assert shares == pytest.approx({"0": 0.4, "50": 0.1, "100": 0.5})


def _synthetic(seed: int, dossiers: int = 30):
    """Issues where the outcome is the position of the heaviest actor two times in three, else uniform
    between the positions; three issues per dossier."""
    rng = np.random.default_rng(seed)
    candidates, outcome, groups = [], [], []
    for number in range(3 * dossiers):
        position = rng.choice(np.arange(0.0, 101.0, 10.0), size=5)
        weight = rng.uniform(0.1, 1.0, size=5)
        candidates.append(issue_candidates(list("abcde"), position, weight, np.ones(5), 0.0, 100.0, None,
                                           float(weight @ position / weight.sum())))
        heaviest = position[np.argmax(weight)]
        outcome.append(heaviest if rng.uniform() < 2 / 3 else rng.uniform(position.min(), position.max()))
        groups.append(f"d{number // 3}")
    return candidates, np.array(outcome), np.array(groups)


def test_the_fit_learns_that_weight_wins():
    candidates, outcome, groups = _synthetic(0)
    calibration = fit_calibration(candidates, outcome, groups)
    assert calibration.model.coefficients[0] > 0  # log weight share
    assert calibration.model.continuous_share == pytest.approx(np.mean(
        [np.min(np.abs(c.values - o)) > 0.1 for c, o in zip(candidates, outcome)]))
    assert calibration.levels[50] <= calibration.levels[80] <= calibration.levels[95]


def test_a_held_out_group_is_forecast_without_its_outcomes():
    candidates, outcome, groups = _synthetic(1, dossiers=12)
    changed = outcome.copy()
    changed[groups == "d0"] = 100.0 - changed[groups == "d0"]
    first = leave_one_group_out(candidates, outcome, groups)
    second = leave_one_group_out(candidates, changed, groups)
    held = np.flatnonzero(groups == "d0")
    for i in held:
        assert first.distributions[i].atom_masses == pytest.approx(second.distributions[i].atom_masses)
        assert first.intervals[80][i] == pytest.approx(second.intervals[80][i])
    # Other dossiers were fitted with d0's outcomes, which changed: their forecasts move.
    others = np.flatnonzero(groups != "d0")
    assert any(not np.allclose(first.distributions[i].atom_masses, second.distributions[i].atom_masses)
               for i in others)


def test_the_fast_pit_range_is_that_of_the_distribution():
    from realpolitik.analysis.predictive import FEATURES, PredictiveModel
    from realpolitik.analysis.scores import pit_range

    rng = np.random.default_rng(0)
    model = PredictiveModel(rng.normal(size=len(FEATURES)), 0.35, 0.2)
    for number in range(40):
        position = rng.choice(np.arange(0.0, 101.0, 5.0), size=6)
        candidates = issue_candidates(list("abcdef"), position, rng.uniform(0.1, 1.0, 6), rng.uniform(1, 3, 6),
                                      0.0, 100.0, None if number % 2 else 30.0, None)
        for outcome in (position[0], 37.3, 0.0, 100.0):
            assert model.pit_range(candidates, outcome) == pytest.approx(
                pit_range(model.distribution(candidates), outcome), abs=1e-12)
