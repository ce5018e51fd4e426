"""The expected utility model against the published run and the direct formulas."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from realpolitik.models.eum import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    EUMOptions,
    PRESETS,
    probability_of_success,
    run_eum,
)
from tests.conftest import shared_file


def emissions_arrays():
    rows = list(csv.DictReader(shared_file("scholz2011", "emissions.csv").open()))
    names = [row["Actor"] for row in rows]
    position = np.array([float(row["Position"]) for row in rows])
    salience = np.array([float(row["Salience"]) for row in rows])
    capability = np.array([float(row["Capability"]) for row in rows])
    return names, position, salience, capability


def test_cli_reproduces_the_published_run(cli, scholz_oracle):
    result = cli("forecast", "emissions-1994", "--model", "eum", "--preset", "scholz2011", "--rounds", "10",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    rounds = document["issues"][0]["rounds"]
    assert [r["round"] for r in rounds] == list(range(11))
    means = [r["weighted_mean"] for r in rounds]
    np.testing.assert_allclose(means, scholz_oracle["weighted_mean_by_round"], atol=1e-3, rtol=0)
    medians = [r["weighted_median"] for r in rounds]
    np.testing.assert_allclose(medians, scholz_oracle["median_by_round"], atol=1e-3, rtol=0)
    exponents = rounds[1]["risk_exponents"]
    for actor, expected in scholz_oracle["round1_risk_exponents"].items():
        assert exponents[actor] == pytest.approx(expected, abs=1e-3), actor
    moved = {move["actor"]: move["to"] for move in rounds[1]["moves"]}
    assert moved.keys() == scholz_oracle["round1_moves"].keys()
    for actor, expected in scholz_oracle["round1_moves"].items():
        assert moved[actor] == pytest.approx(expected, abs=1e-3)
        assert rounds[1]["positions"][actor] == pytest.approx(expected, abs=1e-3)


def test_least_movement_diverges_from_round_four(scholz_oracle):
    _, position, salience, capability = emissions_arrays()
    published = np.array(scholz_oracle["weighted_mean_by_round"])
    trajectory = run_eum(position, salience, capability, EUMOptions(compromise_choice="least_movement"))
    means = trajectory.weighted_mean[:, 0]
    np.testing.assert_allclose(means[:4], published[:4], atol=1e-3)
    assert abs(means[4] - published[4]) > 0.05


def test_pairwise_probability_brings_everyone_to_seven_by_round_three():
    _, position, salience, capability = emissions_arrays()
    trajectory = run_eum(position, salience, capability, EUMOptions(probability="pairwise"))
    np.testing.assert_allclose(trajectory.positions[3, 0], 7.0, atol=1e-9)
    assert not np.allclose(trajectory.positions[2, 0], 7.0)
    assert trajectory.stop_reason == "converged"


# --- the direct formulas, written out voter by voter (O(N^3)), as an independent check ---

def direct_probability(position, weight, exponent, delta, rule):
    count = len(position)

    def vote(k, a, b):
        return weight[k] * ((abs(position[k] - b) / delta) ** exponent[k] - (abs(position[k] - a) / delta) ** exponent[k])

    all_pairs = sum(abs(vote(k, position[a], position[b]))
                    for k in range(count) for a in range(count) for b in range(count))
    result = np.zeros((count, count))
    for i in range(count):
        for j in range(count):
            if position[i] == position[j]:
                continue
            support = sum(max(0.0, vote(k, position[i], position[j])) for k in range(count))
            denominator = all_pairs if rule == "scholz" else sum(abs(vote(k, position[i], position[j]))
                                                                 for k in range(count))
            result[i, j] = support / denominator if denominator > 0 else 0.0
    return result


@pytest.mark.parametrize("rule", ["scholz", "pairwise"])
@pytest.mark.parametrize("seed", range(5))
def test_probability_of_success_equals_the_direct_formula(rule, seed):
    rng = np.random.default_rng(seed)
    count = rng.integers(3, 12)
    position = rng.choice(np.linspace(0, 100, 21), count)  # ties and voters on midpoints happen
    weight = rng.uniform(0.01, 1.0, count)
    exponent = rng.uniform(0.5, 2.0, count)
    delta = np.ptp(position) or 1.0
    fast = probability_of_success(position[None], weight[None], exponent[None], np.array([delta]), rule)[0]
    np.testing.assert_allclose(fast, direct_probability(position, weight, exponent, delta, rule), atol=1e-12)


def test_batched_draws_equal_single_runs():
    rng = np.random.default_rng(7)
    position = rng.uniform(0, 100, (6, 8))
    salience = rng.uniform(0.1, 1, (6, 8))
    capability = rng.uniform(1, 10, (6, 8))
    batch = run_eum(position, salience, capability, EUMOptions(rounds=5, tolerance=0))
    for b in range(6):
        single = run_eum(position[b], salience[b], capability[b], EUMOptions(rounds=5, tolerance=0))
        np.testing.assert_allclose(batch.positions[:, b], single.positions[:, 0], atol=1e-12)
        np.testing.assert_array_equal(batch.move_kind[:, b], single.move_kind[:, 0])


def test_two_actor_offers_follow_the_rules():
    """Two actors: hand-derived. With two positions every voter sides with the nearer one."""
    # Actor 0 at 0 (weight 0.9), actor 1 at 100 (weight 0.1). Δ = 100, r = 1 in the
    # pairwise rule: P(0,1) = 0.9/(0.9+0.1) = 0.9 since each voter's vote is its weight.
    position = np.array([0.0, 100.0])
    salience = np.array([1.0, 1.0])
    capability = np.array([0.9, 0.1])
    success = probability_of_success(position[None], (capability * salience)[None], None, np.array([100.0]),
                                     "pairwise")[0]
    np.testing.assert_allclose(success, [[0.0, 0.9], [0.1, 0.0]])
    trajectory = run_eum(position, salience, capability, PRESETS["bdm-pairwise"].model_copy(update={"rounds": 1}))
    # The weak actor expects to lose a challenge (a < 0) and the strong one to win
    # (b > 0), so it gives way; the strong one has nothing to fear and stays.
    assert trajectory.move_kind[0, 0, 0] == 0
    assert trajectory.move_kind[0, 0, 1] in (COMPROMISE, CAPITULATION)
    assert trajectory.positions[1, 0, 0] == 0.0
    assert trajectory.positions[1, 0, 1] < 100.0


def test_move_kinds_are_named():
    assert {CONFRONTATION, COMPROMISE, CAPITULATION} == {1, 2, 3}


def test_moves_pick_the_same_partners_whatever_the_order_of_actors():
    """Several actors share a position (4, 7, 10): the chosen offerer must not depend on row
    order, except between offerers identical in position, capability and salience (France
    and Italy here), which are interchangeable."""
    names, position, salience, capability = emissions_arrays()

    def moves(order):
        trajectory = run_eum(position[order], salience[order], capability[order], PRESETS["scholz2011"])
        named = np.array(names)[order]

        def offerer(j):
            return position[order][j], capability[order][j], salience[order][j]

        return [{(named[i], int(trajectory.move_kind[t, 0, i]), offerer(trajectory.move_partner[t, 0, i]))
                 for i in range(len(order)) if trajectory.move_kind[t, 0, i]}
                for t in range(trajectory.rounds_run)]

    forward = moves(np.arange(len(names)))
    assert moves(np.arange(len(names))[::-1]) == forward
    assert moves(np.random.default_rng(1).permutation(len(names))) == forward
