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

Cost per round: O(N² log N) time and O(N²) memory per draw, not O(N³); the
probabilities of step 2 are computed as :mod:`realpolitik.models.eum.votes` explains.
U_s and U_f are shared by i challenging j and j challenging i; utilities and offers
are worked out for blocks of draws and of receivers, so the arrays stay in cache. The
kernel is checked against a literal loop implementation (``benchmarks/eum_literal.py``)
to 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from realpolitik.budget import checkpoint
from realpolitik.models.eum.options import EUMOptions
from realpolitik.models.eum.votes import (
    arrange,
    flat_indices,
    midpoint_splits,
    pair_probability,
    pair_rows,
    prefix_sums,
    row_blocks,
    sum_in_order,
    unsort,
)
from realpolitik.models.weighted import weighted_mean, weighted_median

__all__ = ["CAPITULATION", "COMPROMISE", "CONFRONTATION", "MOVE_KINDS", "NO_MOVE", "EUMTrajectory", "challenge_grids",
           "eum_round", "risk_exponents", "run_eum"]

NO_MOVE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
MOVE_KINDS = {CONFRONTATION: "confrontation", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


@dataclass
class EUMTrajectory:
    """The whole run. Round 0 holds the initial positions; round t the positions after t rounds.

    Shapes: ``positions (T+1, B, N)``, ``weighted_mean``/``weighted_median (T+1, B)``,
    ``risk_exponents``/``move_kind``/``move_partner`` ``(T, B, N)`` for rounds 1..T (the
    exponents used and the offer accepted in that round; ``move_partner`` is -1 without
    a move). A draw that has stopped keeps its positions and is not computed again:
    its later rounds show no moves and NaN exponents. ``stopped (B,)``: the draws that the
    stopping rule (``options.stopping``) ended before the round limit.
    """

    positions: np.ndarray
    weighted_mean: np.ndarray
    weighted_median: np.ndarray
    risk_exponents: np.ndarray
    move_kind: np.ndarray
    move_partner: np.ndarray
    stop_reason: str
    stopped: np.ndarray

    @property
    def rounds_run(self) -> int:
        return self.positions.shape[0] - 1


#: Draws x actors² of one round worked on at a time (about 400 draws of 13 actors): a few
#: such arrays fit a core's cache, which makes a round of many small draws much faster;
#: smaller blocks cost more in per-call overhead, which two threads feel most.
_DRAW_BLOCK_ELEMENTS = 1 << 16


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


@dataclass
class _SortedRound:
    """One round's inputs with each draw's actors in ascending order of position.

    ``order[b]`` lists the original indices in that order; ``to_median = |x - μ|/Δ``;
    ``splits`` are the midpoint splits of :func:`midpoint_splits`, shared by both
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
        ordered = arrange(position, order)
        return cls(order, ordered, arrange(salience, order), arrange(weight, order), delta,
                   np.abs(ordered - median[:, None]) / delta[:, None], midpoint_splits(ordered, delta))

    def pair_probability(self, exponent: np.ndarray | None, rule: Literal["scholz", "pairwise"]) -> np.ndarray:
        """:func:`pair_probability` with sorted ``exponent (B, N)`` (None: every r = 1)."""
        return pair_probability(prefix_sums(self.position, self.delta, self.weight, exponent), self.splits, rule)

    def utilities(self, exponent: np.ndarray | None, rows: slice, options: EUMOptions) -> _Utilities:
        """:class:`_Utilities` of receivers i in ``rows`` (``exponent`` sorted; None: every r = 1)."""
        distance = np.abs(self.position[:, rows, None] - self.position[:, None, :])
        distance /= self.delta[:, None, None]
        return _Utilities.seen_by_rows(distance, None if exponent is None else exponent[:, rows],
                                       options.status_quo_probability)

    def attack(self, values: np.ndarray, utilities: _Utilities, rows: slice) -> np.ndarray:
        """``EU_i(i→j)`` for receivers i in ``rows``, ``(B, R, N)``."""
        return utilities.expected(pair_rows(values, rows), self.salience[:, None, :], self.to_median[:, rows, None])

    def defence(self, values: np.ndarray, utilities: _Utilities, rows: slice) -> np.ndarray:
        """``EU_i(j→i)`` for receivers i in ``rows``, ``(B, R, N)``."""
        return utilities.expected(pair_rows(values, rows, against=True), self.salience[:, rows, None],
                                  self.to_median[:, None, :])

    def risk_exponents(self, options: EUMOptions) -> np.ndarray:
        """Step 5, sorted: each actor's danger ``D_a = Σ_(o≠a) EU_a(o→a)`` with every r = 1."""
        batch, count = self.position.shape
        values = self.pair_probability(None, options.probability)
        danger = np.empty((count, batch)).T
        for rows in row_blocks(batch, count):
            defence = self.defence(values, self.utilities(None, rows, options), rows)
            receivers = np.arange(rows.stop - rows.start)
            danger[:, rows] = sum_in_order(defence, axis=2) - defence[:, receivers, receivers + rows.start]
        high = danger.max(axis=1, keepdims=True)
        low = danger.min(axis=1, keepdims=True)
        spread = high - low
        relative = np.where(spread > 0, (2.0 * danger - high - low) / np.where(spread > 0, spread, 1.0), 0.0)
        return (1.0 - relative / 3.0) / (1.0 + relative / 3.0)


def risk_exponents(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray, median: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    """Step 5: ``r_a = (1 - R_a/3)/(1 + R_a/3)`` from each actor's danger, ``(B, N)``."""
    state = _SortedRound.of(position, salience, weight, delta, median)
    return unsort(state.order, state.risk_exponents(options))


def challenge_grids(
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
    sorted_exponent = None if exponent is None else arrange(exponent, state.order)
    values = state.pair_probability(sorted_exponent, options.probability)
    attack, defence = [], []
    for rows in row_blocks(*position.shape):
        utilities = state.utilities(sorted_exponent, rows, options)
        attack.append(state.attack(values, utilities, rows))
        defence.append(state.defence(values, utilities, rows))
    attack, defence = np.concatenate(attack, axis=1), np.concatenate(defence, axis=1)
    return unsort(state.order, attack), unsort(state.order, defence)


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
    del balance, losing  # fewer live arrays keep the block in cache
    code = confrontation.view(np.int8) * np.int8(_CODE_OF_KIND[CONFRONTATION])
    code |= compromise.view(np.int8) * np.int8(_CODE_OF_KIND[COMPROMISE])
    code |= capitulation.view(np.int8) * np.int8(_CODE_OF_KIND[CAPITULATION])
    best_code = code.max(axis=2)
    candidate = (code == best_code[:, :, None]) & (code > 0)
    del confrontation, capitulation, code

    share = np.abs(attack)  # σ = |a/b| on compromises, clipped to [0, 1] elsewhere
    with np.errstate(over="ignore"):
        share /= np.maximum(defence, np.finfo(float).tiny)
    np.minimum(share, 1.0, out=share)
    gap = own - other
    target = 1.0 - share
    target *= gap
    target *= compromise
    target += other  # x_i + (x_j - x_i) σ on compromises, else x_j
    if options.compromise_choice == "scholz_code":
        criterion = share + 1.0
        np.divide(share, criterion, out=criterion)
        criterion *= gap
        criterion += other  # x_j + (x_i - x_j) σ/(1 + σ)
    else:
        criterion = share * movement
    del share, gap
    criterion -= movement
    criterion *= compromise
    criterion += movement  # the compromise key on compromises, else the movement

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
    in blocks of :func:`row_blocks`; results put back in the original order (partners
    as original indices)."""
    batch, count = position.shape
    state = _SortedRound.of(position, salience, weight, delta, weighted_median(position, weight))
    exponent = state.risk_exponents(options)
    values = state.pair_probability(exponent, options.probability)
    new_position = np.empty_like(state.position)
    kind = np.empty(state.position.shape, dtype=np.int8)
    partner = np.empty(state.position.shape, dtype=np.intp)
    for rows in row_blocks(batch, count):
        utilities = state.utilities(exponent, rows, options)
        attack, defence = state.attack(values, utilities, rows), state.defence(values, utilities, rows)
        movement = utilities.distance * delta[:, None, None]
        del utilities  # the offers run faster with less in the cache
        new_position[:, rows], kind[:, rows], partner[:, rows] = _offers(
            state.position[:, rows], state.position, state.weight, movement, attack, defence, options)
    original_partner = np.where(partner >= 0, np.take(state.order, flat_indices(np.maximum(partner, 0))), -1)
    return tuple(unsort(state.order, values) for values in (new_position, exponent, kind, original_partner))


def run_eum(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, options: EUMOptions | None = None,
) -> EUMTrajectory:
    """Run the expected utility model on a batch of one-issue scenarios.

    ``position, salience (0..1), capability: (B, N)`` or ``(N,)`` (then B = 1).
    Each draw stops when none of its actors moved more than ``options.tolerance x Δ``
    in a round, or with ``options.stopping="forecast_settles"`` also when its forecast
    moved no more than ``options.settle_threshold x Δ`` (it is then left out of later
    rounds, so a draw's result never depends on the other draws of the batch); the run
    stops after ``options.rounds`` rounds ("round limit") or when every draw has stopped
    ("converged").
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
        checkpoint()  # a cancelled run stops here (see realpolitik.budget)
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
        if options.stopping == "forecast_settles":
            shift = np.abs(_forecast(moved_to, weight[moving], options) - _forecast(current[moving], weight[moving],
                                                                                    options))
            active[moving] &= shift > options.settle_threshold * delta[moving]
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
        stopped=~active,
    )


def _forecast(position: np.ndarray, weight: np.ndarray, options: EUMOptions) -> np.ndarray:
    """The forecast quantity of ``position, weight (B, N)``: the weighted median or mean."""
    return weighted_median(position, weight) if options.forecast == "median" else weighted_mean(position, weight)
