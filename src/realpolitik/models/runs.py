"""What a model's adapter hands the forecast layer: results by index, never by name.

Every model package holds an adapter (``adapter.py``) that turns a scenario's arrays
into one of two results:

* :class:`IssueRun`, for one-issue models (batched over Monte Carlo draws): the
  forecast ``(B,)``, its :class:`~realpolitik.models.stability.Stability` and, on
  demand, the :class:`History` of the first draw;
* :class:`TableRun`, for models that span issues: the forecast ``(K,)`` and, per issue,
  its stability and :class:`History`.

The forecast is the stable one: for a trajectory that cycles, the mean over the cycle
(:mod:`realpolitik.models.stability`).

A :class:`History` holds actors by their index; :mod:`realpolitik.forecast` gives them
their names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from realpolitik.models.stability import STATE_TOLERANCE, Stability, classify, settled
from realpolitik.models.weighted import weighted_mean, weighted_median
from realpolitik.scenario import Issue, TableArrays


class NoOptions(BaseModel):
    """A model without options."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class ActorMove:
    """Actor ``actor`` moves to ``to`` because of ``partner`` (indices into the run's actors)."""

    actor: int
    kind: str
    partner: int | None
    to: float


@dataclass
class History:
    """One issue's rounds: round 0 holds the initial positions, round t the positions after t rounds.

    ``actors (n,)``: the indices of the issue's participants among the run's actors;
    ``positions (T+1, n)``; ``weighted_mean``, ``weighted_median (T+1,)`` of the
    participants (weights capability x salience); ``moves[t]`` the moves of round t
    (``moves[0]`` is empty); ``risk_exponents (T, n)`` where the model has them.
    """

    actors: np.ndarray
    positions: np.ndarray
    weighted_mean: np.ndarray
    weighted_median: np.ndarray
    moves: list[list[ActorMove]]
    stop_reason: str | None = None
    risk_exponents: np.ndarray | None = None


@dataclass
class IssueRun:
    """A model's result on one issue for a batch of draws: ``forecast (B,)``, its stability
    (a static model's, converged after 0 rounds, unless given), and a function giving the
    first draw's :class:`History`."""

    forecast: np.ndarray
    history: Callable[[], History]
    stability: Stability | None = None

    def __post_init__(self) -> None:
        if self.stability is None:
            self.stability = settled(self.forecast)


@dataclass
class TableRun:
    """A model's result on a whole table: ``forecast (K,)``, and per issue its stability
    (one draw) and :class:`History`."""

    forecast: np.ndarray
    stabilities: list[Stability]
    histories: list[History]


def initial_history(position: np.ndarray, weight: np.ndarray) -> History:
    """The history of a static model: round 0 of the first draw of ``position, weight (B, N)``."""
    first, first_weight = position[:1], weight[:1]
    return History(np.arange(position.shape[1]), first.copy(), weighted_mean(first, first_weight),
                   weighted_median(first, first_weight), [[]])


def static_run(kernel: Callable[..., np.ndarray]) -> Callable[..., IssueRun]:
    """The adapter of a model that reads the initial positions once: ``kernel(position, salience, capability)``."""

    def run_issue(issue: Issue, position, salience, capability, options) -> IssueRun:
        return IssueRun(kernel(position, salience, capability),
                        lambda: initial_history(position, np.asarray(capability) * np.asarray(salience)))

    return run_issue


def table_histories(table: TableArrays, positions: np.ndarray, moves: list[list[list[ActorMove]]],
                    stop_reason: str | None) -> list[History]:
    """Per issue, the rounds of ``positions (T, N, K)`` among its participants, with the weighted
    mean and median of their positions; ``moves[t][k]`` are round t's moves on issue k."""
    result = []
    for k in range(len(table.issues)):
        taking_part = np.flatnonzero(table.participates[:, k])
        here = positions[:, taking_part, k]
        weight = np.broadcast_to(table.capability[taking_part, k] * table.salience[taking_part, k], here.shape)
        result.append(History(taking_part, here, weighted_mean(here, weight), weighted_median(here, weight),
                              [moves[t][k] for t in range(positions.shape[0])], stop_reason))
    return result


def table_run(table: TableArrays, histories: list[History], forecasts: np.ndarray, stopped: bool) -> TableRun:
    """The result of a model that spans issues, from its per-issue ``histories`` and the forecast
    quantity of every round ``forecasts (T+1, K)``. Each issue's stability is judged on its
    participants' positions, a state repeating within :data:`STATE_TOLERANCE` times the issue's
    scale width; ``stopped``: the model's own stopping rule ended the run."""
    width = np.asarray(table.scale_max, dtype=float) - np.asarray(table.scale_min, dtype=float)
    width = np.broadcast_to(width, (len(histories),))
    stabilities = [classify(history.positions[:, None, :], forecasts[:, None, k], STATE_TOLERANCE * width[k],
                            np.array([stopped])) for k, history in enumerate(histories)]
    return TableRun(np.array([stability.forecast[0] for stability in stabilities]), stabilities, histories)
