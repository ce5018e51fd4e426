"""Forecasters fitted on observed outcomes, and the leave-one-group-out scheme that scores them.

Anything fitted on a dataset must be scored on data it was not fitted on. For EU
legislation the issues of one dossier (one legislative proposal) are decided
together, so the held-out unit is the whole dossier: :func:`leave_one_group_out`
fits on every other dossier and forecasts the held-out one, once per dossier.

The forecasters follow scikit-learn's shape: options in the constructor, ``fit``
returns the forecaster with the fitted values as attributes ending in ``_``,
``predict`` applies them. All minimise absolute error, the measure they are
scored on.

* :class:`ConvexCombination`: the forecast ``Σ_k β_k f_k`` over given forecasts
  ``f_k``, with ``β_k ≥ 0`` and ``Σ_k β_k = 1``, minimising ``Σ_i |Σ_k β_k f_ik - y_i|``.
  This is a linear programme (least absolute deviations on the simplex), solved
  exactly with HiGHS through :func:`scipy.optimize.linprog`.
* :class:`FittedCapability`: the compromise model ``Σ_a c_a s_ia x_ia / Σ_a c_a s_ia``
  with one capability ``c_a = exp(θ_a)`` per actor fitted to the outcomes instead of
  taken from a proxy (GDP, votes). It minimises the pseudo-Huber loss
  ``mean_i sqrt(r_i² + δ²) - δ`` of the residuals ``r_i`` (δ = 1 scale point: the
  absolute error, smoothed near zero so that it can be differentiated) with
  SLSQP (Kraft 1988, through :func:`scipy.optimize.minimize`) from equal
  capabilities, using the exact gradient
  ``∂f_i/∂θ_a = c_a s_ia (x_ia - f_i) / Σ_b c_b s_ib``. Only ratios of capabilities
  matter; ``θ`` is kept in [-10, 10]. The loss is not convex in ``θ``: another
  optimiser may stop at another local minimum (L-BFGS-B gives out-of-sample MAEs
  within 0.1 of SLSQP's on DEU III). BLAS is held to one thread during the fit:
  on 30 parameters threads only add overhead, and on a busy machine OpenBLAS's
  threads made the 137 leave-one-dossier-out fits ten times slower (30 s, not 2 s).
* :class:`SnapToPosition`: moves a forecast onto the nearest position on the table
  when one lies within a distance fitted to the outcomes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog, minimize
from threadpoolctl import threadpool_limits

LOG_CAPABILITY_BOUND = 10.0
#: The snapping distances :class:`SnapToPosition` chooses from, in scale points.
SNAP_DISTANCES = tuple(range(51))


def mean_of_participants(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``Σ_a w_ia x_ia / Σ_a w_ia`` over the participants of each issue (position not NaN), their
    plain mean where all their weights are zero. ``position, weight (I, A)`` -> ``(I,)``."""
    present = ~np.isnan(position)
    weight = np.where(present, weight, 0.0)
    total = weight.sum(axis=1)
    weighted = (weight * np.where(present, position, 0.0)).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, weighted, np.nanmean(position, axis=1))


def leave_one_group_out(groups: np.ndarray | list[str],
                        fit_and_predict: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Out-of-sample forecasts: for each group, fit on the other groups and forecast it.

    ``fit_and_predict(training, held_out)`` gets two boolean masks over the rows and
    returns the forecasts of the ``held_out`` rows, ``(H,)`` or ``(H, K)`` for K variants;
    it must use only ``training`` rows' outcomes. Returns ``(I,)`` or ``(I, K)``.
    """
    groups = np.asarray(groups)
    forecast: np.ndarray | None = None
    for group in dict.fromkeys(groups.tolist()):
        held_out = groups == group
        predicted = np.asarray(fit_and_predict(~held_out, held_out), dtype=float)
        if forecast is None:
            forecast = np.full(groups.shape + predicted.shape[1:], np.nan)
        forecast[held_out] = predicted
    return forecast


class SnapToPosition:
    """Move a forecast onto the nearest position on the table when one lies within a fitted distance.

    Outcomes of negotiations are often one of the positions put forward (on DEU III,
    64% of outcomes equal some actor's position), while the weighted-mean models land
    between them. For forecast ``f`` of an issue whose nearest participant's position is
    ``x*``, the snapped forecast is ``x*`` if ``|x* - f| <= d``, else ``f``; ``d`` is the
    distance in :data:`SNAP_DISTANCES` (0, 1, ..., 50 scale points) that minimises the
    absolute error on the fitting issues, the smallest such distance on ties.
    """

    def fit(self, forecast: np.ndarray, position: np.ndarray, outcome: np.ndarray) -> SnapToPosition:
        """``forecast (I,)``, ``position (I, A)`` with NaN where the actor takes no part, ``outcome (I,)``;
        sets ``distance_``."""
        nearest = self._nearest(forecast, position)
        gap = np.abs(nearest - forecast)
        errors = [np.abs(np.where(gap <= distance, nearest, forecast) - outcome).mean() for distance in SNAP_DISTANCES]
        self.distance_ = float(SNAP_DISTANCES[int(np.argmin(errors))])
        return self

    def predict(self, forecast: np.ndarray, position: np.ndarray) -> np.ndarray:
        """``forecast (I,)``, ``position (I, A)`` as in :meth:`fit` -> ``(I,)``."""
        nearest = self._nearest(forecast, position)
        return np.where(np.abs(nearest - forecast) <= self.distance_, nearest, forecast)

    @staticmethod
    def _nearest(forecast: np.ndarray, position: np.ndarray) -> np.ndarray:
        distance = np.where(np.isnan(position), np.inf, np.abs(position - np.asarray(forecast)[:, None]))
        return np.take_along_axis(position, distance.argmin(axis=1)[:, None], axis=1)[:, 0]


class ConvexCombination:
    """Least-absolute-deviation weights on the simplex for a set of forecasts."""

    def fit(self, forecasts: np.ndarray, outcome: np.ndarray) -> ConvexCombination:
        """``forecasts (I, K)``, ``outcome (I,)``; sets ``weights_ (K,)``.

        Variables ``[β (K), e⁺ (I), e⁻ (I)]``, all ≥ 0: minimise ``Σ e⁺ + Σ e⁻`` subject
        to ``F β - e⁺ + e⁻ = y`` and ``Σ β = 1``.
        """
        forecasts = np.asarray(forecasts, dtype=float)
        count, components = forecasts.shape
        identity = np.eye(count)
        equalities = np.vstack([np.hstack([forecasts, -identity, identity]),
                                np.concatenate([np.ones(components), np.zeros(2 * count)])])
        targets = np.concatenate([np.asarray(outcome, dtype=float), [1.0]])
        costs = np.concatenate([np.zeros(components), np.ones(2 * count)])
        solution = linprog(costs, A_eq=equalities, b_eq=targets, bounds=(0, None), method="highs")
        if not solution.success:
            raise RuntimeError(f"the least-absolute-deviation programme failed: {solution.message}")
        self.weights_ = solution.x[:components]
        return self

    def predict(self, forecasts: np.ndarray) -> np.ndarray:
        """``forecasts (I, K)`` -> ``(I,)``."""
        return np.asarray(forecasts, dtype=float) @ self.weights_


class FittedCapability:
    """The compromise model with one capability per actor, fitted to minimise absolute error."""

    def __init__(self, smoothing: float = 1.0):
        self.smoothing = smoothing

    def fit(self, position: np.ndarray, salience: np.ndarray, outcome: np.ndarray) -> FittedCapability:
        """``position (I, A)`` with NaN where the actor takes no part, ``salience (I, A)`` on 0..1,
        ``outcome (I,)``; sets ``log_capability_ (A,)`` (mean zero) and ``capability_ = exp(θ)``."""
        present = ~np.isnan(position)
        values = np.where(present, position, 0.0)
        base_weight = np.where(present, salience, 0.0)
        outcome = np.asarray(outcome, dtype=float)
        delta = self.smoothing

        def loss_and_gradient(log_capability: np.ndarray) -> tuple[float, np.ndarray]:
            weight = np.exp(log_capability) * base_weight
            total = weight.sum(axis=1)
            forecast = mean_of_participants(position, weight)
            residual = forecast - outcome
            smooth = np.sqrt(residual**2 + delta**2)
            safe_total = np.where(total > 0, total, 1.0)[:, None]
            sensitivity = np.where(total[:, None] > 0, weight * (values - forecast[:, None]) / safe_total, 0.0)
            gradient = ((residual / smooth)[:, None] * sensitivity).sum(axis=0) / len(outcome)
            return float(np.mean(smooth - delta)), gradient

        bounds = [(-LOG_CAPABILITY_BOUND, LOG_CAPABILITY_BOUND)] * position.shape[1]
        with threadpool_limits(limits=1, user_api="blas"):
            solution = minimize(loss_and_gradient, np.zeros(position.shape[1]), jac=True, method="SLSQP",
                                bounds=bounds, options={"maxiter": 1000})
        self.log_capability_ = solution.x - solution.x.mean()
        self.capability_ = np.exp(self.log_capability_)
        return self

    def predict(self, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
        """``position, salience (I, A)`` as in :meth:`fit` -> ``(I,)``."""
        return mean_of_participants(position, self.capability_ * salience)
