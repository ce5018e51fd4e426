"""Bueno de Mesquita's expected utility model (EUM), as specified by Scholz et al.

Sources:
    Bueno de Mesquita, B. (1994). "Political forecasting: an expected utility method".
    In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision
    Making*. Yale University Press.
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). "Unravelling Bueno de
    Mesquita's group decision model". *Journal of Theoretical Politics* 23(4), 510-531.

One issue at a time; all arrays carry a leading batch axis ``B`` of Monte Carlo
draws and an actor axis ``N``: ``position, salience, capability: (B, N)``, salience
on 0..1. Positions are compared through ``Δ = max(x) - min(x)`` of the initial
positions, fixed for the run. Each round:

1. Votes. ``v_k(a, b) = c_k s_k ((|x_k - b|/Δ)^r_k - (|x_k - a|/Δ)^r_k)``.
2. Probability that i prevails over j: ``P(i, j) = Σ_k max(0, v_k(x_i, x_j)) / D`` with
   ``D = Σ_k Σ_(a,b) |v_k(x_a, x_b)|`` ("scholz", the published code) or
   ``D = Σ_k |v_k(x_i, x_j)|`` ("pairwise", so that ``P(i,j) + P(j,i) = 1``).
3. Utilities seen by p (exponent r = r_p) of i challenging j, ``d = |x_i - x_j|/Δ``:
   ``U_s = 2 - 4(0.5 - 0.5d)^r``, ``U_f = 2 - 4(0.5 + 0.5d)^r``, ``U_sq = 2 - 4(0.5)^r``,
   and with μ the weighted median and ``e = (|x_i - μ| + |x_i - x_j|)/Δ``:
   ``U_b = 2 - 4(0.5 - 0.25e)^r``, ``U_w = 2 - 4(0.5 + 0.25e)^r``.
4. ``EU_p(i→j) = s_j(P U_s + (1-P) U_f) + (1-s_j) U_s - Q U_sq - (1-Q)(T U_b + (1-T) U_w)``
   with ``T = 1`` if ``|x_i - μ| < |x_i - x_j|`` else 0.
5. Risk exponents: with every r = 1, actor a's danger ``D_a = Σ_(o≠a) EU_a(o→a)``;
   ``R_a = (2 D_a - max D - min D)/(max D - min D)`` and ``r_a = (1 - R_a/3)/(1 + R_a/3)``.
6. Offers to i from each j, both seen by i: ``a = EU_i(i→j)``, ``b = EU_i(j→i)``.
   Confrontation if ``b > a > 0`` (move to x_j); compromise if ``b > 0 > a`` and
   ``b > |a|`` (move to ``x_i + (x_j - x_i)|a/b|``); capitulation if ``b > 0 > a`` and
   ``|a| > b`` (move to x_j). i takes a confrontation if any, else a compromise, else a
   capitulation; the one that moves it least (compromises: see ``compromise_choice``).
   All moves of a round apply at once.

Cost per round. Each draw's actors are sorted by position. Whether voter k prefers
x_i to x_j depends only on which side of their midpoint k stands, so the sums over k
in ``P(i, j)`` are differences of prefix sums of ``F[a, k] = c_k s_k (|x_k - x_a|/Δ)^r_k``
split at the midpoint (one binary search per pair, shared by both probability grids
of a round). The all-triples denominator needs no sort: ``Σ_k |v_k(x_a, x_b)|`` is the
support of a over b plus that of b over a, so ``D`` is twice the sum of all supports.
U_s and U_f are shared by i challenging j and j challenging i. Utilities and offers
are worked out for blocks of receivers at a time, so large scenarios stay in cache.
A round costs O(N² log N) time and O(N²) memory per draw, not O(N³); it is checked
against a literal loop implementation (``benchmarks/eum_literal.py``) to 1e-9.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from realpolitik.models.weighted import weighted_mean, weighted_median

NO_MOVE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
MOVE_KINDS = {CONFRONTATION: "confrontation", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


class EUMOptions(BaseModel):
    """Options of the expected utility model, named after Scholz et al. (2011)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    probability: Literal["scholz", "pairwise"] = Field(
        "scholz",
        description="Denominator of P(i,j): 'scholz' sums |votes| over all voters and all ordered "
        "actor pairs (the published code); 'pairwise' over the pair (i, j) alone.",
    )
    compromise_choice: Literal["scholz_code", "least_movement"] = Field(
        "scholz_code",
        description="Among compromise offers: 'scholz_code' takes the smallest "
        "(|a| x_i + |b| x_j)/(|a| + |b|), as the published code does; 'least_movement' the one "
        "that moves the actor least, as the paper's text says.",
    )
    status_quo_probability: float = Field(
        1.0, ge=0.0, le=1.0, description="Q: the probability that the status quo holds without a challenge."
    )
    rounds: int = Field(10, ge=0, le=10_000, description="Largest number of rounds.")
    tolerance: float = Field(
        1e-9, ge=0.0, description="Stop when no actor moves more than tolerance x Δ in a round."
    )
    forecast: Literal["median", "mean"] = Field(
        "median",
        description="The forecast read off the final positions: the weighted median (Bueno de "
        "Mesquita's prediction) or the weighted mean.",
    )


PRESETS: dict[str, EUMOptions] = {
    # Reproduces the published run of Scholz, Calbert & Smith (2011) on the 1994 EC
    # emissions example (tested against ../shared/data/scholz2011/oracle.json).
    "scholz2011": EUMOptions(probability="scholz", compromise_choice="scholz_code", status_quo_probability=1.0),
    # Bueno de Mesquita's evident intent: P(i,j) + P(j,i) = 1, least movement.
    "bdm-pairwise": EUMOptions(probability="pairwise", compromise_choice="least_movement"),
}


@dataclass
class EUMTrajectory:
    """The whole run. Round 0 holds the initial positions; round t the positions after t rounds.

    Shapes: ``positions (T+1, B, N)``, ``weighted_mean``/``weighted_median (T+1, B)``,
    ``risk_exponents``/``move_kind``/``move_partner`` ``(T, B, N)`` for rounds 1..T (the
    exponents used and the offer accepted in that round; ``move_partner`` is -1 without
    a move). A draw that has converged keeps its positions and is not computed again:
    its later rounds show no moves and NaN exponents.
    """

    positions: np.ndarray
    weighted_mean: np.ndarray
    weighted_median: np.ndarray
    risk_exponents: np.ndarray
    move_kind: np.ndarray
    move_partner: np.ndarray
    stop_reason: str

    @property
    def rounds_run(self) -> int:
        return self.positions.shape[0] - 1


#: Elements of one block of ``(draws, receivers, actors)`` worked on at a time: small
#: enough to stay in cache and to reuse memory rather than fault in fresh pages.
_BLOCK_ELEMENTS = 1 << 18
#: Draws x actors² of one round worked on at a time (about 400 draws of 13 actors): a few
#: such arrays fit a core's cache, which makes a round of many small draws much faster;
#: smaller blocks cost more in per-call overhead, which two threads feel most.
_DRAW_BLOCK_ELEMENTS = 1 << 16


@functools.lru_cache(maxsize=8)
def _upper_pairs(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the pairs ``a < c`` of ``count`` actors, in ``np.triu_indices`` order."""
    return np.triu_indices(count, k=1)


def _row_blocks(batch: int, count: int) -> list[slice]:
    """Slices of the receiver axis, each covering at most about ``_BLOCK_ELEMENTS`` pairs of all draws."""
    rows = max(1, _BLOCK_ELEMENTS // max(1, batch * count))
    return [slice(start, min(start + rows, count)) for start in range(0, count, rows)]


def _arrange(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``(B, N)`` values in each draw's ``order`` of actors, stored with the draw axis innermost.

    Every ``(B, R, N)`` block computed from such inputs inherits that layout, so numpy's
    loops (elementwise, broadcast, and reductions over actors) run along the long draw
    axis instead of along rows of N: several times faster for many small draws, and
    the same as the usual layout for one draw.
    """
    return np.asfortranarray(np.take(values, _flat(order)))


def _flat(order: np.ndarray) -> np.ndarray:
    """Indices into a flattened ``(B, N)`` array of each draw's ``order (B, N)`` (cheaper to use
    than ``np.take_along_axis``, which matters for the many small blocks of a Monte Carlo run)."""
    batch, count = order.shape
    return order + (np.arange(batch) * count)[:, None]


def _sum_in_order(values: np.ndarray, axis: int) -> np.ndarray:
    """The sum along ``axis`` (not the draw axis), added first to last.

    With the draw axis innermost, numpy adds along a strided axis in order, but along
    a contiguous one, which is what a lone draw has, pairwise. Summing a lone draw in
    order keeps every draw's result independent of its batch, to the last bit.
    """
    if values.shape[0] > 1:
        return values.sum(axis=axis)
    return np.take(np.cumsum(values, axis=axis), -1, axis=axis)


def _midpoint_splits(position: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair ``a < c`` of sorted ``position (B, N)``, ``(B, M)`` flat indices into the
    prefix sums of :func:`_prefix_sums` of rows a and c at the number of voters strictly
    below the midpoint of ``x_a`` and ``x_c``.

    One binary search over all draws at once: draw b is shifted by 3b (positions lie
    within [0, 1] of Δ) so the rows never overlap. The shift rounds, so each count is
    then checked against the unshifted positions and moved until it is exact: a
    draw's counts never depend on its place in the batch.
    """
    batch, count = position.shape
    unit = (position - position[:, :1]) / delta[:, None]
    shift = 3.0 * np.arange(batch, dtype=float)[:, None]
    rows, columns = _upper_pairs(count)
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


def _prefix_sums(position: np.ndarray, delta: np.ndarray, weight: np.ndarray,
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
    step = max(1, _BLOCK_ELEMENTS // max(1, count * batch))
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


def _pair_probability(prefix: np.ndarray, splits: tuple[np.ndarray, np.ndarray],
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
    rows, columns = _upper_pairs(count)
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
        denominator = 2.0 * _sum_in_order(values, axis=1)[:, None]
        denominator += denominator <= 0
        values /= denominator
    return values


@functools.lru_cache(maxsize=16)
def _pair_lookup(start: int, stop: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Where :func:`_pair_probability` keeps ``P(i, j)`` and ``P(j, i)``, for receivers i in
    ``start:stop`` and every j: two ``(R, N)`` arrays of pair indices.

    Pair ``(a, c)``, ``a < c``, is number ``first[a] + c`` of :func:`_upper_pairs`, with
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


def _pair_rows(values: np.ndarray, rows: slice, against: bool = False) -> np.ndarray:
    """``P(i, j)`` (or, ``against=True``, ``P(j, i)``) for receivers i in ``rows`` and every j,
    ``(B, R, N)`` with the draw axis innermost: whole draw-rows of ``values`` are copied at once."""
    count = (1 + math.isqrt(1 + 4 * (values.shape[1] - 1))) // 2
    index = _pair_lookup(rows.start, rows.stop, count)[1 if against else 0]
    return np.take(values.T, index, axis=0).transpose(2, 0, 1)


def _utility(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``2 - 4 * base**r``, the utility scale of Scholz et al. (2011)."""
    return 2.0 - 4.0 * np.power(np.maximum(base, 0.0), exponent)


@dataclass
class _Utilities:
    """What a challenge between i and j is worth to receiver i (exponent ``r_i``), ``d = |x_i - x_j|/Δ``.

    ``baseline = U_s - Q U_sq`` and ``stake = U_s - U_f``, both ``(B, R, N)``: U_s and U_f
    depend on the pair and the perspective only, so i challenging j and j challenging i
    share them. With every r = 1 (``exponent=None``) the utilities are linear in d:
    ``U_s = 2d``, ``U_f = -2d``, ``U_sq = 0``.
    """

    distance: np.ndarray
    exponent: np.ndarray | None
    status_quo_probability: float
    baseline: np.ndarray
    stake: np.ndarray

    @classmethod
    def seen_by_rows(cls, distance: np.ndarray, exponent: np.ndarray | None,
                     status_quo_probability: float) -> _Utilities:
        if exponent is None:
            return cls(distance, None, status_quo_probability, 2.0 * distance, 4.0 * distance)
        own = exponent[:, :, None]
        near = np.power(np.maximum(0.5 - 0.5 * distance, 0.0), own)  # U_s = 2 - 4 near
        far = np.power(0.5 + 0.5 * distance, own)  # U_f = 2 - 4 far
        baseline = 2.0 - 4.0 * near
        baseline -= status_quo_probability * (2.0 - 4.0 * 0.5 ** own)
        far -= near
        far *= 4.0
        return cls(distance, own, status_quo_probability, baseline, far)

    def expected(self, success_probability: np.ndarray, target_salience: np.ndarray,
                 challenger_to_median: np.ndarray) -> np.ndarray:
        """``EU = s (P U_s + (1-P) U_f) + (1-s) U_s - Q U_sq - (1-Q)(T U_b + (1-T) U_w)``
        written as ``U_s - Q U_sq - s (1-P)(U_s - U_f) - ...``; arguments broadcast to ``(B, R, N)``."""
        value = 1.0 - success_probability
        value *= target_salience
        value *= self.stake
        np.subtract(self.baseline, value, out=value)
        quo = self.status_quo_probability
        if quo < 1.0:
            spread = challenger_to_median + self.distance
            own = np.ones(1) if self.exponent is None else self.exponent
            better = _utility(0.5 - 0.25 * spread, own)
            worse = _utility(0.5 + 0.25 * spread, own)
            value -= (1.0 - quo) * np.where(challenger_to_median < self.distance, better, worse)
        return value


def _unsort(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``(B, N)`` or ``(B, N, N)`` values computed with actors in ``order (B, N)`` back in the original order."""
    if values.ndim == 2:
        result = np.empty(values.shape, dtype=values.dtype)
        np.put(result, _flat(order), values)
        return result
    inverse = np.argsort(order, axis=1)
    rows = np.take_along_axis(values, inverse[:, :, None], axis=1)
    return np.take_along_axis(rows, inverse[:, None, :], axis=2)


@dataclass
class _SortedRound:
    """One round's inputs with each draw's actors in ascending order of position.

    ``order[b]`` lists the original indices in that order; ``to_median = |x - μ|/Δ``;
    ``splits`` are the midpoint splits of :func:`_midpoint_splits`, shared by both
    probability grids of the round.
    """

    order: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    weight: np.ndarray
    delta: np.ndarray
    to_median: np.ndarray
    splits: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray,
           median: np.ndarray) -> _SortedRound:
        order = np.argsort(position, axis=1, kind="stable")
        ordered = _arrange(position, order)
        return cls(order, ordered, _arrange(salience, order), _arrange(weight, order), delta,
                   np.abs(ordered - median[:, None]) / delta[:, None], _midpoint_splits(ordered, delta))

    def pair_probability(self, exponent: np.ndarray | None, rule: Literal["scholz", "pairwise"]) -> np.ndarray:
        """:func:`_pair_probability` with sorted ``exponent (B, N)`` (None: every r = 1)."""
        return _pair_probability(_prefix_sums(self.position, self.delta, self.weight, exponent), self.splits, rule)

    def utilities(self, exponent: np.ndarray | None, rows: slice, options: EUMOptions) -> _Utilities:
        """:class:`_Utilities` of receivers i in ``rows`` (``exponent`` sorted; None: every r = 1)."""
        distance = np.abs(self.position[:, rows, None] - self.position[:, None, :])
        distance /= self.delta[:, None, None]
        return _Utilities.seen_by_rows(distance, None if exponent is None else exponent[:, rows],
                                       options.status_quo_probability)

    def attack(self, values: np.ndarray, utilities: _Utilities, rows: slice) -> np.ndarray:
        """``EU_i(i→j)`` for receivers i in ``rows``, ``(B, R, N)``."""
        return utilities.expected(_pair_rows(values, rows), self.salience[:, None, :], self.to_median[:, rows, None])

    def defence(self, values: np.ndarray, utilities: _Utilities, rows: slice) -> np.ndarray:
        """``EU_i(j→i)`` for receivers i in ``rows``, ``(B, R, N)``."""
        return utilities.expected(_pair_rows(values, rows, against=True), self.salience[:, rows, None],
                                  self.to_median[:, None, :])

    def risk_exponents(self, options: EUMOptions) -> np.ndarray:
        """Step 5, sorted: each actor's danger ``D_a = Σ_(o≠a) EU_a(o→a)`` with every r = 1."""
        batch, count = self.position.shape
        values = self.pair_probability(None, options.probability)
        danger = np.empty((count, batch)).T
        for rows in _row_blocks(batch, count):
            defence = self.defence(values, self.utilities(None, rows, options), rows)
            receivers = np.arange(rows.stop - rows.start)
            danger[:, rows] = _sum_in_order(defence, axis=2) - defence[:, receivers, receivers + rows.start]
        high = danger.max(axis=1, keepdims=True)
        low = danger.min(axis=1, keepdims=True)
        spread = high - low
        relative = np.where(spread > 0, (2.0 * danger - high - low) / np.where(spread > 0, spread, 1.0), 0.0)
        return (1.0 - relative / 3.0) / (1.0 + relative / 3.0)


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
    ordered = _arrange(position, order)
    exponent = None if risk_exponent is None else _arrange(risk_exponent, order)
    prefix = _prefix_sums(ordered, delta, _arrange(weight, order), exponent)
    values = _pair_probability(prefix, _midpoint_splits(ordered, delta), probability)
    return _unsort(order, _pair_rows(values, slice(0, count)))


def risk_exponents(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray, median: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    """Step 5: ``r_a = (1 - R_a/3)/(1 + R_a/3)`` from each actor's danger, ``(B, N)``."""
    state = _SortedRound.of(position, salience, weight, delta, median)
    return _unsort(state.order, state.risk_exponents(options))


def _challenge_grids(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    exponent: np.ndarray | None,
    delta: np.ndarray,
    median: np.ndarray,
    options: EUMOptions,
) -> tuple[np.ndarray, np.ndarray]:
    """``(attack, defence)``, both ``(B, N, N)`` and seen by row actor i:
    ``attack[b,i,j] = EU_i(i→j)`` and ``defence[b,i,j] = EU_i(j→i)``."""
    state = _SortedRound.of(position, salience, weight, delta, median)
    sorted_exponent = None if exponent is None else _arrange(exponent, state.order)
    values = state.pair_probability(sorted_exponent, options.probability)
    attack, defence = [], []
    for rows in _row_blocks(*position.shape):
        utilities = state.utilities(sorted_exponent, rows, options)
        attack.append(state.attack(values, utilities, rows))
        defence.append(state.defence(values, utilities, rows))
    attack, defence = np.concatenate(attack, axis=1), np.concatenate(defence, axis=1)
    return _unsort(state.order, attack), _unsort(state.order, defence)


#: Added to the key of every offer not on the table: larger than any real key, and finite.
_NOT_OFFERED = 1e300
#: Each kind of offer as a bit, so the preferred kind present is the largest code.
_CODE_OF_KIND = {CONFRONTATION: 4, COMPROMISE: 2, CAPITULATION: 1}
_KIND_OF_CODE = np.array([NO_MOVE, CAPITULATION, COMPROMISE, NO_MOVE, CONFRONTATION], dtype=np.int8)


def _closest(candidate: np.ndarray, key: np.ndarray) -> np.ndarray:
    """The candidates whose (finite) key is the smallest of their row (b, i), to a relative 1e-12."""
    keyed = key + _NOT_OFFERED * ~candidate
    best = keyed.min(axis=2, keepdims=True)
    return candidate & (keyed <= best + 1e-12 * np.maximum(np.abs(best), 1.0))


def _offers(receiver: np.ndarray, position: np.ndarray, weight: np.ndarray, movement: np.ndarray,
            attack: np.ndarray, defence: np.ndarray, options: EUMOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 6 for receivers at ``receiver (B, R)`` among all ``position (B, N)``, with
    ``movement = |x_j - x_i|`` and the challenge grids ``(B, R, N)``: ``(new_position, move_kind,
    move_partner)``, each ``(B, R)``.

    i takes the kind first (confrontation, else compromise, else capitulation), then
    among the offers of that kind the one with the smallest criterion (the movement;
    for compromises see ``compromise_choice``), ties to the lower target, then to the
    heaviest offerer (largest ``c_j s_j``), so the choice never depends on the order of
    actors unless offerers tie in every respect. Masks are applied by arithmetic on
    finite values rather than ``np.where``, which is several times slower here.

    With ``σ = |a/b|``, a compromise moves i to ``x_i + (x_j - x_i) σ``; the published
    code's key ``(|a| x_i + |b| x_j)/(|a| + |b|)`` is ``x_j + (x_i - x_j) σ/(1 + σ)``.
    """
    own = receiver[:, :, None]
    other = position[:, None, :]
    # Where x_j == x_i, U_s = U_f, so a == b exactly and no offer qualifies: the rules'
    # "x_j != x_i" needs no mask of its own. With a < 0: b > |a| iff a + b > 0.
    balance = attack + defence
    confrontation = (defence > attack) & (attack > 0)
    losing = (defence > 0) & (attack < 0)
    compromise = losing & (balance > 0)
    capitulation = losing & (balance < 0)
    code = confrontation.view(np.int8) * np.int8(_CODE_OF_KIND[CONFRONTATION])
    code |= compromise.view(np.int8) * np.int8(_CODE_OF_KIND[COMPROMISE])
    code |= capitulation.view(np.int8) * np.int8(_CODE_OF_KIND[CAPITULATION])
    best_code = code.max(axis=2)
    candidate = (code == best_code[:, :, None]) & (code > 0)

    with np.errstate(over="ignore"):
        share = np.minimum(np.abs(attack) / np.maximum(defence, np.finfo(float).tiny), 1.0)  # σ on compromises
    gap = own - other
    target = other + compromise * (gap * (1.0 - share))  # x_i + (x_j - x_i) σ on compromises, else x_j
    if options.compromise_choice == "scholz_code":
        compromise_key = other + gap * (share / (1.0 + share))
    else:
        compromise_key = movement * share
    criterion = movement + compromise * (compromise_key - movement)

    tied = _closest(candidate, criterion)
    if (tied.sum(axis=2) > 1).any():
        tied = _closest(tied, target)
    partner = np.argmax(tied * (weight[:, None, :] + 1.0), axis=2)
    kind = _KIND_OF_CODE[best_code]
    moved_to = np.take_along_axis(target, partner[:, :, None], axis=2)[:, :, 0]
    new_position = np.where(kind == NO_MOVE, receiver, moved_to)
    return new_position, kind, np.where(kind == NO_MOVE, -1, partner)


def eum_round(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray, options: EUMOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round of offers. Returns ``(new_position, exponent, move_kind, move_partner)``, each ``(B, N)``.

    Draws are independent, so they are worked on in blocks of about
    ``_DRAW_BLOCK_ELEMENTS / N²`` (see :func:`_round_of_draws`).
    """
    batch, count = position.shape
    step = max(1, _DRAW_BLOCK_ELEMENTS // (count * count))
    if batch <= step:
        return _round_of_draws(position, salience, weight, delta, options)
    parts = [_round_of_draws(position[start:start + step], salience[start:start + step],
                             weight[start:start + step], delta[start:start + step], options)
             for start in range(0, batch, step)]
    return tuple(np.concatenate([part[index] for part in parts]) for index in range(4))


def _round_of_draws(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray, options: EUMOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round for a block of draws: with each draw's actors sorted by position, receivers
    in blocks of :func:`_row_blocks`; results put back in the original order (partners
    as original indices)."""
    batch, count = position.shape
    state = _SortedRound.of(position, salience, weight, delta, weighted_median(position, weight))
    exponent = state.risk_exponents(options)
    values = state.pair_probability(exponent, options.probability)
    new_position = np.empty_like(state.position)
    kind = np.empty(state.position.shape, dtype=np.int8)
    partner = np.empty(state.position.shape, dtype=np.intp)
    for rows in _row_blocks(batch, count):
        utilities = state.utilities(exponent, rows, options)
        attack, defence = state.attack(values, utilities, rows), state.defence(values, utilities, rows)
        movement = utilities.distance * delta[:, None, None]
        del utilities  # the offers run faster with less in the cache
        new_position[:, rows], kind[:, rows], partner[:, rows] = _offers(
            state.position[:, rows], state.position, state.weight, movement, attack, defence, options)
    original_partner = np.where(partner >= 0, np.take(state.order, _flat(np.maximum(partner, 0))), -1)
    return tuple(_unsort(state.order, values) for values in (new_position, exponent, kind, original_partner))


def run_eum(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, options: EUMOptions | None = None,
) -> EUMTrajectory:
    """Run the expected utility model on a batch of one-issue scenarios.

    ``position, salience (0..1), capability: (B, N)`` or ``(N,)`` (then B = 1).
    Each draw stops when none of its actors moved more than ``options.tolerance x Δ``
    in a round (it is then left out of later rounds, so a draw's result never depends
    on the other draws of the batch); the run stops after ``options.rounds`` rounds
    ("round limit") or when every draw has stopped ("converged").
    """
    options = options or EUMOptions()
    position = np.atleast_2d(np.asarray(position, dtype=float))
    salience = np.broadcast_to(np.atleast_2d(np.asarray(salience, dtype=float)), position.shape)
    capability = np.broadcast_to(np.atleast_2d(np.asarray(capability, dtype=float)), position.shape)
    weight = capability * salience
    spread = position.max(axis=1) - position.min(axis=1)
    delta = np.where(spread > 0, spread, 1.0)

    active = spread > 0
    positions = [position]
    exponents, kinds, partners = [], [], []
    current = position
    for _ in range(options.rounds):
        if not active.any():
            break
        moving = np.flatnonzero(active)
        moved_to, exponent, kind, partner = eum_round(current[moving], salience[moving], weight[moving],
                                                      delta[moving], options)
        new = current.copy()
        new[moving] = moved_to
        exponents.append(np.full(position.shape, np.nan))
        exponents[-1][moving] = exponent
        kinds.append(np.zeros(position.shape, dtype=np.int8))
        kinds[-1][moving] = kind
        partners.append(np.full(position.shape, -1, dtype=np.intp))
        partners[-1][moving] = partner
        active[moving] = np.abs(moved_to - current[moving]).max(axis=1) > options.tolerance * delta[moving]
        positions.append(new)
        current = new
    stop_reason = "converged" if options.rounds and not active.any() else "round limit"
    stacked = np.stack(positions)
    count = position.shape
    return EUMTrajectory(
        positions=stacked,
        weighted_mean=weighted_mean(stacked, weight[None]),
        weighted_median=weighted_median(stacked, np.broadcast_to(weight[None], stacked.shape)),
        risk_exponents=np.stack(exponents) if exponents else np.empty((0, *count)),
        move_kind=np.stack(kinds) if kinds else np.empty((0, *count), dtype=np.int8),
        move_partner=np.stack(partners) if partners else np.empty((0, *count), dtype=np.intp),
        stop_reason=stop_reason,
    )
