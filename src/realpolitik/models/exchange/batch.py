"""The exchange model on a batch of tables at once: the rounds of
:func:`realpolitik.models.exchange.kernel.run_exchange` for every draw in lockstep.

Each round lists every draw's candidate exchanges in the kernel's order (issue pairs, then
the two pairings of sides, then actors), pads the lists to the longest, and then, step by
step, executes in every draw the exchange of highest gain and recomputes the exchanges it
touched, with the kernel's own arithmetic (:func:`realpolitik.models.exchange.trades._evaluate`
on the candidates of all draws at once: actors and issues carry global numbers, ``draw x N +
actor`` and ``draw x K + issue``, and the tables are read through them).

The kernel keeps a queue ordered by gain and breaks ties between gains within
:data:`~realpolitik.models.exchange.trades.GAIN_TIE_TOLERANCE` by that order (or by a
coin). Without such a tie, the exchange it executes is the valid one of highest gain,
whatever the order; a draw that meets a near-tie (another valid exchange within a
conservative window of the best) is set aside and run by the kernel itself, so the batch
gives every draw the kernel's numbers.
"""

from __future__ import annotations

import numpy as np

from realpolitik.budget import checkpoint
from realpolitik.models.exchange.adapter import run_table
from realpolitik.models.exchange.options import ExchangeOptions
from realpolitik.models.exchange.trades import (
    GAIN_TIE_TOLERANCE,
    POSITION_TOLERANCE,
    WORKING_SCALE,
    _evaluate,
    expected_outcomes,
    move_supplier,
)
from realpolitik.models.table_batch import TableBatch, TableBatchRun, classify_by_rounds, draw_by_draw


class _ByDraw:
    """A table ``(B, N, K[, N])`` read with global actor and issue numbers (``b N + a``, ``b K + k``)."""

    def __init__(self, table: np.ndarray) -> None:
        self.table = table
        self.actors, self.issues = table.shape[1], table.shape[2]

    def __getitem__(self, index):
        actor, issue, *other = index
        draw = actor // self.actors
        local = (draw, actor % self.actors, issue % self.issues, *(item % self.actors for item in other))
        return self.table[local]


class _Candidates:
    """Every draw's candidate exchanges of one round, flat over ``(draw, slot)``, as the kernel's
    round state (see :class:`realpolitik.models.exchange.trades._Round`)."""

    hold_at_demander: bool


def _outcomes(positions: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """:func:`expected_outcomes` of every draw: ``(B, N, K)`` -> ``(B, K)``."""
    draws, actors, issues = positions.shape
    flat = expected_outcomes(positions.transpose(1, 0, 2).reshape(actors, draws * issues),
                             weight.transpose(1, 0, 2).reshape(actors, draws * issues))
    return flat.reshape(draws, issues)


def _slots(actors: int, issues: int) -> tuple[np.ndarray, ...]:
    """Every possible candidate: issue pairs ``p < q`` in order and ordered actor pairs ``a != b``."""
    pairs = [(p, q) for p in range(issues - 1) for q in range(p + 1, issues)]
    first, second = np.meshgrid(np.arange(actors), np.arange(actors), indexing="ij")
    off_diagonal = first != second
    first, second = first[off_diagonal], second[off_diagonal]
    pair = np.repeat(np.arange(len(pairs)), first.size)
    issue_p = np.array([p for p, _ in pairs])[pair]
    issue_q = np.array([q for _, q in pairs])[pair]
    return pair, issue_p, issue_q, np.tile(first, len(pairs)), np.tile(second, len(pairs))


def _candidates(start, salience, weight, taking_part, hold_at_demander: bool) -> tuple[_Candidates, np.ndarray]:
    """The candidates of every draw in the kernel's order (:func:`realpolitik.models.exchange.trades._candidates`),
    padded to the longest list: the state and the mask ``(B, E)`` of real candidates."""
    draws, actors, issues = start.shape
    outcome = _outcomes(start, weight)
    left = taking_part & (start <= outcome[:, None, :] + POSITION_TOLERANCE)
    tradable = taking_part & (weight > 0)
    pair, issue_p, issue_q, first, second = _slots(actors, issues)
    both_first = tradable[:, first, issue_p] & tradable[:, first, issue_q]
    both_second = tradable[:, second, issue_p] & tradable[:, second, issue_q]
    side_first = left[:, first, issue_p].astype(int) + 2 * left[:, first, issue_q].astype(int)
    side_second = left[:, second, issue_p].astype(int) + 2 * left[:, second, issue_q].astype(int)
    # Right on both (A) with left on both (D), then left on p only (B) with left on q only (C).
    group = np.where((side_first == 0) & (side_second == 3), 0, np.where((side_first == 1) & (side_second == 2), 1, -1))
    real_slot = both_first & both_second & (group >= 0)
    key = ((pair * 2 + group) * actors + first) * actors + second
    order = np.argsort(np.where(real_slot, key, np.iinfo(np.int64).max), axis=1, kind="stable")
    width = max(1, int(real_slot.sum(axis=1).max()))
    order = order[:, :width]
    real = np.take_along_axis(real_slot, order, axis=1)
    draw = np.repeat(np.arange(draws), width)
    first, second = first[order].reshape(-1), second[order].reshape(-1)
    issue_p, issue_q = issue_p[order].reshape(-1), issue_q[order].reshape(-1)
    swap = (salience[draw, first, issue_p] * salience[draw, second, issue_q]
            < salience[draw, second, issue_p] * salience[draw, first, issue_q])
    actor_i, actor_j = np.where(swap, second, first), np.where(swap, first, second)
    issue_i, issue_j = issue_q, issue_p
    salience_i_supply, salience_i_demand = salience[draw, actor_i, issue_i], salience[draw, actor_i, issue_j]
    salience_j_supply, salience_j_demand = salience[draw, actor_j, issue_j], salience[draw, actor_j, issue_i]
    on_issue_i = salience_i_supply + salience_j_demand
    on_issue_j = salience_i_demand + salience_j_supply
    with np.errstate(invalid="ignore", divide="ignore"):  # padding slots only
        rate = on_issue_j / on_issue_i
        cross = np.abs(salience_i_demand * salience_j_demand - salience_i_supply * salience_j_supply) / on_issue_i
    numerator = np.nansum(weight * np.where(taking_part, start, 0.0), axis=1)
    state = _Candidates()
    state.start, state.weight = _ByDraw(start), _ByDraw(weight)
    state.total = weight.sum(axis=1).reshape(-1)
    state.seen_table = np.full((draws, actors, issues, actors), np.nan)
    state.seen_position = _ByDraw(state.seen_table)
    state.numerator_table = np.repeat(numerator[:, None, :], actors, axis=1)
    state.seen_numerator = _ByDraw(state.numerator_table)
    state.local_actor_i, state.local_actor_j = actor_i, actor_j
    state.actor_i, state.actor_j = draw * actors + actor_i, draw * actors + actor_j
    state.local_issue_i, state.local_issue_j = issue_i, issue_j
    state.issue_i, state.issue_j = draw * issues + issue_i, draw * issues + issue_j
    state.demand_i, state.demand_j = start[draw, actor_i, issue_j], start[draw, actor_j, issue_i]
    state.rate, state.cross = rate, cross
    state.hold_at_demander = hold_at_demander
    # Who supplies and who demands which issue, as actor x K + issue: what an executed exchange touches.
    state.supplier_i = (actor_i * issues + issue_i).reshape(draws, width)
    state.supplier_j = (actor_j * issues + issue_j).reshape(draws, width)
    state.demander_i = (actor_j * issues + issue_i).reshape(draws, width)  # j demands i's supply issue
    state.demander_j = (actor_i * issues + issue_j).reshape(draws, width)
    state.supply_i, state.supply_j = start[draw, actor_i, issue_i].copy(), start[draw, actor_j, issue_j].copy()
    count = draw.size
    for name in ("move_i", "move_j", "vote_i", "vote_j", "gain", "earlier_sum_i", "earlier_sum_j"):
        setattr(state, name, np.zeros(count))
    state.valid = np.zeros(count, dtype=bool)
    state.earlier_min_i, state.earlier_min_j = np.full(count, np.inf), np.full(count, np.inf)
    state.earlier_max_i, state.earlier_max_j = np.full(count, -np.inf), np.full(count, -np.inf)
    _evaluate(state, np.flatnonzero(real.reshape(-1)))
    return state, real


def _see(state: _Candidates, draws, demander, issue, mover, vote) -> None:
    """:func:`realpolitik.models.exchange.trades._see` for one exchange in each of ``draws``."""
    before = state.seen_table[draws, demander, issue, mover]
    origin = state.start.table[draws, mover, issue]
    fresh = np.isnan(before)
    if state.hold_at_demander:
        seen, counted = vote, np.where(fresh, origin, before)
    else:
        kept = np.where(origin <= before, np.minimum(before, vote), np.maximum(before, vote))
        seen, counted = np.where(fresh, vote, kept), np.where(fresh, origin, before)
    state.numerator_table[draws, demander, issue] += state.weight.table[draws, mover, issue] * (seen - counted)
    state.seen_table[draws, demander, issue, mover] = seen


def _round(start, salience, weight, taking_part, options: ExchangeOptions) -> tuple[np.ndarray, np.ndarray]:
    """One round of every draw: the votes ``(B, N, K)``, and which draws met a tie the coin decides
    ``(B,)`` (those are left to the kernel). Draws are first run taking the best valid exchange
    each step; a draw that meets a near-tie runs the round again keeping the kernel's queue order."""
    hold = options.outcome_limit == "demander_position"
    if start.shape[2] < 2:  # no pair of issues to trade across
        return start.copy(), np.zeros(len(start), dtype=bool)
    voting, tied = _best_first(*_candidates(start, salience, weight, taking_part, hold), start.copy())
    coin = np.zeros(len(start), dtype=bool)
    if tied.any():
        again = np.flatnonzero(tied)
        if options.tie_break == "coin_flip":
            coin[again] = True
        else:
            state, queued = _candidates(start[again], salience[again], weight[again], taking_part[again], hold)
            voting[again] = _in_queue_order(state, queued, start[again].copy())
    return voting, coin


def _execute(state, going, slot, width, issues, voting, queued) -> None:
    """Execute the exchange in ``slot`` of each of the ``going`` draws, and recompute what it touched."""
    chosen = going * width + slot
    actor_i, actor_j = state.local_actor_i[chosen], state.local_actor_j[chosen]
    issue_i, issue_j = state.local_issue_i[chosen], state.local_issue_j[chosen]
    vote_i, vote_j = state.vote_i[chosen], state.vote_j[chosen]
    voting[going, actor_i, issue_i] = vote_i
    voting[going, actor_j, issue_j] = vote_j
    _see(state, going, actor_j, issue_i, actor_i, vote_i)
    _see(state, going, actor_i, issue_j, actor_j, vote_j)
    _after_exchange(state, going, actor_i, issue_i, actor_j, issue_j, vote_i, vote_j, queued, width, issues)


def _best_first(state, queued, voting) -> tuple[np.ndarray, np.ndarray]:
    """The round taking, each step, the valid exchange of highest gain in every draw; a draw stops
    (and is marked) at a near-tie, where the kernel's queue order would decide."""
    draws, width = queued.shape
    issues = voting.shape[2]
    tied = np.zeros(draws, dtype=bool)
    gain, valid = state.gain.reshape(draws, width), state.valid.reshape(draws, width)
    while True:
        live = queued & valid
        going = np.flatnonzero(live.any(axis=1))
        if going.size == 0:
            break
        in_queue = np.where(queued[going], gain[going], -np.inf)
        scores = np.where(live[going], gain[going], -np.inf)
        slot = np.argmax(scores, axis=1)
        best = scores[np.arange(going.size), slot]
        # Wide enough for any chain of gains the kernel counts as tied (each within the tolerance of the next).
        window = 2 * width * GAIN_TIE_TOLERANCE * np.maximum(np.abs(in_queue.max(axis=1)), 1e-3)
        near = (scores >= (best - window)[:, None]).sum(axis=1) > 1
        if near.any():
            tied[going[near]] = True
            queued[going[near]] = False
            going, slot = going[~near], slot[~near]
            if going.size == 0:
                continue
        queued[going, slot] = False
        _execute(state, going, slot, width, issues, voting, queued)
        queued[going] &= valid[going]
    return voting, tied


def _in_queue_order(state, queued, voting) -> np.ndarray:
    """The round as the kernel runs it with ``tie_break="enumeration_order"``: a queue per draw
    (candidates in enumeration order), sorted by gain each step with ties kept in queue order
    (:func:`realpolitik.models.exchange.trades._sorted_by_gain`), its first popped and executed
    if valid, and the queue then cleared of invalid exchanges."""
    draws, width = queued.shape
    issues = voting.shape[2]
    gain, valid = state.gain.reshape(draws, width), state.valid.reshape(draws, width)
    queue = np.where(queued, np.arange(width)[None, :], -1)  # candidate slots in queue order, -1: empty
    queue = np.take_along_axis(queue, np.argsort(queue < 0, axis=1, kind="stable"), axis=1)
    while True:
        going = np.flatnonzero(queue[:, 0] >= 0)
        if going.size == 0:
            break
        entries = queue[going]
        values = np.where(entries >= 0, gain[going[:, None], np.maximum(entries, 0)], -np.inf)
        order = np.argsort(-values, axis=1, kind="stable")
        ranked = np.take_along_axis(values, order, axis=1)
        with np.errstate(invalid="ignore"):
            gap = (ranked[:, :-1] - ranked[:, 1:]) > GAIN_TIE_TOLERANCE * np.maximum(np.abs(ranked[:, :-1]), 1e-3)
        cluster = np.concatenate([np.zeros((going.size, 1), dtype=int), np.cumsum(gap, axis=1)], axis=1)
        entries = np.take_along_axis(entries, np.take_along_axis(order, np.lexsort((order, cluster), axis=1),
                                                                 axis=1), axis=1)
        slot = entries[:, 0]
        queue[going] = np.concatenate([entries[:, 1:], np.full((going.size, 1), -1)], axis=1)
        executes = valid[going, slot]
        going, slot = going[executes], slot[executes]
        if going.size == 0:
            continue
        member = np.zeros((draws, width), dtype=bool)
        at, position = np.nonzero(queue[going] >= 0)
        member[going[at], queue[going][at, position]] = True
        _execute(state, going, slot, width, issues, voting, member)
        entries = queue[going]
        keep = (entries >= 0) & valid[going[:, None], np.maximum(entries, 0)]
        entries = np.where(keep, entries, -1)
        queue[going] = np.take_along_axis(entries, np.argsort(~keep, axis=1, kind="stable"), axis=1)
    return voting


def _after_exchange(state, going, actor_i, issue_i, actor_j, issue_j, vote_i, vote_j, queued, width, issues) -> None:
    """:func:`realpolitik.models.exchange.trades._after_exchange` in each of the ``going`` draws (a queue
    without repeats): move the suppliers of the executed exchange, and recompute what it touched."""
    supplied_i, supplied_j = (actor_i * issues + issue_i)[:, None], (actor_j * issues + issue_j)[:, None]
    demanded_i, demanded_j = (actor_j * issues + issue_i)[:, None], (actor_i * issues + issue_j)[:, None]
    supplier_i, supplier_j = state.supplier_i[going], state.supplier_j[going]
    demander_i, demander_j = state.demander_i[going], state.demander_j[going]
    visiting = queued[going] & state.valid.reshape(-1, width)[going]
    touched = ((demander_i == demanded_i) | (demander_j == demanded_i) | (demander_i == demanded_j)
               | (demander_j == demanded_j))
    offset = going[:, None] * width
    for supplier, role in ((supplier_i, "i"), (supplier_j, "j")):
        as_i, as_j = visiting & (supplier == supplied_i), visiting & (supplier == supplied_j)
        touched |= as_i | as_j
        for here, vote in ((as_i, vote_i), (as_j, vote_j)):
            draw, slot = np.nonzero(here)
            if draw.size == 0:
                continue
            move_supplier(state, role, offset[draw, 0] + slot, vote[draw])
    draw, slot = np.nonzero(visiting & touched)
    _evaluate(state, offset[draw, 0] + slot)


def batched(options: ExchangeOptions) -> bool:
    """Whether :func:`run_tables` covers these options: every option is covered (coin flips only
    decide ties, and a draw with a tie is run by the kernel)."""
    return options.gain_rule == "equal_gain"


def run_tables(batch: TableBatch, options: ExchangeOptions) -> TableBatchRun:
    """The exchange model on every table of ``batch``: per draw, what
    :func:`realpolitik.models.exchange.adapter.run_table` gives that table."""
    if not batched(options):
        return draw_by_draw(batch, run_table, options)
    taking_part = np.broadcast_to(batch.participates, batch.position.shape)
    low, high = np.asarray(batch.scale_min, dtype=float), np.asarray(batch.scale_max, dtype=float)
    step = WORKING_SCALE / (high - low)
    working = np.where(taking_part, (np.where(taking_part, batch.position, low) - low) * step, np.nan)
    salience = np.where(taking_part, batch.salience, 0.0)
    weight = np.where(taking_part, batch.capability * salience, 0.0)
    trajectory, outcomes = [working], [_outcomes(working, weight)]
    tied = np.zeros(batch.draws, dtype=bool)  # met a tie the coin decides: left to the kernel
    for _ in range(options.rounds):
        checkpoint()  # a cancelled run stops here (see realpolitik.budget)
        start = trajectory[-1]
        voting, tied_now = _round(start, salience, weight, taking_part, options)
        tied |= tied_now
        outcomes.append(_outcomes(voting, weight))
        if options.position_update == "voting_position":
            trajectory.append(voting)
        else:
            share = options.fixed_weight + options.salience_weight * (1.0 - salience)
            trajectory.append(np.where(voting != start, start + share * (voting - start), start))
    states = np.stack(trajectory) / step + low
    forecasts = np.stack(outcomes) / step + low
    result = classify_by_rounds(batch, states, forecasts, np.full(batch.draws, options.rounds),
                                np.zeros(batch.draws, dtype=bool))
    if tied.any():
        _replace(result, np.flatnonzero(tied), draw_by_draw(_subset(batch, tied), run_table, options))
    return result


def _subset(batch: TableBatch, draws: np.ndarray) -> TableBatch:
    return TableBatch(batch.actors, batch.issues, batch.position[draws], batch.salience[draws],
                      batch.capability[draws], batch.scale_min, batch.scale_max)


def _replace(result: TableBatchRun, draws: np.ndarray, exact: TableBatchRun) -> None:
    for name in ("forecast", "status", "period", "low", "high", "rounds_run"):
        getattr(result, name)[draws] = getattr(exact, name)
