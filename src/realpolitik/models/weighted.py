"""Weighted mean and weighted median over the actor axis.

Both take ``positions``, ``weights`` of shape ``(B, N)`` and return ``(B,)``.
"""

from __future__ import annotations

import numpy as np


def weighted_mean(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum(w * x) / sum(w)``; the plain mean where every weight is zero."""
    positions = np.asarray(positions, dtype=float)
    weights = np.asarray(weights, dtype=float)
    total = weights.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    weighted = (weights * positions).sum(axis=-1) / safe
    return np.where(total > 0, weighted, positions.mean(axis=-1))


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The position that beats every other in pairwise weighted votes.

    With actors sorted by position, it is the first position at which the
    cumulative weight reaches half the total (Black 1948's median voter, weighted).

    Tie rule: when the cumulative weight equals exactly half the total (to a relative
    1e-12) at some position, no position holds a strict majority and the median is the
    midpoint between that position and the first one past which the cumulative
    weight exceeds half. The rule is symmetric, so the
    median is equivariant under any affine map of the scale, reflections included.
    Where every weight is zero, the plain median of the positions is returned.
    """
    positions = np.asarray(positions, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(positions, axis=-1, kind="stable")
    sorted_positions = np.take_along_axis(positions, order, axis=-1)
    sorted_weights = np.take_along_axis(weights, order, axis=-1)
    cumulative = np.cumsum(sorted_weights, axis=-1)
    total = cumulative[..., -1:]
    half = total / 2.0
    tolerance = 1e-12 * np.maximum(total, 1e-300)
    reached = cumulative >= half - tolerance
    index = np.argmax(reached, axis=-1)[..., None]
    median = np.take_along_axis(sorted_positions, index, axis=-1)[..., 0]
    exact_half = np.abs(np.take_along_axis(cumulative, index, axis=-1) - half)[..., 0] <= tolerance[..., 0]
    above_index = np.argmax(cumulative > half + tolerance, axis=-1)[..., None]
    upper = np.take_along_axis(sorted_positions, above_index, axis=-1)[..., 0]
    median = np.where(exact_half, (median + upper) / 2.0, median)
    plain = np.median(positions, axis=-1)
    return np.where(total[..., 0] > 0, median, plain)
