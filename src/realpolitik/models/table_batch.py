"""Models that span issues, run on a batch of tables at once (Monte Carlo draws, lever steps).

A batched model takes a :class:`TableBatch`, the arrays of :class:`~realpolitik.scenario.TableArrays`
with a leading draw axis ``B`` (the same actors take part in the same issues in every
draw), and returns a :class:`TableBatchRun`: per draw and issue the forecast and the
stability fields that :func:`realpolitik.models.runs.table_run` gives one table. Draws
stop at different rounds; each is judged on its own trajectory (draws with equal round
counts are classified together, :func:`classify_by_rounds`), so the batch gives the
numbers that running the draws one by one gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from realpolitik.models.runs import TableRun
from realpolitik.models.stability import STATE_TOLERANCE, classify
from realpolitik.models.weighted import weighted_mean
from realpolitik.scenario import TableArrays


@dataclass
class TableBatch(TableArrays):
    """:class:`~realpolitik.scenario.TableArrays` with a leading draw axis: ``position``, ``salience``
    (0..1), ``capability`` ``(B, N, K)`` (NaN position, zero salience and capability where an actor
    takes no part, the same actors in every draw); ``scale_min``, ``scale_max`` ``(K,)``."""

    @property
    def participates(self) -> np.ndarray:
        """``(N, K)``: who takes part where (the same in every draw)."""
        return ~np.isnan(self.position[0])

    @property
    def draws(self) -> int:
        return int(self.position.shape[0])


@dataclass
class TableBatchRun:
    """Per draw and issue ``(B, K)``: the stable ``forecast``, the stability ``status`` (an index
    into :data:`realpolitik.models.stability.STATUSES`), ``period`` (0 unless a cycle) and the
    range ``low .. high``; ``rounds_run (B,)``."""

    forecast: np.ndarray
    status: np.ndarray
    period: np.ndarray
    low: np.ndarray
    high: np.ndarray
    rounds_run: np.ndarray


def weighted_means(batch: TableBatch, states: np.ndarray) -> np.ndarray:
    """``(T+1, B, K)``: per round, draw and issue, the participants' capability x salience weighted
    mean of ``states (T+1, B, N, K)`` (the forecast quantity of the SMP)."""
    taking_part = batch.participates
    result = np.empty((states.shape[0], batch.draws, len(batch.issues)))
    for k in range(len(batch.issues)):
        rows = np.flatnonzero(taking_part[:, k])
        here = states[:, :, rows, k]
        weight = batch.capability[:, rows, k] * batch.salience[:, rows, k]
        result[:, :, k] = weighted_mean(here, np.broadcast_to(weight, here.shape))
    return result


def classify_by_rounds(batch: TableBatch, states: np.ndarray, forecasts: np.ndarray, rounds_run: np.ndarray,
                       stopped: np.ndarray) -> TableBatchRun:
    """The stability of every draw and issue, as :func:`realpolitik.models.runs.table_run` judges one table.

    ``states (T+1, B, N, K)``: every actor's position after each round, and ``forecasts
    (T+1, B, K)`` the forecast quantity of each round (rows past a draw's last round are
    ignored); ``rounds_run (B,)``: the rounds each draw ran; ``stopped (B,)``: draws that the
    model's own stopping rule ended. A state repeats within :data:`STATE_TOLERANCE` times the
    issue's scale width, on the issue's participants.
    """
    draws, issues = batch.draws, len(batch.issues)
    taking_part = batch.participates
    width = np.asarray(batch.scale_max, dtype=float) - np.asarray(batch.scale_min, dtype=float)
    result = TableBatchRun(np.zeros((draws, issues)), np.zeros((draws, issues), dtype=int),
                           np.zeros((draws, issues), dtype=int), np.zeros((draws, issues)),
                           np.zeros((draws, issues)), np.asarray(rounds_run))
    for rounds in np.unique(rounds_run):
        members = np.flatnonzero(rounds_run == rounds)
        for k in range(issues):
            rows = np.flatnonzero(taking_part[:, k])
            here = states[:rounds + 1][:, members][:, :, rows, k]  # (T+1, G, n)
            stability = classify(here, forecasts[:rounds + 1, members, k], STATE_TOLERANCE * width[k],
                                 stopped[members])
            result.forecast[members, k] = stability.forecast
            result.status[members, k] = stability.status
            result.period[members, k] = stability.period
            result.low[members, k] = stability.low
            result.high[members, k] = stability.high
    return result


def draw_by_draw(batch: TableBatch, run_table: Callable[[TableArrays, BaseModel], TableRun],
                 options: BaseModel) -> TableBatchRun:
    """The batch run one table at a time through a model's ``run_table``: what a batched model
    must reproduce, and the path of options a batched model does not cover."""
    runs = [run_table(TableArrays(batch.actors, batch.issues, batch.position[b], batch.salience[b],
                                  batch.capability[b], batch.scale_min, batch.scale_max), options)
            for b in range(batch.draws)]

    def field(name: str) -> np.ndarray:
        return np.array([[getattr(stability, name)[0] for stability in run.stabilities] for run in runs])

    return TableBatchRun(np.array([run.forecast for run in runs]), field("status"), field("period"), field("low"),
                         field("high"), np.array([run.stabilities[0].rounds_run for run in runs]))
