"""The probability of success of the expected utility model, O(N² log N) per round and draw.

``P(i, j) = Σ_k max(0, v_k(x_i, x_j)) / D`` with votes
``v_k(a, b) = c_k s_k ((|x_k - b|/Δ)^r_k - (|x_k - a|/Δ)^r_k)`` and ``D`` the all-triples sum
``Σ_k Σ_(a,b) |v_k(x_a, x_b)|`` ("scholz") or the pair's own ``Σ_k |v_k(x_i, x_j)|``
("pairwise"); see :mod:`realpolitik.models.eum` for the model and its sources.

How it avoids N³. Each draw's actors are sorted by position. Whether voter k prefers
x_i to x_j depends only on which side of their midpoint k stands, so the sums over k
are differences of prefix sums of ``F[a, k] = c_k s_k (|x_k - x_a|/Δ)^r_k`` split at the
midpoint (one binary search per pair, shared by both probability grids of a round).
The all-triples denominator needs no sort: ``Σ_k |v_k(x_a, x_b)|`` is the support of a
over b plus that of b over a, so ``D`` is twice the sum of all supports.

Layout. Arrays keep the draw axis innermost in memory, so numpy's loops run along
the many draws of a Monte Carlo batch; large scenarios are worked on in blocks that
stay in cache; a draw's numbers never depend on the other draws of its batch.
"""

from __future__ import annotations

import functools
import math
from typing import Literal

import numpy as np

#: Elements of one block of ``(draws, receivers, actors)`` worked on at a time: small
#: enough to stay in cache and to reuse memory rather than fault in fresh pages.
BLOCK_ELEMENTS = 1 << 18


@functools.lru_cache(maxsize=8)
def upper_pairs(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the pairs ``a < c`` of ``count`` actors, in ``np.triu_indices`` order."""
    return np.triu_indices(count, k=1)


def row_blocks(batch: int, count: int) -> list[slice]:
    """Slices of the receiver axis, each covering at most about ``BLOCK_ELEMENTS`` pairs of all draws."""
    rows = max(1, BLOCK_ELEMENTS // max(1, batch * count))
    return [slice(start, min(start + rows, count)) for start in range(0, count, rows)]


def arrange(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``(B, N)`` values in each draw's ``order`` of actors, stored with the draw axis innermost.

    Every ``(B, R, N)`` block computed from such inputs inherits that layout, so numpy's
    loops (elementwise, broadcast, and reductions over actors) run along the long draw
    axis instead of along rows of N: several times faster for many small draws, and
    the same as the usual layout for one draw.
    """
    return np.asfortranarray(np.take(values, flat_indices(order)))


def flat_indices(order: np.ndarray) -> np.ndarray:
    """Indices into a flattened ``(B, N)`` array of each draw's ``order (B, N)`` (cheaper to use
    than ``np.take_along_axis``, which matters for the many small blocks of a Monte Carlo run)."""
    batch, count = order.shape
    return order + (np.arange(batch) * count)[:, None]


def sum_in_order(values: np.ndarray, axis: int) -> np.ndarray:
    """The sum along ``axis`` (not the draw axis), added first to last.

    With the draw axis innermost, numpy adds along a strided axis in order, but along
    a contiguous one, which is what a lone draw has, pairwise. Summing a lone draw in
    order keeps every draw's result independent of its batch, to the last bit.
    """
    if values.shape[0] > 1:
        return values.sum(axis=axis)
    return np.take(np.cumsum(values, axis=axis), -1, axis=axis)


def midpoint_splits(position: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair ``a < c`` of sorted ``position (B, N)``, ``(B, M)`` flat indices into the
    prefix sums of :func:`prefix_sums` of rows a and c at the number of voters strictly
    below the midpoint of ``x_a`` and ``x_c``.

    One binary search over all draws at once: draw b is shifted by 3b (positions lie
    within [0, 1] of Δ) so the rows never overlap. The shift rounds, so each count is
    then checked against the unshifted positions and moved until it is exact: a
    draw's counts never depend on its place in the batch.
    """
    batch, count = position.shape
    unit = (position - position[:, :1]) / delta[:, None]
    shift = 3.0 * np.arange(batch, dtype=float)[:, None]
    rows, columns = upper_pairs(count)
    midpoint = (unit[:, rows] + unit[:, columns]) / 2.0
    draws = np.arange(batch)[:, None]
    below = np.searchsorted(np.ravel(unit + shift), np.ravel(midpoint + shift), side="left").reshape(batch, -1)
    first = draws * count
    below -= first
    flat = np.ravel(unit)
    while True:
        too_many = (below > 0) & (flat[first + np.maximum(below, 1) - 1] >= midpoint)
        too_few = (below < count) & (flat[first + np.minimum(below, count - 1)] < midpoint)
        if not (too_many.any() or too_few.any()):
            break
        below += too_few
        below -= too_many
    del midpoint
    # prefix[k, a, b] sits at (k * N + a) * B + b.
    below *= count * batch
    below += draws
    lower = np.asfortranarray(below + rows * batch)
    below += columns * batch
    return lower, np.asfortranarray(below)


def prefix_sums(position: np.ndarray, delta: np.ndarray, weight: np.ndarray,
                 exponent: np.ndarray | None) -> np.ndarray:
    """``prefix[k, a, b] = Σ_(k' < k) F[b, a, k']`` with ``F[a, k] = c_k s_k (|x_k - x_a|/Δ)^r_k``,
    ``(N + 1, N, B)``, voters k sorted.

    F is computed for blocks of voters at a time, then summed one voter at a time by
    whole-plane additions (numpy's cumsum runs one short row at a time, and is slower).
    """
    batch, count = position.shape
    positions, weights = position.T, weight.T
    exponents = None if exponent is None else exponent.T
    prefix = np.empty((count + 1, count, batch))
    prefix[0] = 0.0
    step = max(1, BLOCK_ELEMENTS // max(1, count * batch))
    for start in range(0, count, step):
        voters = slice(start, min(count, start + step))
        votes = prefix[voters.start + 1:voters.stop + 1]
        np.subtract(positions[None, :, :], positions[voters, None, :], out=votes)
        np.abs(votes, out=votes)
        votes /= delta
        if exponents is not None:
            np.power(votes, exponents[voters, None, :], out=votes)
        votes *= weights[voters, None, :]
        for voter in range(voters.start, voters.stop):
            prefix[voter + 1] += prefix[voter]
    return prefix


def pair_probability(prefix: np.ndarray, splits: tuple[np.ndarray, np.ndarray],
                      rule: Literal["scholz", "pairwise"]) -> np.ndarray:
    """``P`` for every ordered pair, as ``(B, 2M + 1)``: ``P(a, c)`` of each pair ``a < c``, then
    ``P(c, a)``, then a 0 (for an actor against itself); draw axis innermost.

    Supports: ``S(a, c) = Σ_k max(0, v_k(x_a, x_c))`` with ``v_k(x_a, x_c) = F[c, k] - F[a, k]``,
    positive exactly for the voters on a's side of the midpoint. With ``A_a``, ``A_c`` the
    sums of rows a and c of F over the voters below the midpoint and ``T_a``, ``T_c`` the
    row totals: ``S(a, c) = A_c - A_a`` and ``S(c, a) = (T_a - A_a) - (T_c - A_c)``. Equal
    positions give identical rows of F, so both are 0 there.

    ``P = S / D`` (0 where D = 0, as S = 0 there): "pairwise", ``D = S(a, c) + S(c, a) =
    Σ_k |v_k(x_a, x_c)|``; "scholz", the all-triples ``Σ_k Σ_(a,c) |v_k(x_a, x_c)|``, which is
    ``2 Σ S`` over all ordered pairs, since ``Σ_k |v_k(x_a, x_c)| = S(a, c) + S(c, a)``:
    O(N²), not O(N³).
    """
    count, batch = prefix.shape[1], prefix.shape[2]
    lower_split, upper_split = splits
    pairs = lower_split.shape[1]
    rows, columns = upper_pairs(count)
    total = prefix[count].T
    values = np.zeros((2 * pairs + 1, batch)).T
    lower_wins, upper_wins = values[:, :pairs], values[:, pairs:2 * pairs]
    np.take(prefix, upper_split, out=lower_wins)
    lower_wins -= np.take(prefix, lower_split)
    np.add(lower_wins, total[:, rows], out=upper_wins)
    upper_wins -= total[:, columns]
    np.maximum(values, 0.0, out=values)
    if rule == "pairwise":
        denominator = lower_wins + upper_wins
        denominator += denominator <= 0
        lower_wins /= denominator
        upper_wins /= denominator
    else:
        denominator = 2.0 * sum_in_order(values, axis=1)[:, None]
        denominator += denominator <= 0
        values /= denominator
    return values


@functools.lru_cache(maxsize=16)
def pair_lookup(start: int, stop: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Where :func:`pair_probability` keeps ``P(i, j)`` and ``P(j, i)``, for receivers i in
    ``start:stop`` and every j: two ``(R, N)`` arrays of pair indices.

    Pair ``(a, c)``, ``a < c``, is number ``first[a] + c`` of :func:`upper_pairs`, with
    ``first[a] = a N - a (a + 1)/2 - a - 1``.
    """
    pairs = count * (count - 1) // 2
    actors = np.arange(count)
    first = actors * count - actors * (actors + 1) // 2 - actors - 1
    receiver = actors[start:stop, None]
    after = first[receiver] + actors  # the pair (i, j) for j > i
    before = first[None, :] + receiver  # the pair (j, i) for j < i
    later, earlier = actors > receiver, actors < receiver
    return (np.where(later, after, np.where(earlier, pairs + before, 2 * pairs)),
            np.where(later, pairs + after, np.where(earlier, before, 2 * pairs)))


def pair_rows(values: np.ndarray, rows: slice, against: bool = False) -> np.ndarray:
    """``P(i, j)`` (or, ``against=True``, ``P(j, i)``) for receivers i in ``rows`` and every j,
    ``(B, R, N)`` with the draw axis innermost: whole draw-rows of ``values`` are copied at once."""
    count = (1 + math.isqrt(1 + 4 * (values.shape[1] - 1))) // 2
    index = pair_lookup(rows.start, rows.stop, count)[1 if against else 0]
    return np.take(values.T, index, axis=0).transpose(2, 0, 1)


def unsort(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``(B, N)`` or ``(B, N, N)`` values computed with actors in ``order (B, N)`` back in the original order."""
    if values.ndim == 2:
        result = np.empty(values.shape, dtype=values.dtype)
        np.put(result, flat_indices(order), values)
        return result
    inverse = np.argsort(order, axis=1)
    rows = np.take_along_axis(values, inverse[:, :, None], axis=1)
    return np.take_along_axis(rows, inverse[:, None, :], axis=2)


def probability_of_success(
    position: np.ndarray,
    weight: np.ndarray,
    risk_exponent: np.ndarray | None,
    delta: np.ndarray,
    probability: Literal["scholz", "pairwise"],
) -> np.ndarray:
    """``P[b, i, j]``: the probability that i prevails over j (0 where ``x_i == x_j``).

    ``position, weight (= capability x salience), risk_exponent: (B, N)`` (None means
    every exponent is 1); ``delta: (B,)``. O(N² log N) per draw (see the module doc).
    """
    count = position.shape[1]
    order = np.argsort(position, axis=1, kind="stable")
    ordered = arrange(position, order)
    exponent = None if risk_exponent is None else arrange(risk_exponent, order)
    prefix = prefix_sums(ordered, delta, arrange(weight, order), exponent)
    values = pair_probability(prefix, midpoint_splits(ordered, delta), probability)
    return unsort(order, pair_rows(values, slice(0, count)))
