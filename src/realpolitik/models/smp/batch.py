"""KTAB's SMP on a batch of tables at once: :func:`realpolitik.models.smp.kernel.run_smp` on
every table, for Monte Carlo draws and lever sweeps.

Each draw runs its own turns, compiled (:mod:`realpolitik.models.smp.compiled`: the kernel's
arithmetic operation by operation, its sums in numpy's order, so that its choices among
equal options are the kernel's), until KTAB's rule or the round limit stops it. The
compiled turns cover the deterministic state transitions with the ``InitOnlyInterp``
bargain model (KTAB's default) and every value of the other options; :func:`batched` says
so, and other options run draw by draw through the kernel.

The adapter's preparation of a table (fillers for actors not taking part, saliences as
shares, clout) is that of :func:`realpolitik.models.smp.adapter.run_table`, per draw. Draws
with the same actors having a say run together (the ideal-accommodation matrix is over
those actors), in chunks that bound the time between two checks for cancellation
(:data:`CHECK_ELEMENTS`) and the room for their states (:data:`STATE_ELEMENTS`); each
draw's trajectory is then judged as :func:`realpolitik.models.runs.table_run` judges one
table, the draws that ran the same number of turns together.
"""

from __future__ import annotations

import numpy as np

from realpolitik.budget import checkpoint
from realpolitik.models.smp import compiled
from realpolitik.models.smp.adapter import _accommodation, run_table
from realpolitik.models.smp.kernel import SMPOptions
from realpolitik.models.table_batch import (
    TableBatch,
    TableBatchRun,
    classify_by_rounds,
    draw_by_draw,
    weighted_means,
)

#: Draws x actors³ run between two checks for cancellation (:func:`realpolitik.budget.checkpoint`).
CHECK_ELEMENTS = 1 << 17
#: Largest room for the states of the draws run at once (numbers; each draw's up to its round limit).
STATE_ELEMENTS = 1 << 20


def batched(options: SMPOptions) -> bool:
    """Whether :func:`run_tables` covers these options (else the draws run one by one)."""
    return options.state_transitions == "Deterministic" and options.bargain_model == "InitOnlyInterp"


def run_tables(batch: TableBatch, options: SMPOptions) -> TableBatchRun:
    """The SMP on every table of ``batch``: per draw, what
    :func:`realpolitik.models.smp.adapter.run_table` gives that table (options that
    :func:`batched` does not cover run draw by draw)."""
    if not batched(options):
        return draw_by_draw(batch, run_table, options)
    weight = batch.capability * batch.salience
    taking_part = batch.participates
    filler = np.nansum(np.where(taking_part, batch.position, 0.0) * weight, axis=1) / np.maximum(
        weight.sum(axis=1), 1e-300)
    position = np.where(taking_part, batch.position, filler[:, None, :])
    total = batch.salience.sum(axis=2, keepdims=True)
    salience = np.where(total > 1.0, batch.salience / np.where(total > 0, total, 1.0), batch.salience)
    capability = (batch.capability * batch.salience).sum(axis=2) / np.where(total[:, :, 0] > 0, total[:, :, 0], 1.0)
    has_say = (total[:, :, 0] > 0) & (capability > 0)
    low, high = np.asarray(batch.scale_min, dtype=float), np.asarray(batch.scale_max, dtype=float)
    internal = (position - low) / (high - low)
    draws, issues = batch.draws, len(batch.issues)
    result = TableBatchRun(np.zeros((draws, issues)), np.zeros((draws, issues), dtype=int),
                           np.zeros((draws, issues), dtype=int), np.zeros((draws, issues)),
                           np.zeros((draws, issues)), np.zeros(draws, dtype=int))
    codes = compiled.option_codes(options)
    patterns, group_of = np.unique(has_say, axis=0, return_inverse=True)
    for number, pattern in enumerate(patterns):
        members = np.flatnonzero(group_of.reshape(-1) == number)
        active = np.flatnonzero(pattern)
        if len(active) < 2:  # nobody to bargain with: the table as given, converged
            _judge(batch, result, members, position[members][None], 0, np.ones(len(members), dtype=bool))
            continue
        accommodation = _accommodation([batch.actors[n] for n in active], options)
        if accommodation is None or np.array_equal(accommodation, np.eye(len(active))):
            accommodation, lag = np.zeros((0, 0)), np.zeros(0)
        else:
            lag = 1.0 - np.minimum(accommodation.sum(axis=1), 1.0)
        by_turns: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
        states_per_draw = (options.max_iterations + 1) * len(active) * issues
        chunk = max(1, min(CHECK_ELEMENTS // len(active) ** 3, STATE_ELEMENTS // states_per_draw))
        for start in range(0, len(members), chunk):
            checkpoint()  # a cancelled run stops here (see realpolitik.budget)
            rows = members[start:start + chunk]
            states = np.empty((len(rows), options.max_iterations + 1, len(active), issues))
            rounds, converged = np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows), dtype=bool)
            compiled.run_draws(
                np.ascontiguousarray(position[rows][:, active]), np.ascontiguousarray(internal[rows][:, active]),
                np.ascontiguousarray(salience[rows][:, active]), np.ascontiguousarray(capability[rows][:, active]),
                low, high, accommodation, lag, codes, options.min_iterations, options.max_iterations,
                options.min_delta_ratio, options.min_significant_delta, states, rounds, converged)
            for turns in np.unique(rounds):
                ran = rounds == turns
                by_turns.setdefault(int(turns), []).append((rows[ran], states[ran, :turns + 1], converged[ran]))
        for turns, parts in by_turns.items():
            rows = np.concatenate([part[0] for part in parts])
            every = np.repeat(position[rows][None], turns + 1, axis=0)
            every[:, :, active] = np.concatenate([part[1] for part in parts]).swapaxes(0, 1)
            _judge(batch, result, rows, every, turns, np.concatenate([part[2] for part in parts]))
    return result


def _judge(batch: TableBatch, result: TableBatchRun, draws: np.ndarray, states: np.ndarray, turns: int,
           stopped: np.ndarray) -> None:
    """Writes to ``result`` the stability of ``draws``, which ran ``turns`` turns each: ``states
    (turns+1, G, N, K)`` every actor's positions after each turn, ``stopped (G,)`` whether KTAB's
    rule stopped the draw (:func:`realpolitik.models.table_batch.classify_by_rounds`)."""
    tables = TableBatch(batch.actors, batch.issues, batch.position[draws], batch.salience[draws],
                        batch.capability[draws], batch.scale_min, batch.scale_max)
    run = classify_by_rounds(tables, states, weighted_means(tables, states), np.full(len(draws), turns), stopped)
    for name in ("forecast", "status", "period", "low", "high", "rounds_run"):
        getattr(result, name)[draws] = getattr(run, name)
