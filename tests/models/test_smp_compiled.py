"""The compiled SMP turns (:mod:`realpolitik.models.smp.compiled`) give the kernel's numbers.

Every check runs the same tables through the numpy kernel
(:func:`realpolitik.models.smp.kernel.run_smp`, or :func:`realpolitik.models.table_batch.draw_by_draw`
with the adapter's ``run_table``) and compares: the positions after every turn, the turns run
and the stopping reason, and the batch's forecast and stability fields. Where no logarithm
or exponential enters (the Markov PCE models), the positions must be equal to the last bit,
which checks that every sum runs in numpy's order; with the Conditional PCE to 1e-9 (numba's
``log`` and ``exp`` are the C library's, numpy's its own). The tables are seeded random ones
made to reach every branch: actors not taking part, zero saliences or capabilities, actors
with no say at all, one issue, more than 8 actors and issues (numpy's pairwise sums), positions
and saliences on a coarse grid and equal actors (exact ties), round limits that cut some draws.
"""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest

from realpolitik.budget import Cancellation, RunCancelled, cancellable
from realpolitik.models.smp import SMPOptions, run_smp, run_table, run_tables
from realpolitik.models.smp import batch as batch_module
from realpolitik.models.smp import compiled
from realpolitik.models.smp.bargain import BARGAIN_INTERPOLATIONS
from realpolitik.models.smp.challenge import THIRD_PARTY_COMMITS
from realpolitik.models.smp.kernel import accommodation_matrix
from realpolitik.models.smp.utility import BIG_R_ADJUSTS, BIG_R_RANGES
from realpolitik.models.smp.voting import PCE_MODELS, VICTORY_PROBABILITY_MODELS, VOTING_RULES
from realpolitik.models.table_batch import TableBatch, draw_by_draw
from realpolitik.scenario import ScenarioError
from tests.models.compiled_checks import check_threads_get_their_own_forecasts

FIELDS = ("forecast", "status", "period", "low", "high", "rounds_run")
#: Every value of every option the compiled turns take, one at a time (the others at KTAB's defaults).
OPTION_VALUES = [(name, value) for name, values in (
    ("voting_rule", VOTING_RULES), ("victory_probability_model", VICTORY_PROBABILITY_MODELS),
    ("pce_model", PCE_MODELS), ("big_r_range", BIG_R_RANGES), ("big_r_adjust", BIG_R_ADJUSTS),
    ("third_party_commit", THIRD_PARTY_COMMITS), ("bargain_interpolation", BARGAIN_INTERPOLATIONS),
) for value in values]


def random_table(rng: np.random.Generator, actors: int, dimensions: int, *, grid: bool = False, twins: int = 0):
    """Kernel inputs: positions on each dimension's scale ``low .. high`` (some at the ends), saliences
    summing to at most 1 per actor, positive capabilities; ``grid`` puts positions on quarters of the
    scale and saliences on fifths; the last ``twins`` actors copy the first ones."""
    low = rng.choice([0.0, -50.0, 1.0], dimensions)
    high = low + rng.choice([100.0, 10.0, 1.0], dimensions)
    share = rng.choice(np.linspace(0, 1, 5), (actors, dimensions)) if grid else rng.uniform(0, 1, (actors, dimensions))
    share[rng.uniform(size=share.shape) < 0.1] = 1.0
    salience = (rng.choice([0.2, 0.4, 0.6, 0.8, 1.0], (actors, dimensions)) if grid
                else rng.uniform(0.01, 1, (actors, dimensions)))
    salience[:, 1:][rng.uniform(size=(actors, dimensions - 1)) < 0.1] = 0.0
    salience = salience / np.maximum(salience.sum(axis=1, keepdims=True), 1.0)
    capability = rng.choice([1.0, 2.5, 10.0, 40.0], actors) if grid else rng.uniform(0.5, 50, actors)
    position = low + share * (high - low)
    if twins:
        for values in (position, salience, capability):
            values[actors - twins:] = values[:twins]
    return position, salience, capability, low, high


def compiled_turns(position, salience, capability, low, high, options: SMPOptions, accommodation=None):
    """:func:`compiled.run_draws` on one table, as :func:`realpolitik.models.smp.batch.run_tables`
    calls it: the positions after every turn ``(T+1, N, D)``, the turns run and whether KTAB's rule stopped it."""
    if accommodation is None:
        accommodation, lag = np.zeros((0, 0)), np.zeros(0)
    else:
        lag = 1.0 - np.minimum(accommodation.sum(axis=1), 1.0)
    actors, dimensions = position.shape
    states = np.full((1, options.max_iterations + 1, actors, dimensions), np.nan)
    rounds, converged = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=bool)
    compiled.run_draws(position[None], ((position - low) / (high - low))[None], salience[None], capability[None],
                       low, high, accommodation, lag, compiled.option_codes(options), options.min_iterations,
                       options.max_iterations, options.min_delta_ratio, options.min_significant_delta, states,
                       rounds, converged)
    return states[0, :rounds[0] + 1], int(rounds[0]), bool(converged[0])


def assert_turns_are_the_kernels(position, salience, capability, low, high, options: SMPOptions,
                                 accommodation=None) -> int:
    """The compiled turns equal the kernel's (to the last bit without logarithms); returns the turns run."""
    states, rounds, converged = compiled_turns(position, salience, capability, low, high, options, accommodation)
    result = run_smp(position, salience, capability, options, scale=(low, high), accommodation=accommodation)
    assert rounds == result.n_states - 1
    assert converged == (result.stop_reason == "converged")
    if options.pce_model == "Conditional" or accommodation is not None:
        np.testing.assert_allclose(states, result.positions, rtol=0, atol=1e-9)
    else:
        np.testing.assert_array_equal(states, result.positions)
    return rounds


def random_tables(seed: int, draws: int, actors: int, issues: int, *, grid: bool = False, twins: int = 0,
                  absent: float = 0.2) -> TableBatch:
    """``draws`` tables for the batch with the same participants and scales (NaN position, zero salience
    and capability where an actor takes no part), made as :func:`random_table` makes one, but saliences on
    0..1 per issue (the adapter makes them shares) and some capabilities zero on the last issue."""
    rng = np.random.default_rng(seed)
    shape = (draws, actors, issues)
    position, salience, capability = np.empty(shape), np.empty(shape), np.empty(shape)
    low, high = random_table(rng, actors, issues)[3:]
    for b in range(draws):
        table = random_table(rng, actors, issues, grid=grid, twins=twins)
        position[b] = low + (table[0] - table[3]) / (table[4] - table[3]) * (high - low)
        share = rng.choice([0.2, 0.4, 0.6, 0.8, 1.0], (actors, issues)) if grid else rng.uniform(0, 1, (actors, issues))
        share[rng.uniform(size=share.shape) < 0.05] = 0.0
        share[actors - twins:] = share[:twins]
        salience[b], capability[b] = share, table[2][:, None]
    capability[:, rng.uniform(size=actors) < 0.1, -1] = 0.0
    taking_part = rng.uniform(size=(actors, issues)) >= absent
    taking_part[:2] = True
    position[:, ~taking_part], salience[:, ~taking_part], capability[:, ~taking_part] = np.nan, 0.0, 0.0
    return TableBatch([f"actor {n}" for n in range(actors)], [f"issue {k}" for k in range(issues)], position,
                      salience, capability, low, high)


def assert_batch_is_the_kernels(batch: TableBatch, options: SMPOptions) -> None:
    batched, one_by_one = run_tables(batch, options), draw_by_draw(batch, run_table, options)
    for name in FIELDS:
        np.testing.assert_allclose(getattr(batched, name), getattr(one_by_one, name), rtol=0, atol=1e-9,
                                   err_msg=name)


@pytest.mark.parametrize(("name", "value"), OPTION_VALUES)
def test_every_turn_of_random_tables_is_the_kernels(name, value):
    options = SMPOptions(**{name: value}, max_iterations=40)
    rng = np.random.default_rng(abs(hash((name, value))) % 2**32)
    for actors, dimensions, grid, twins in [(5, 3, False, 0), (9, 2, False, 0), (6, 4, True, 2), (3, 1, False, 0)]:
        assert_turns_are_the_kernels(*random_table(rng, actors, dimensions, grid=grid, twins=twins), options)


@pytest.mark.parametrize("pce_model", PCE_MODELS)
def test_many_actors_and_dimensions_sum_pairwise_as_numpy_does(pce_model):
    """Eight terms or more are summed pairwise by numpy: distances over 9 and 12 dimensions, votes of
    12 and 17 voters, Condorcet elections among 12 and 17 positions."""
    options = SMPOptions(pce_model=pce_model, max_iterations=12)
    rng = np.random.default_rng(17)
    for actors, dimensions in [(12, 9), (17, 12)]:
        assert_turns_are_the_kernels(*random_table(rng, actors, dimensions), options)


def test_random_option_combinations_are_the_kernels():
    rng = np.random.default_rng(23)
    names = [name for name, _ in OPTION_VALUES]
    choices = {name: [value for other, value in OPTION_VALUES if other == name] for name in names}
    for case in range(24):
        options = SMPOptions(**{name: rng.choice(values) for name, values in choices.items()},
                             max_iterations=int(rng.integers(2, 30)), min_iterations=int(rng.integers(1, 3)))
        table = random_table(rng, int(rng.integers(2, 10)), int(rng.integers(1, 6)), grid=case % 3 == 0,
                             twins=case % 4 // 2)
        assert_turns_are_the_kernels(*table, options)


def test_equal_actors_on_a_grid_tie_as_in_the_kernel():
    """Twins make challenges of exactly equal gain and queues of exactly equal options: the first wins, as in numpy."""
    rng = np.random.default_rng(29)
    for rule, twins in itertools.product(["Proportional", "Binary", "ASymProsp"], [1, 2, 3]):
        options = SMPOptions(voting_rule=rule, pce_model="MarkovIncentive", max_iterations=25)
        assert_turns_are_the_kernels(*random_table(rng, 7, 2, grid=True, twins=twins), options)


def test_round_limit_and_early_stop():
    rng = np.random.default_rng(31)
    stopped, limited = 0, 0
    for case in range(12):
        options = SMPOptions(max_iterations=[1, 2, 3, 6][case % 4], min_iterations=1 + case % 2,
                             min_delta_ratio=[0.02, 0.2, 0.0][case % 3])
        position, salience, capability, low, high = random_table(rng, 6, 2)
        rounds = assert_turns_are_the_kernels(position, salience, capability, low, high, options)
        _, _, converged = compiled_turns(position, salience, capability, low, high, options)
        stopped += converged
        limited += rounds == options.max_iterations and not converged
    assert stopped and limited


def test_ideal_adjustments_are_the_kernels():
    rng = np.random.default_rng(37)
    for actors in (4, 9):
        accommodation = np.eye(actors)
        accommodation[0, 0], accommodation[0, actors - 1] = 0.6, 0.3
        accommodation[2, 2], accommodation[2, 1], accommodation[2, 3] = 0.0, 0.5, 0.25
        for pce_model in ("Conditional", "MarkovUniform"):
            assert_turns_are_the_kernels(*random_table(rng, actors, 3), SMPOptions(pce_model=pce_model),
                                         accommodation=accommodation)


def test_sums_are_numpys():
    """:func:`compiled._pairwise_sums` equals numpy's sum of each row to the last bit, whatever its length."""
    rng = np.random.default_rng(41)
    for count in [*range(0, 140), 255, 256, 257, 1000, 1031, 4096, 10_001]:
        terms = rng.standard_normal((3, count)) * np.exp(rng.standard_normal((3, count)) * 8)
        sums = np.empty(3)
        compiled._pairwise_sums(terms, 3, count, sums)
        np.testing.assert_array_equal(sums, terms.sum(axis=-1), err_msg=f"{count} terms")


@pytest.mark.parametrize(("name", "value"), [("voting_rule", "Binary"), ("pce_model", "MarkovIncentive"),
                                             ("big_r_range", "Max"), ("bargain_interpolation", "S2PMax"),
                                             ("third_party_commit", "FullCommit")])
def test_batches_of_random_tables_are_the_kernels(name, value):
    """Actors not taking part, zero saliences and capabilities, grids and twins, through the batch."""
    options = SMPOptions(**{name: value}, max_iterations=30)
    for seed, (actors, issues, grid, twins) in enumerate([(7, 3, False, 0), (6, 4, True, 2), (9, 2, False, 0)]):
        assert_batch_is_the_kernels(random_tables(seed, 5, actors, issues, grid=grid, twins=twins), options)


def test_one_issue_in_a_batch():
    assert_batch_is_the_kernels(random_tables(43, 6, 5, 1), SMPOptions())


def test_actors_without_a_say_keep_their_positions():
    """Draws where an actor cares about nothing run with the others; where fewer than two have a
    say, the table stays as given (converged after no turn)."""
    batch = random_tables(47, 8, 5, 3, absent=0.0)
    batch.salience[2:5, 1] = 0.0  # draws 2-4: actor 1 has no say
    batch.capability[5:7, 2:] = 0.0  # draws 5-6: only actors 0 and 1 have a say
    batch.salience[7, 1:] = 0.0  # draw 7: only actor 0
    assert_batch_is_the_kernels(batch, SMPOptions())
    run = run_tables(batch, SMPOptions())
    assert run.rounds_run[7] == 0 and (run.status[7] == 0).all()


def test_ideal_adjustments_in_a_batch_and_the_actors_they_may_name():
    batch = random_tables(53, 5, 6, 2, absent=0.0)
    options = SMPOptions(ideal_adjustment=[{"adjusting": "actor 1", "reference": "actor 1", "adjust": 0.5},
                                           {"adjusting": "actor 1", "reference": "actor 4", "adjust": 0.4}])
    assert_batch_is_the_kernels(batch, options)
    identity = SMPOptions(ideal_adjustment=[{"adjusting": "actor 3", "reference": "actor 3", "adjust": 1.0}])
    assert accommodation_matrix(batch.actors, identity.ideal_adjustment) is not None
    assert_batch_is_the_kernels(batch, identity)  # the identity matrix: ideals follow positions
    batch.salience[:, 4] = 0.0  # actor 4 has no say: the adjustment cannot follow it
    with pytest.raises(ScenarioError):
        run_tables(batch, options)


def test_options_the_compiled_turns_do_not_take_run_draw_by_draw(monkeypatch):
    def refuse(*arguments):
        raise AssertionError("the compiled turns were called")

    monkeypatch.setattr(compiled, "run_draws", refuse)
    batch = random_tables(59, 3, 5, 2)
    for options in (SMPOptions(state_transitions="Stochastic", seed=7), SMPOptions(bargain_model="PWCompInterp")):
        assert_batch_is_the_kernels(batch, options)


def test_threads_running_batches_at_once_get_each_its_own_numbers():
    batches = [random_tables(61 + seed, 12, 7, 3, grid=seed % 2 == 1, twins=seed % 2) for seed in range(4)]
    options = SMPOptions(max_iterations=30)
    check_threads_get_their_own_forecasts(lambda batch: run_tables(batch, options).forecast, batches)


def test_a_cancelled_run_stops():
    cancellation = Cancellation()
    cancellation.cancel("the client went away")
    with cancellable(cancellation), pytest.raises(RunCancelled):
        run_tables(random_tables(67, 4, 5, 2), SMPOptions())


def test_draws_run_in_chunks_that_bound_the_room_for_states(monkeypatch):
    """The states of the draws run at once fit :data:`batch.STATE_ELEMENTS` (each draw's up to its round
    limit), so that a high round limit does not reserve room for every draw at once; draws of one round
    count from different chunks are judged together, as one batch."""
    monkeypatch.setattr(batch_module, "STATE_ELEMENTS", 2 * 31 * 5 * 2)  # two draws of 30 turns
    sizes = []
    run_draws = compiled.run_draws

    def recorded(*arguments):
        sizes.append(arguments[-3].size)
        return run_draws(*arguments)

    monkeypatch.setattr(compiled, "run_draws", recorded)
    batch = random_tables(71, 9, 5, 2, absent=0.0)
    assert_batch_is_the_kernels(batch, SMPOptions(max_iterations=30))
    assert len(sizes) == 5 and max(sizes) <= 2 * 31 * 5 * 2


def test_the_compiled_turns_release_the_gil():
    """While one thread runs the compiled turns, this thread's Python keeps running (``nogil``)."""
    rng = np.random.default_rng(73)
    draws, actors, dimensions = 1500, 9, 3
    position = rng.uniform(0, 100, (draws, actors, dimensions))
    salience = rng.uniform(0.01, 1, (draws, actors, dimensions))
    salience /= salience.sum(axis=2, keepdims=True)
    capability = rng.uniform(1, 10, (draws, actors))
    low, high = np.zeros(dimensions), np.full(dimensions, 100.0)
    options = SMPOptions()
    window = []

    def run() -> None:
        states = np.empty((draws, options.max_iterations + 1, actors, dimensions))
        rounds, converged = np.zeros(draws, dtype=np.int64), np.zeros(draws, dtype=bool)
        arguments = (position, (position - low) / (high - low), salience, capability, low, high, np.zeros((0, 0)),
                     np.zeros(0), compiled.option_codes(options), options.min_iterations, options.max_iterations,
                     options.min_delta_ratio, options.min_significant_delta, states, rounds, converged)
        compiled.run_draws(*[argument[:1] if n in (0, 1, 2, 3, 13, 14, 15) else argument
                             for n, argument in enumerate(arguments)])  # compiled before timing
        window.append(time.perf_counter())
        compiled.run_draws(*arguments)
        window.append(time.perf_counter())

    worker = threading.Thread(target=run)
    seen = []
    worker.start()
    while worker.is_alive():
        seen.append(time.perf_counter())
    worker.join()
    began, ended = window
    inside = np.array([moment for moment in seen if began < moment < ended] + [ended])
    assert ended - began > 0.05
    assert np.diff(inside, prepend=began).max() < (ended - began) / 2  # held, the GIL would stop this thread
