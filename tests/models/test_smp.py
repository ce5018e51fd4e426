"""KTAB's Spatial Model of Politics: reference runs, building blocks, properties.

The reference logs are KTAB's own regression runs (``20170530_ref-*.txt``,
KAPSARC KTAB, MIT licence) kept in ``shared/data/ktab`` beside the repository;
tests that need them skip when that folder is absent.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.models.smp import PRESETS, SMPOptions, SMPResult, run_smp
from realpolitik.models.smp.challenge import best_targets
from realpolitik.models.smp.generator import KTABRandom, MersenneTwister64
from realpolitik.models.smp.utility import estimated_risk, risk_attitudes, utility, weighted_distance
from realpolitik.models.smp.voting import (
    coalition_strengths,
    condorcet_probabilities,
    victory_probabilities,
    vote,
)
from tests import ktab_reference

KTAB_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ktab"
needs_data = pytest.mark.skipif(not KTAB_DATA.is_dir(), reason="shared/data/ktab is not present")


def _arrays(scenario):
    names = [issue.name for issue in scenario.issues]
    position = np.array([[actor.stances[n].position for n in names] for actor in scenario.actors])
    salience = np.array([[actor.stances[n].salience / 100 for n in names] for actor in scenario.actors])
    capability = np.array([actor.capability for actor in scenario.actors])
    return names, position, salience, capability


def _reference_history(log, scenario, names) -> np.ndarray:
    """The log's positions as (T, N, D), in scenario order."""
    return np.array([[log.positions[(actor.name, n)] for n in names] for actor in scenario.actors]).transpose(2, 0, 1)


def _assert_matches_log(result: SMPResult, log, scenario, names) -> None:
    assert result.n_states == log.states
    expected = _reference_history(log, scenario, names)
    deviation = np.abs(result.positions - expected)
    worst = np.unravel_index(np.argmax(deviation), deviation.shape)
    # The log prints positions to 0.1.
    assert deviation.max() <= 0.1 + 1e-9, (
        f"state {worst[0]}, actor {scenario.actors[worst[1]].name}, {names[worst[2]]}: "
        f"{result.positions[worst]:.3f} vs logged {expected[worst]:.1f}"
    )


# --------------------------------------------------------------------------- reference runs


@needs_data
@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_reproduces_ktab_reference_log(name):
    from realpolitik.io.ktab import read_ktab_csv

    log = ktab_reference.parse_reference_log(KTAB_DATA / f"20170530_ref-{name}.txt")
    scenario = read_ktab_csv(KTAB_DATA / f"{name}.csv")
    names, position, salience, capability = _arrays(scenario)
    assert names == log.dimensions and [a.name for a in scenario.actors] == log.actors
    options = SMPOptions.from_ktab_names(log.parameters)
    assert options == PRESETS["ktab-default"]  # both logs are KTAB's default run
    result = run_smp(position, salience, capability, options)
    _assert_matches_log(result, log, scenario, names)
    assert result.stop_reason == "converged"


@needs_data
def test_ktab_default_end_points_quoted_in_the_model_notes():
    from realpolitik.io.ktab import read_ktab_csv

    scenario = read_ktab_csv(KTAB_DATA / "dummyData_3Dim.csv")
    result = run_smp(*_arrays(scenario)[1:], "ktab-default")
    assert result.n_states == 11
    np.testing.assert_allclose(result.final_positions[0], [78.6, 31.8, 74.1], atol=0.05)

    scenario = read_ktab_csv(KTAB_DATA / "SOE-Pol-Comp.csv")
    result = run_smp(*_arrays(scenario)[1:], "ktab-default")
    assert result.n_states == 28
    np.testing.assert_allclose(result.final_positions[0], [43.2, 43.3], atol=0.05)


@needs_data
def test_replays_ktab_stochastic_reference_run_with_ideal_adjustment():
    """smpExample: Stochastic, MarkovIncentive, PropCbc, accommodation matrix, seed from the XML.

    KTAB ran this with threads, which ordered each actor's options and the actors' draws;
    the log records both, and KTAB's generator with the logged seed then reproduces every draw.
    """
    from realpolitik.io.ktab import read_ktab_xml_run

    log = ktab_reference.parse_reference_log(KTAB_DATA / "20170530_ref-smpExample.txt")
    run = read_ktab_xml_run(KTAB_DATA / "smpExample.xml")
    assert run.options == SMPOptions.from_ktab_names(log.parameters)
    assert run.seed == log.seed == 3507583219545544127
    names, position, salience, capability = _arrays(run.scenario)
    generator = KTABRandom(run.seed)

    def replay(turn, keys, probabilities):
        picks = [0] * len(keys)
        for actor in log.resolution_order[turn]:
            ours = [(initiator, receiver) for initiator, receiver, _ in keys[actor]]
            logged = log.queues[turn][actor]
            assert sorted(ours) == sorted(logged), f"turn {turn}, actor {actor}: different bargains"
            order = [ours.index(pair) for pair in logged]
            drawn = generator.select([probabilities[actor][k] for k in order])
            picks[actor] = order[drawn]
        return picks

    result = run_smp(position, salience, capability, run.options, accommodation=run.accommodation,
                     seed=run.seed, chooser=replay)
    _assert_matches_log(result, log, run.scenario, names)
    # with accommodation, ideals lag behind positions
    assert np.abs(result.ideals - result.positions).max() > 1.0


# --------------------------------------------------------------------------- generator


def test_mersenne_twister_matches_the_cpp_standard():
    # C++11 [rand.predef]: the 10000th output of a default-constructed mt19937_64 (seed 5489).
    twister = MersenneTwister64(5489)
    for _ in range(9999):
        twister.next_integer()
    assert twister.next_integer() == 9981545732273789042


def test_ktab_random_is_reproducible_and_uniform():
    first, second = KTABRandom(42), KTABRandom(42)
    assert [first.integer() for _ in range(5)] == [second.integer() for _ in range(5)]
    assert KTABRandom(43).integer() != KTABRandom(42).integer()
    draws = KTABRandom(42)
    values = np.array([draws.uniform() for _ in range(4000)])
    assert values.min() >= 0 and values.max() <= 1
    assert abs(values.mean() - 0.5) < 0.02
    assert KTABRandom(7).select([0.0, 1.0, 0.0]) == 1
    with pytest.raises(ValueError):
        KTABRandom(0)


# --------------------------------------------------------------------------- building blocks


def test_vote_rules():
    du = np.array([-0.5, 0.0, 0.25])
    np.testing.assert_allclose(vote("Proportional", 2.0, du, 0.0), [-1.0, 0.0, 0.5])
    np.testing.assert_allclose(vote("Binary", 2.0, du, 0.0), [-2.0, 0.0, 2.0])
    np.testing.assert_allclose(vote("PropBin", 1.0, du, 0.0), [-0.6, 0.0, 0.4])
    np.testing.assert_allclose(vote("Cubic", 1.0, du, 0.0), du**3)
    np.testing.assert_allclose(vote("PropCbc", 1.0, du, 0.0), 0.5 * du + 0.5 * du**3)
    np.testing.assert_allclose(vote("ASymProsp", 3.0, du, 0.0), [-1.5, 0.0, 0.5])
    with pytest.raises(ValueError):
        vote("Plurality", 1.0, du, 0.0)


@pytest.mark.parametrize("model", ["Linear", "Square", "Quartic", "Octic", "Binary"])
def test_victory_probabilities_are_complementary(model):
    strengths = np.array([[1e-8, 2.0, 0.5], [1.0, 1e-8, 3.0], [4.0, 0.2, 1e-8]])
    p = victory_probabilities(model, strengths)
    np.testing.assert_allclose(p + p.T, 1.0)
    np.testing.assert_allclose(np.diag(p), 0.5)
    if model == "Linear":
        assert p[1, 0] == pytest.approx(1.0 / 3.0)


def test_binary_victory_law_is_decisive_beyond_ten_percent():
    p = victory_probabilities("Binary", np.array([[1e-8, 1.0], [1.2, 1e-8]]))
    assert p[1, 0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("pce", ["Conditional", "MarkovIncentive", "MarkovUniform"])
def test_condorcet_winner_dominates(pce):
    # option 0 is everyone's favourite, option 2 everyone's last choice
    utility_of_options = np.array([[1.0, 0.5, 0.1], [0.9, 0.7, 0.2], [0.8, 0.6, 0.4]])
    p = condorcet_probabilities(pce, "Linear", coalition_strengths("Proportional", np.ones(3), utility_of_options))
    assert p.sum() == pytest.approx(1.0)
    assert np.argmax(p) == 0
    if pce == "MarkovIncentive":  # unanimity: the chain settles on the Condorcet winner
        assert p[0] == pytest.approx(1.0, abs=1e-6)


def test_markov_incentive_cycle_is_uniform():
    # Wise, "Markov Voting with Incentives in KTAB": a unanimous cycle a > b > c > a gives 1/3 each.
    strengths = np.full((3, 3), 1e-8)
    strengths[0, 1] = strengths[1, 2] = strengths[2, 0] = 1.0
    p = condorcet_probabilities("MarkovIncentive", "Linear", strengths)
    np.testing.assert_allclose(p, 1 / 3, atol=1e-6)


def test_condorcet_probabilities_batch():
    rng = np.random.default_rng(3)
    utilities = rng.uniform(size=(4, 5, 3))
    batched = condorcet_probabilities("MarkovUniform", "Square", coalition_strengths("PropCbc", np.ones(5), utilities))
    single = [condorcet_probabilities("MarkovUniform", "Square", coalition_strengths("PropCbc", np.ones(5), u))
              for u in utilities]
    np.testing.assert_allclose(batched, single)


@pytest.mark.parametrize("big_r_range, low, high", [("Min", 0.0, 1.0), ("Mid", -0.5, 1.0), ("Max", -1.0, 1.0)])
def test_risk_attitude_ranges(big_r_range, low, high):
    r = risk_attitudes(np.array([0.1, 0.2, 0.3, 0.4]), big_r_range)
    assert r.min() == pytest.approx(low) and r.max() == pytest.approx(high)
    np.testing.assert_array_equal(risk_attitudes(np.full(3, 1 / 3), big_r_range), 0.0)


def test_estimated_risk_rules():
    r = np.array([-0.5, 1.0])
    np.testing.assert_allclose(estimated_risk(r, "Full"), [[-0.5, 1.0], [-0.5, 1.0]])
    np.testing.assert_allclose(estimated_risk(r, "No"), [[-0.5, -0.5], [1.0, 1.0]])
    np.testing.assert_allclose(estimated_risk(r, "Half")[0, 1], 0.25)
    np.testing.assert_allclose(estimated_risk(r, "OneThird")[0, 1], 0.0)
    np.testing.assert_allclose(estimated_risk(r, "TwoThirds")[0, 1], 0.5)


def test_utility_and_distance():
    assert utility(0.0, 0.7) == 1.0 and utility(1.0, -0.3) == 0.0
    assert utility(0.5, 1.0) > utility(0.5, 0.0) > utility(0.5, -1.0)  # risk averse values compromise more
    ideal = np.array([[0.2, 0.8]])
    salience = np.array([[0.3, 0.0]])  # only the first dimension matters
    np.testing.assert_allclose(weighted_distance(ideal, np.array([[0.5, 0.0]]), salience), [[0.3]])


def test_best_targets_threshold_and_ties():
    gain = np.array([[0.0, 0.2, 0.2], [1e-6, 0.0, -0.1], [0.5, 0.4, 9.0]])
    target, worth = best_targets(gain)
    np.testing.assert_array_equal(target, [1, -1, 0])
    np.testing.assert_allclose(worth, [0.2, 0.0, 0.5])


# --------------------------------------------------------------------------- options


def test_options_codes_and_names():
    default = PRESETS["ktab-default"]
    assert default.ktab_codes() == (0, 0, 0, 2, 1, 1, 1, 1, 0)
    assert SMPOptions.from_ktab_codes([0, 0, 0, 2, 1, 1, 1, 1, 0]) == default
    assert SMPOptions.from_ktab_names({"VotingRule": "Prop", "BigRAdjust": "None"}).voting_rule == "Proportional"
    every = SMPOptions.from_ktab_codes([4, 2, 1, 5, 4, 2, 2, 2, 2])
    assert every.ktab_codes() == (4, 2, 1, 5, 4, 2, 2, 2, 2)
    with pytest.raises(ValueError):
        SMPOptions(voting_rule="Plurality")
    with pytest.raises(ValueError):
        SMPOptions.from_ktab_codes([0, 0, 0, 9, 1, 1, 1, 1, 0])
    with pytest.raises(ValueError):
        SMPOptions(min_iterations=5, max_iterations=3)


# --------------------------------------------------------------------------- the model


def _random_scenario(seed: int, actors: int = 6, dimensions: int = 2):
    rng = np.random.default_rng(seed)
    position = rng.uniform(0, 100, (actors, dimensions))
    raw = rng.uniform(0.1, 1.0, (actors, dimensions))
    salience = raw / raw.sum(axis=1, keepdims=True) * rng.uniform(0.5, 0.99, (actors, 1))
    capability = rng.uniform(10, 200, actors)
    return position, salience, capability


def test_trajectory_shapes_and_turn_detail():
    position, salience, capability = _random_scenario(1, actors=7, dimensions=3)
    result = run_smp(position, salience, capability)
    t, n, d = result.positions.shape
    assert (n, d) == (7, 3) and t == result.n_states == len(result.turns) + 1
    assert result.ideals.shape == result.positions.shape and result.risk_attitude.shape == (t, n)
    np.testing.assert_array_equal(result.positions[0], position)
    np.testing.assert_array_equal(result.ideals, result.positions)  # identity accommodation
    for turn, after in zip(result.turns, result.positions[1:]):
        for actor, taken in enumerate(turn.adopted):
            if taken < 0:
                continue
            bargain = turn.bargains[taken]
            assert actor in (bargain.initiator, bargain.receiver)
            side = bargain.initiator_position if bargain.initiator == actor else bargain.receiver_position
            np.testing.assert_allclose(after[actor], side)
        challengers = np.flatnonzero(turn.target >= 0)
        assert [b.initiator for b in turn.bargains] == list(challengers)
        assert np.all(turn.expected_gain[challengers] > 1e-5)


@pytest.mark.parametrize(
    "codes",
    [
        (1, 1, 0, 3, 0, 0, 0, 0, 1),
        (2, 2, 0, 1, 2, 2, 2, 2, 2),
        (3, 0, 0, 4, 3, 1, 1, 1, 0),
        (4, 1, 0, 0, 4, 1, 1, 0, 1),
        (0, 0, 0, 5, 1, 1, 1, 1, 2),
    ],
)
def test_every_option_family_runs(codes):
    position, salience, capability = _random_scenario(sum(codes), actors=6, dimensions=2)
    result = run_smp(position, salience, capability, SMPOptions.from_ktab_codes(codes))
    assert np.all(np.isfinite(result.positions))
    assert np.all((result.positions >= 0) & (result.positions <= 100))
    assert 2 <= result.n_states <= 101


def test_stochastic_runs_are_reproducible_by_seed():
    position, salience, capability = _random_scenario(5)
    options = SMPOptions(state_transitions="Stochastic", pce_model="MarkovIncentive")
    first = run_smp(position, salience, capability, options, seed=11)
    again = run_smp(position, salience, capability, options, seed=11)
    np.testing.assert_array_equal(first.positions, again.positions)
    assert first.seed == 11
    others = [run_smp(position, salience, capability, options, seed=s).positions for s in range(1, 6)]
    assert any(o.shape != first.positions.shape or not np.array_equal(o, first.positions) for o in others)
    drawn = run_smp(position, salience, capability, options)
    assert drawn.seed is not None
    np.testing.assert_array_equal(run_smp(position, salience, capability, options, seed=drawn.seed).positions,
                                  drawn.positions)


def test_stopping_rule():
    position, salience, capability = _random_scenario(2)
    capped = run_smp(position, salience, capability, SMPOptions(max_iterations=2, min_iterations=1,
                                                                min_delta_ratio=0.0))
    assert capped.n_states == 3 and capped.stop_reason == "max-iterations"
    full = run_smp(position, salience, capability)
    assert full.stop_reason == "converged"
    steps = [np.sqrt(((b - a) ** 2).sum(axis=1)).sum() / 100 for a, b in itertools.pairwise(full.positions)]
    assert steps[-1] < 0.02 * (steps[0] + 1e-4)


def test_chooser_replaces_the_transition_rule():
    position, salience, capability = _random_scenario(4)
    stay = run_smp(position, salience, capability, chooser=lambda turn, keys, p: [0] * len(keys))
    assert stay.n_states == 3  # nobody moves: quiet after the minimum of 2 turns
    np.testing.assert_array_equal(stay.positions[-1], position)
    with pytest.raises(ValueError):
        run_smp(position, salience, capability, chooser=lambda turn, keys, p: [99] * len(keys))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"salience": np.full((3, 2), 0.6)}, "sum"),
        ({"capability": np.array([1.0, 0.0, 2.0])}, "capability of actor 1"),
        ({"position": np.array([[10.0, 20.0], [30.0, np.nan], [5.0, 5.0]])}, "actor 1"),
        ({"position": np.array([[10.0, 20.0], [30.0, 120.0], [5.0, 5.0]])}, "outside the scale"),
        ({"capability": np.array([1.0, 2.0])}, "shape"),
    ],
)
def test_bad_inputs_are_refused(change, message):
    arguments = {
        "position": np.array([[10.0, 20.0], [30.0, 40.0], [5.0, 5.0]]),
        "salience": np.full((3, 2), 0.3),
        "capability": np.array([1.0, 2.0, 3.0]),
    }
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        run_smp(**arguments)
    with pytest.raises(ValueError, match="preset"):
        run_smp(np.zeros((2, 1)), np.full((2, 1), 0.5), np.ones(2), "no-such-preset")


def test_accommodation_is_validated():
    position, salience, capability = _random_scenario(6, actors=3)
    with pytest.raises(ValueError, match="accommodation"):
        run_smp(position, salience, capability, accommodation=np.full((3, 3), 0.5))
    lagging = run_smp(position, salience, capability, accommodation=0.5 * np.eye(3))
    np.testing.assert_allclose(lagging.ideals[1], 0.5 * lagging.positions[1] + 0.5 * lagging.positions[0])


small_scenarios = st.integers(min_value=0, max_value=10_000).flatmap(
    lambda seed: st.tuples(st.just(seed), st.integers(3, 7), st.integers(1, 3))
)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(small_scenarios, st.randoms(use_true_random=False))
def test_actor_order_does_not_matter(scenario, random):
    seed, actors, dimensions = scenario
    position, salience, capability = _random_scenario(seed, actors, dimensions)
    order = list(range(actors))
    random.shuffle(order)
    base = run_smp(position, salience, capability)
    shuffled = run_smp(position[order], salience[order], capability[order])
    assert shuffled.n_states == base.n_states
    np.testing.assert_allclose(shuffled.positions, base.positions[:, order], atol=1e-6)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(small_scenarios, st.floats(0.1, 10.0), st.floats(-50.0, 50.0))
def test_affine_change_of_scale(scenario, stretch, shift):
    seed, actors, dimensions = scenario
    position, salience, capability = _random_scenario(seed, actors, dimensions)
    base = run_smp(position, salience, capability)
    moved = run_smp(stretch * position + shift, salience, capability, scale=(shift, 100 * stretch + shift))
    assert moved.n_states == base.n_states
    np.testing.assert_allclose(moved.positions, stretch * base.positions + shift, atol=1e-6 * stretch)


def test_scales_per_dimension():
    position, salience, capability = _random_scenario(8, actors=5, dimensions=2)
    base = run_smp(position, salience, capability)
    low, high = np.array([-1.0, 0.0]), np.array([1.0, 10.0])
    mapped = low + (high - low) * position / 100
    moved = run_smp(mapped, salience, capability, scale=(low, high))
    assert moved.n_states == base.n_states
    np.testing.assert_allclose(moved.positions, low + (high - low) * base.positions / 100, atol=1e-9)
    with pytest.raises(ValueError, match="dimension 1"):
        run_smp(mapped, salience, capability, scale=(low, np.array([1.0, 5.0])))
