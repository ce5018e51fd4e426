"""The exchange model on a batch of tables at once: the rounds of
:func:`realpolitik.models.exchange.kernel.run_exchange` for every draw, compiled
(:mod:`realpolitik.models.exchange.compiled`), and the stability of each draw's trajectory.

Tables go through the compiled rounds a few at a time (about :data:`CANDIDATES_PER_CHECK`
candidate exchanges in a round of them together, at least one table), with a
:func:`~realpolitik.budget.checkpoint` between them (a cancelled run stops there). A draw
whose rounds meet exchanges of near-equal gain that the kernel settles by a coin
(``tie_break="coin_flip"``) is run by the kernel itself, so the batch gives every draw the
kernel's numbers.
"""

from __future__ import annotations

import numpy as np

from realpolitik.budget import checkpoint
from realpolitik.models.exchange.adapter import run_table
from realpolitik.models.exchange.compiled import capacity, run_draws
from realpolitik.models.exchange.options import ExchangeOptions
from realpolitik.models.exchange.trades import WORKING_SCALE
from realpolitik.models.table_batch import TableBatch, TableBatchRun, classify_by_rounds, draw_by_draw

#: Candidate exchanges per round of the tables run between two checks for cancellation (15 draws of
#: the flagship, about 10 ms).
CANDIDATES_PER_CHECK = 10_000


def batched(options: ExchangeOptions) -> bool:
    """Whether :func:`run_tables` covers these options: every option is covered (coin flips only
    decide ties, and a draw with a tie is run by the kernel)."""
    return options.gain_rule == "equal_gain"


def run_tables(batch: TableBatch, options: ExchangeOptions) -> TableBatchRun:
    """The exchange model on every table of ``batch``: per draw, what
    :func:`realpolitik.models.exchange.adapter.run_table` gives that table."""
    if not batched(options):
        return draw_by_draw(batch, run_table, options)
    taking_part = np.ascontiguousarray(batch.participates)
    low, high = np.asarray(batch.scale_min, dtype=float), np.asarray(batch.scale_max, dtype=float)
    position, salience, capability = (np.asarray(values, dtype=float) for values in
                                      (batch.position, batch.salience, batch.capability))
    step = WORKING_SCALE / (high - low)
    working = np.where(taking_part, (np.where(taking_part, position, low) - low) * step, np.nan)
    salience = np.where(taking_part, salience, 0.0)
    weight = np.where(taking_part, capability * salience, 0.0)
    draws, actors, issues = working.shape
    trajectory = np.empty((options.rounds + 1, draws, actors, issues))
    outcomes = np.empty((options.rounds + 1, draws, issues))
    to_kernel = np.zeros(draws, dtype=bool)  # met a tie the coin decides
    queue_rounds = np.zeros(draws, dtype=np.int64)  # rounds rerun in queue order (a tie): not needed here
    chunk = max(1, CANDIDATES_PER_CHECK // capacity(actors, issues))
    for first in range(0, draws, chunk):
        checkpoint()  # a cancelled run stops here (see realpolitik.budget)
        run_draws(working, salience, weight, taking_part, options.rounds, options.position_update == "voting_position",
                  options.fixed_weight, options.salience_weight, options.outcome_limit == "demander_position",
                  options.tie_break == "coin_flip", first, min(first + chunk, draws), trajectory, outcomes,
                  to_kernel, queue_rounds)
    states = trajectory / step + low
    forecasts = outcomes / step + low
    result = classify_by_rounds(batch, states, forecasts, np.full(draws, options.rounds), np.zeros(draws, dtype=bool))
    if to_kernel.any():
        _replace(result, np.flatnonzero(to_kernel), draw_by_draw(_subset(batch, to_kernel), run_table, options))
    return result


def _subset(batch: TableBatch, draws: np.ndarray) -> TableBatch:
    return TableBatch(batch.actors, batch.issues, batch.position[draws], batch.salience[draws],
                      batch.capability[draws], batch.scale_min, batch.scale_max)


def _replace(result: TableBatchRun, draws: np.ndarray, exact: TableBatchRun) -> None:
    for name in ("forecast", "status", "period", "low", "high", "rounds_run"):
        getattr(result, name)[draws] = getattr(exact, name)
