"""Whether a dynamic model's trajectory settled, cycles, or was still moving at the round limit.

Every dynamic model here (EUM, SMP, exchange) is a deterministic map from one round's
state to the next: the actors' positions ``x_t`` (for the exchange model the positions
each round starts from). Per draw, with ``T`` rounds run, a tolerance ``ε`` and the
forecast quantity ``f_t`` of each round (the EUM's weighted median or mean, the SMP's
weighted mean, the exchange model's expected outcome):

* **converged**: the model's own stopping rule ended the run (the EUM's: no actor moved
  more than ``tolerance × Δ``; KTAB's for the SMP), or the last state repeats the one
  before, ``max_n |x_T,n - x_T-1,n| <= ε``. Forecast ``f_T``; range ``[f_T, f_T]``.
* **cycle** of period ``p`` (``2 <= p <= MAX_PERIOD``): the smallest ``p`` for which the
  last ``p`` states repeat the ``p`` before them, ``max_n |x_T-j,n - x_T-j-p,n| <= ε``
  for ``j = 0 .. p-1`` (so ``T >= 2p - 1``). A deterministic map that meets a state
  again goes round the same loop for ever, so the round limit only decides where the
  loop is cut. The forecast is the **mean of f over one period**,
  ``(f_T-p+1 + ... + f_T) / p``: every phase counts once, whatever the round limit;
  the range is the least and largest ``f`` over that period.
* **round limit**: neither; the actors were still moving. The forecast is the last
  round's ``f_T``, and the range the least and largest ``f`` over the second half of
  the run (rounds ``T - ⌊T/2⌋ .. T``), how far the forecast still wandered.

``ε`` is the model's tolerance: the EUM's option ``tolerance`` (default 1e-9) times
``Δ``, the spread of the initial positions; for the SMP and the exchange model
:data:`STATE_TOLERANCE` times the issue's scale width. Static models read the initial
positions once: their forecast is converged after 0 rounds (:func:`settled`).

All functions work on a batch of draws at once: ``states (T+1, B, S)``, ``forecast
(T+1, B)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Status names, indexed by :attr:`Stability.status`.
STATUSES = ("converged", "cycle", "round limit")
CONVERGED, CYCLE, ROUND_LIMIT = 0, 1, 2
#: The longest cycle looked for.
MAX_PERIOD = 12
#: Tolerance of the SMP and exchange models, as a share of the issue's scale width.
STATE_TOLERANCE = 1e-9


@dataclass
class Stability:
    """Per draw ``(B,)``: ``status`` (an index into :data:`STATUSES`), ``period`` (0 unless a
    cycle), the stable ``forecast``, and the range ``low .. high``; ``rounds_run`` is the run's."""

    status: np.ndarray
    period: np.ndarray
    forecast: np.ndarray
    low: np.ndarray
    high: np.ndarray
    rounds_run: int

    def status_name(self, draw: int = 0) -> str:
        return STATUSES[int(self.status[draw])]


def settled(forecast: np.ndarray) -> Stability:
    """The stability of a static model's forecast ``(B,)``: converged after 0 rounds."""
    forecast = np.asarray(forecast, dtype=float)
    return Stability(np.full(forecast.shape, CONVERGED), np.zeros(forecast.shape, dtype=int), forecast,
                     forecast.copy(), forecast.copy(), 0)


def classify(states: np.ndarray, forecast: np.ndarray, tolerance: np.ndarray | float,
             stopped: np.ndarray | None = None) -> Stability:
    """Classify each draw of ``states (T+1, B, S)`` with forecast quantity ``forecast (T+1, B)``.

    ``tolerance``: ``ε`` per draw ``(B,)`` or one number; ``stopped (B,)``: draws that the
    model's own stopping rule ended (converged whatever their last two states).
    """
    states = np.asarray(states, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    rounds, draws = states.shape[0] - 1, states.shape[1]
    tolerance = np.broadcast_to(np.asarray(tolerance, dtype=float), (draws,))
    period = np.zeros(draws, dtype=int)
    for length in range(1, min(MAX_PERIOD, (rounds + 1) // 2) + 1):
        recent = states[rounds - length + 1:]
        before = states[rounds - 2 * length + 1:rounds - length + 1]
        gap = np.abs(recent - before).max(axis=(0, 2), initial=0.0)
        period = np.where((period == 0) & (gap <= tolerance), length, period)
    converged = period == 1
    if stopped is not None:
        converged |= np.asarray(stopped, dtype=bool)
    cycling = ~converged & (period > 1)
    status = np.where(converged, CONVERGED, np.where(cycling, CYCLE, ROUND_LIMIT))
    last = forecast[-1]
    step = np.arange(rounds + 1)[:, None]
    in_period = step > rounds - np.where(cycling, period, 1)[None, :]
    in_window = np.where(cycling[None, :], in_period, step >= rounds - rounds // 2)
    in_window = np.where(converged[None, :], step == rounds, in_window)
    low = np.where(in_window, forecast, np.inf).min(axis=0)
    high = np.where(in_window, forecast, -np.inf).max(axis=0)
    cycle_mean = np.where(in_period, forecast, 0.0).sum(axis=0) / np.maximum(np.where(cycling, period, 1), 1)
    return Stability(status, np.where(cycling, period, 0), np.where(cycling, cycle_mean, last), low, high, rounds)
