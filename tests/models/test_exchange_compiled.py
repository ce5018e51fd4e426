"""The compiled exchange rounds (:mod:`realpolitik.models.exchange.compiled`) give the kernel's numbers.

Every check runs the same tables through the kernel one at a time
(:func:`realpolitik.models.exchange.kernel.run_exchange`, or
:func:`realpolitik.models.table_batch.draw_by_draw` with the adapter's ``run_table``) and
compares: the positions each round starts from and the expected outcomes of every round, and
the batch's forecast and stability fields, to 1e-9. The tables are seeded random ones made to
reach every branch: actors not taking part, zero salience or capability, one issue, positions
and saliences on a coarse grid, and equal actors, whose exchanges tie exactly (the rounds
then run in the kernel's queue order, or, with a coin, go to the kernel).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from realpolitik.models.exchange import ExchangeOptions, compiled, run_exchange, run_table, run_tables
from realpolitik.models.exchange.compiled import run_draws
from realpolitik.models.exchange.trades import WORKING_SCALE, _candidates
from realpolitik.models.table_batch import TableBatch, draw_by_draw
from tests.models.compiled_checks import check_threads_get_their_own_forecasts

FIELDS = ("forecast", "status", "period", "low", "high", "rounds_run")


def random_tables(seed: int, draws: int, actors: int, issues: int, *, grid: bool = False, twins: int = 0,
                  absent: float = 0.2) -> TableBatch:
    """``draws`` tables of ``actors`` x ``issues`` with the same participants: positions on random scales
    (some at the ends), saliences with some zeros, capabilities with some zeros; ``grid`` puts positions
    on tenths of the scale and saliences on fifths; the last ``twins`` actors copy the first ones."""
    rng = np.random.default_rng(seed)
    low = rng.choice([0.0, -50.0, 1.0], issues)
    high = low + rng.choice([100.0, 10.0, 1.0], issues)
    shape = (draws, actors, issues)
    share = rng.choice(np.linspace(0, 1, 11), shape) if grid else rng.uniform(0, 1, shape)
    share[rng.uniform(size=share.shape) < 0.1] = 1.0
    position = low + share * (high - low)
    salience = rng.choice([0.2, 0.4, 0.6, 0.8, 1.0], shape) if grid else rng.uniform(0, 1, shape)
    salience[rng.uniform(size=salience.shape) < 0.05] = 0.0
    capability = rng.choice([0.0, 1.0, 2.5, 10.0], shape, p=[0.05, 0.35, 0.3, 0.3])
    if twins:
        for values in (position, salience, capability):
            values[:, actors - twins:] = values[:, :twins]
    taking_part = rng.uniform(size=(actors, issues)) >= absent
    taking_part[:2] = True  # every issue has at least two participants
    position[:, ~taking_part] = np.nan
    salience[:, ~taking_part] = 0.0
    capability[:, ~taking_part] = 0.0
    return TableBatch([f"actor {n}" for n in range(actors)], [f"issue {k}" for k in range(issues)], position,
                      salience, capability, low, high)


def working_tables(batch: TableBatch):
    """The batch's inputs as the kernel works on them: positions on 0..100, salience and weight ``c s``
    (0 where an actor takes no part), and who takes part."""
    taking_part = np.ascontiguousarray(batch.participates)
    step = WORKING_SCALE / (batch.scale_max - batch.scale_min)
    working = np.where(taking_part, (np.where(taking_part, batch.position, batch.scale_min) - batch.scale_min) * step,
                       np.nan)
    salience = np.where(taking_part, batch.salience, 0.0)
    return working, salience, np.where(taking_part, batch.capability * salience, 0.0), taking_part


def compiled_rounds(batch: TableBatch, options: ExchangeOptions):
    """:func:`run_draws` on ``batch`` as :func:`run_tables` calls it: the positions each round starts from
    ``(R + 1, B, N, K)`` and the outcomes ``(R + 1, B, K)`` on the issues' scales, the draws left to the
    kernel and the rounds run again in queue order."""
    working, salience, weight, taking_part = working_tables(batch)
    low, step = batch.scale_min, WORKING_SCALE / (batch.scale_max - batch.scale_min)
    draws, actors, issues = working.shape
    trajectory = np.empty((options.rounds + 1, draws, actors, issues))
    outcomes = np.empty((options.rounds + 1, draws, issues))
    to_kernel, queue_rounds = np.zeros(draws, dtype=bool), np.zeros(draws, dtype=np.int64)
    run_draws(working, salience, weight, taking_part, options.rounds, options.position_update == "voting_position",
              options.fixed_weight, options.salience_weight, options.outcome_limit == "demander_position",
              options.tie_break == "coin_flip", 0, draws, trajectory, outcomes, to_kernel, queue_rounds)
    return trajectory / step + low, outcomes / step + low, to_kernel, queue_rounds


def assert_rounds_are_the_kernels(batch: TableBatch, options: ExchangeOptions) -> tuple[np.ndarray, np.ndarray]:
    """Every round of every draw not left to the kernel equals the kernel's; returns the draws left to
    the kernel and the rounds run in queue order."""
    trajectory, outcomes, to_kernel, queue_rounds = compiled_rounds(batch, options)
    for b in np.flatnonzero(~to_kernel):
        result = run_exchange(batch.position[b], batch.salience[b], batch.capability[b], batch.scale_min,
                              batch.scale_max, options)
        np.testing.assert_allclose(trajectory[:, b], result.positions, rtol=0, atol=1e-9, err_msg=f"draw {b}")
        np.testing.assert_allclose(outcomes[:, b], result.outcomes, rtol=0, atol=1e-9, err_msg=f"draw {b}")
    return to_kernel, queue_rounds


def assert_batch_is_the_kernels(batch: TableBatch, options: ExchangeOptions) -> None:
    batched, one_by_one = run_tables(batch, options), draw_by_draw(batch, run_table, options)
    for name in FIELDS:
        np.testing.assert_allclose(getattr(batched, name), getattr(one_by_one, name), rtol=0, atol=1e-9,
                                   err_msg=name)


@pytest.mark.parametrize("hold_at_demander", [True, False])
@pytest.mark.parametrize(("grid", "twins"), [(False, 0), (True, 2)])
def test_candidates_are_listed_and_evaluated_as_the_kernel_lists_them(hold_at_demander, grid, twins):
    """A round's candidate exchanges: the kernel's order (issue pairs, then right-on-both with left-on-both
    before left-on-one with left-on-the-other, then actors), roles, moves, votes, gains and validity."""
    batch = random_tables(400 + twins, 6, 7, 4, grid=grid, twins=twins)
    working, salience, weight, taking_part = working_tables(batch)
    for b in range(batch.draws):
        state = compiled._new_round(7, 4, hold_at_demander)
        count = compiled._list_candidates(state, working[b], salience[b], weight[b], taking_part)
        kernel = _candidates(working[b], salience[b], weight[b], taking_part, hold_at_demander)
        assert count == len(kernel.actor_i) > 0
        for row, name in ((compiled.ACTOR_I, "actor_i"), (compiled.ISSUE_I, "issue_i"),
                          (compiled.ACTOR_J, "actor_j"), (compiled.ISSUE_J, "issue_j")):
            np.testing.assert_array_equal(state.who[row, :count], getattr(kernel, name), err_msg=name)
        for row, name in ((compiled.MOVE, "move_i"), (compiled.MOVE + 1, "move_j"), (compiled.VOTE, "vote_i"),
                          (compiled.VOTE + 1, "vote_j"), (compiled.GAIN, "gain")):
            np.testing.assert_allclose(state.real[row, :count], getattr(kernel, name), rtol=0, atol=1e-12,
                                       err_msg=name)
        np.testing.assert_array_equal(state.flags[compiled.VALID, :count], kernel.valid)


OPTION_VALUES = list(itertools.product(["partial_adjustment", "voting_position"],
                                       ["demander_position", "decide_2022"],
                                       ["enumeration_order", "coin_flip"]))


@pytest.mark.parametrize(("position_update", "outcome_limit", "tie_break"), OPTION_VALUES)
def test_every_round_of_random_tables_is_the_kernels(position_update, outcome_limit, tie_break):
    options = ExchangeOptions(rounds=6, position_update=position_update, outcome_limit=outcome_limit,
                              tie_break=tie_break, seed=3)
    for seed, (actors, issues) in enumerate([(7, 3), (5, 4), (9, 2), (4, 5)]):
        batch = random_tables(seed, 6, actors, issues)
        to_kernel, _ = assert_rounds_are_the_kernels(batch, options)
        assert not to_kernel.any()  # continuous values: no ties
        assert_batch_is_the_kernels(batch, options)


@pytest.mark.parametrize(("position_update", "outcome_limit", "tie_break"), OPTION_VALUES)
def test_tables_with_exact_ties_are_the_kernels(position_update, outcome_limit, tie_break):
    """Equal actors and values on a grid give exchanges of exactly equal gain and outcomes lying on a
    demander's position: rounds run again in queue order, or draws left to the kernel's coin."""
    options = ExchangeOptions(rounds=5, position_update=position_update, outcome_limit=outcome_limit,
                              tie_break=tie_break, seed=11)
    met = 0
    for seed, (actors, issues, twins) in enumerate([(6, 3, 2), (8, 2, 3), (5, 4, 1)]):
        batch = random_tables(100 + seed, 8, actors, issues, grid=True, twins=twins)
        to_kernel, queue_rounds = assert_rounds_are_the_kernels(batch, options)
        met += int(to_kernel.sum() + queue_rounds.sum())
        if tie_break == "enumeration_order":
            assert not to_kernel.any()
        else:
            assert not queue_rounds.any()
        assert_batch_is_the_kernels(batch, options)
    assert met > 0  # the tie paths were taken


@pytest.mark.parametrize(("rounds", "fixed_weight", "salience_weight"),
                         [(0, 0.1, 0.4), (1, 0.1, 0.4), (12, 0.1, 0.4), (8, 0.0, 0.0), (8, 0.5, 0.5), (8, 1.0, 0.0)])
def test_rounds_and_adjustment_weights(rounds, fixed_weight, salience_weight):
    options = ExchangeOptions(rounds=rounds, fixed_weight=fixed_weight, salience_weight=salience_weight)
    for seed, grid in ((1, False), (2, True)):
        batch = random_tables(200 + seed, 5, 6, 3, grid=grid, twins=1 if grid else 0)
        assert_rounds_are_the_kernels(batch, options)
        assert_batch_is_the_kernels(batch, options)


def test_one_issue_leaves_the_positions_where_they_are():
    batch = random_tables(7, 4, 5, 1)
    options = ExchangeOptions(rounds=3)
    trajectory, _, _, _ = compiled_rounds(batch, options)
    np.testing.assert_array_equal(np.isnan(trajectory), np.isnan(trajectory[:1]).repeat(4, axis=0))
    np.testing.assert_allclose(trajectory, trajectory[:1].repeat(4, axis=0), rtol=0, atol=1e-9)
    assert_batch_is_the_kernels(batch, options)


def test_issues_nobody_weighs_take_the_plain_mean():
    """Zero capability everywhere on an issue: its outcome is the participants' plain mean, and nobody trades it."""
    batch = random_tables(8, 4, 6, 3)
    batch.capability[:, :, 1] = 0.0
    assert_rounds_are_the_kernels(batch, ExchangeOptions(rounds=3))
    assert_batch_is_the_kernels(batch, ExchangeOptions(rounds=3))


def test_coin_ties_go_to_the_kernel_and_clear_draws_do_not(monkeypatch):
    """Draws 0-5 have equal actors; in draws 6-8 every value is moved a little, which breaks the ties."""
    both = random_tables(9, 9, 6, 3, grid=True, twins=2)
    rng = np.random.default_rng(9)
    width = both.scale_max - both.scale_min
    jitter = rng.uniform(-0.01, 0.01, both.position[6:].shape)
    both.position[6:] = np.clip(both.position[6:] + jitter * width, both.scale_min, both.scale_max)
    both.salience[6:] = np.where(both.salience[6:] > 0, np.clip(both.salience[6:] + jitter, 0.01, 1.0), 0.0)
    options = ExchangeOptions(rounds=4, tie_break="coin_flip", seed=5)
    to_kernel, _ = assert_rounds_are_the_kernels(both, options)
    handed = []

    def recorded(tables, run, options):
        handed.append(tables.position.copy())
        return draw_by_draw(tables, run, options)

    monkeypatch.setattr("realpolitik.models.exchange.batch.draw_by_draw", recorded)
    assert_batch_is_the_kernels(both, options)
    assert to_kernel[:6].any() and not to_kernel[6:].any()
    assert len(handed) == 1 and len(handed[0]) == to_kernel.sum()


def test_threads_running_batches_at_once_get_each_its_own_numbers():
    batches = [random_tables(300 + seed, 20, 8, 3, grid=seed % 2 == 1, twins=seed % 2) for seed in range(4)]
    options = ExchangeOptions(rounds=6)
    check_threads_get_their_own_forecasts(lambda batch: run_tables(batch, options).forecast, batches)
