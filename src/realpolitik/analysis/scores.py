"""Proper scores of probabilistic forecasts, and the calibration checks that go with them.

All work on :class:`realpolitik.analysis.distribution.MixedDistribution` (atoms plus a
piecewise-uniform part; point forecasts and Monte Carlo draws are special cases).

* **CRPS** (continuous ranked probability score; Matheson & Winkler 1976; Gneiting &
  Raftery 2007, *JASA* 102, eq. 20): ``CRPS(F, o) = ∫ (F(x) - 1{x ≥ o})² dx``, in scale
  points, lower is better. For a point forecast it is ``|x - o|``; for draws or a
  discrete mixture ``E|X - o| - ½ E|X - X'|``. It is computed exactly: between
  consecutive breakpoints (atoms, cell edges and ``o``) F is linear, from ``u`` to ``v``
  (minus the step), and ``∫ = Δ (u² + uv + v²) / 3``.
* **Log score** ``log P(X ∈ B(o))`` of the bin ``B(o)`` holding the outcome, among
  :data:`LOG_SCORE_BINS` equal bins of the scale (a density score is undefined for a
  distribution with atoms); the probability is floored at :data:`LOG_SCORE_FLOOR` so that
  one outcome deemed impossible does not make the mean ``-∞``. Higher is better.
* **PIT** (probability integral transform): ``F(o)`` is uniform on 0..1 when F is
  calibrated. With atoms, ``F(o-) < F(o)`` and the PIT is taken as uniform on
  ``[F(o-), F(o)]``; :func:`pit_histogram` is the non-randomised PIT histogram of Czado,
  Gneiting & Held (2009, *Biometrics* 65): each outcome spreads its unit over the bins in
  proportion to their overlap with that range.
* **Interval coverage and width**: the share of outcomes with ``low ≤ o ≤ high`` and the
  mean of ``high - low``.
* **Brier score** (Brier 1950) of probabilities ``p`` of binary events ``y``: mean
  ``(p - y)²``, lower is better.
* **Central level** of an outcome, the smallest ``p`` whose central interval
  ``[Q((1-p)/2), Q((1+p)/2)]`` holds it: ``max(1 - 2F(o), 2F(o-) - 1, 0)``; the
  conformity score of :mod:`realpolitik.analysis.conformal`.
"""

from __future__ import annotations

import numpy as np

from realpolitik.analysis.distribution import MixedDistribution

LOG_SCORE_BINS = 20
LOG_SCORE_FLOOR = 1e-3
PIT_BINS = 10


def central_interval(values, percent: float) -> tuple[float, float]:
    """The central interval holding ``percent`` % of the draws ``values`` (quantiles, linear interpolation)."""
    tail = (100.0 - percent) / 200.0
    low, high = np.quantile(np.asarray(values, dtype=float), [tail, 1.0 - tail])
    return float(low), float(high)


def crps(distribution: MixedDistribution, outcome: float) -> float:
    """``∫ (F(x) - 1{x ≥ o})² dx`` for the outcome ``o``, exactly."""
    points = np.union1d(distribution.breakpoints, [outcome])
    right, left = distribution.cdf(points), distribution.cdf_left(points)
    step = (points >= outcome).astype(float)
    start = right[:-1] - step[:-1]
    end = left[1:] - step[:-1]
    return float(np.sum(np.diff(points) * (start * start + start * end + end * end) / 3.0))


def crps_of_draws(draws, outcome: float) -> float:
    """The CRPS of the empirical distribution of ``draws``: ``E|X - o| - ½ E|X - X'|``."""
    draws = np.sort(np.asarray(draws, dtype=float).ravel())
    count = draws.size
    spread = 2.0 * np.sum((2.0 * np.arange(1, count + 1) - count - 1) * draws) / count**2
    return float(np.mean(np.abs(draws - outcome)) - 0.5 * spread)


def log_score(distribution: MixedDistribution, outcome: float, scale_min: float, scale_max: float,
              bins: int = LOG_SCORE_BINS) -> float:
    """``log P(X ∈ B(o))``: bins ``[b_j, b_{j+1})`` of equal width over the scale, the last closed."""
    edges = np.linspace(scale_min, scale_max, bins + 1)
    index = min(int(np.searchsorted(edges, outcome, side="right")) - 1, bins - 1)
    index = max(index, 0)
    upper = distribution.cdf(edges[-1]) if index == bins - 1 else distribution.cdf_left(edges[index + 1])
    probability = float(upper - distribution.cdf_left(edges[index]))
    return float(np.log(max(probability, LOG_SCORE_FLOOR)))


def pit_range(distribution: MixedDistribution, outcome: float) -> tuple[float, float]:
    """``(F(o-), F(o))``: the PIT of the outcome, a range where F has an atom at ``o``."""
    return float(distribution.cdf_left(outcome)), float(distribution.cdf(outcome))


def pit_histogram(lower, upper, bins: int = PIT_BINS) -> np.ndarray:
    """The non-randomised PIT histogram: the share of outcomes in each of ``bins`` equal bins of
    0..1, each outcome spread uniformly over its range ``[lower, upper]`` (a point where equal)."""
    lower = np.clip(np.asarray(lower, dtype=float), 0.0, 1.0)
    upper = np.clip(np.asarray(upper, dtype=float), 0.0, 1.0)
    edges = np.linspace(0.0, 1.0, bins + 1)
    width = upper - lower
    point = width <= 1e-12
    safe = np.where(point, 1.0, width)
    # Share of each outcome's range below each edge; a point range counts as below an edge it reaches.
    below = np.where(point[:, None], (lower[:, None] < edges[None, :]).astype(float),
                     np.clip((edges[None, :] - lower[:, None]) / safe[:, None], 0.0, 1.0))
    below[:, -1] = 1.0
    return np.diff(below, axis=1).mean(axis=0)


def central_level(distribution: MixedDistribution, outcome: float) -> float:
    """The smallest level p whose central interval holds ``outcome``: ``max(1 - 2F(o), 2F(o-) - 1, 0)``."""
    return level_of_pit_range(*pit_range(distribution, outcome))


def level_of_pit_range(below: float, up_to: float) -> float:
    """``max(1 - 2F(o), 2F(o-) - 1, 0)`` (at most 1) from ``F(o-)`` and ``F(o)``."""
    return float(min(1.0, max(1.0 - 2.0 * up_to, 2.0 * below - 1.0, 0.0)))


def coverage(low, high, outcome) -> float:
    """The share of outcomes with ``low ≤ o ≤ high``."""
    low, high, outcome = (np.asarray(a, dtype=float) for a in (low, high, outcome))
    return float(np.mean((low <= outcome) & (outcome <= high)))


def mean_width(low, high) -> float:
    """The mean of ``high - low``."""
    return float(np.mean(np.asarray(high, dtype=float) - np.asarray(low, dtype=float)))


def brier(probability, happened) -> float:
    """Mean ``(p - y)²`` over binary events ``y`` (0 or 1, or booleans)."""
    probability = np.asarray(probability, dtype=float)
    return float(np.mean((probability - np.asarray(happened, dtype=float)) ** 2))
