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

Cost per round. Whether voter k prefers x_i to x_j depends only on which side of
their midpoint k stands, so with voters sorted by position the sums over k in
``P(i, j)`` are differences of prefix sums of ``F[a, k] = c_k s_k (|x_k - x_a|/Δ)^r_k``
found by a binary search for the midpoint; the all-pairs denominator, per voter,
is ``Σ_(a,b)|F[a,k] - F[b,k]| = 2 Σ_m F_(m),k (2m - N + 1)`` over F sorted by a.
A round costs O(N² log N) time and O(N²) memory per draw, not O(N³).
"""

from __future__ import annotations

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
    ``risk_exponents``/``move_kind``/``move_partner``/``challenge_a``/``challenge_b``
    ``(T, B, N)`` for rounds 1..T (the exponents used and the offer accepted in that
    round; ``move_partner`` is -1 without a move; ``challenge_a[t, b, i, j]`` would be
    ``(T, B, N, N)`` and is not kept).
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


def _batch_midpoint_counts(sorted_unit: np.ndarray, midpoints_unit: np.ndarray) -> np.ndarray:
    """For each draw b, how many sorted positions lie strictly below each midpoint.

    ``sorted_unit (B, N)`` ascending on [0, 1]; ``midpoints_unit (B, N, N)``. One
    binary search over all draws at once: draw b is shifted by 3b so the rows never
    overlap. Shifting rounds positions by at most ~1e-12 of Δ; a voter that close
    to a midpoint casts a vote of the same order, so the error is negligible.
    """
    batch, count = sorted_unit.shape
    shift = 3.0 * np.arange(batch, dtype=float)
    flat = (sorted_unit + shift[:, None]).ravel()
    queries = midpoints_unit + shift[:, None, None]
    found = np.searchsorted(flat, queries.ravel(), side="left").reshape(queries.shape)
    return found - (np.arange(batch) * count)[:, None, None]


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
    batch, count = position.shape
    order = np.argsort(position, axis=1, kind="stable")
    sorted_position = np.take_along_axis(position, order, axis=1)
    sorted_weight = np.take_along_axis(weight, order, axis=1)
    scale = delta[:, None, None]
    # distance[b, a, k] = |x_k - x_a| / Δ with voters k in sorted order.
    distance = np.abs(sorted_position[:, None, :] - position[:, :, None]) / scale
    if risk_exponent is None:
        vote_weight = sorted_weight[:, None, :] * distance
    else:
        sorted_exponent = np.take_along_axis(risk_exponent, order, axis=1)
        vote_weight = sorted_weight[:, None, :] * distance ** sorted_exponent[:, None, :]
    prefix = np.zeros((batch, count, count + 1))
    np.cumsum(vote_weight, axis=2, out=prefix[:, :, 1:])
    total = prefix[:, :, -1]

    low = sorted_position[:, :1]
    unit = sorted_position - low
    unit = unit / delta[:, None]
    midpoint = ((position[:, :, None] + position[:, None, :]) / 2.0 - low[:, :, None]) / scale
    below = _batch_midpoint_counts(unit, midpoint)  # (B, i, j)

    # prefix[b, j, below[b, i, j]] and prefix[b, i, below[b, i, j]]
    rows = np.arange(batch)[:, None, None]
    i_index = np.arange(count)[None, :, None]
    j_index = np.arange(count)[None, None, :]
    prefix_j = prefix[rows, j_index, below]
    prefix_i = prefix[rows, i_index, below]
    lower_side = prefix_j - prefix_i  # voters below the midpoint, for x_i < x_j
    upper_side = (total[:, None, :] - prefix_j) - (total[:, :, None] - prefix_i)  # for x_i > x_j
    i_position = position[:, :, None]
    j_position = position[:, None, :]
    support = np.where(i_position < j_position, lower_side, np.where(i_position > j_position, upper_side, 0.0))
    support = np.maximum(support, 0.0)

    if probability == "pairwise":
        denominator = support + np.swapaxes(support, 1, 2)
    else:
        # Per voter k, Σ_(a,b) |F[a,k] - F[b,k]| = 2 Σ_m F_(m),k (2m - N + 1).
        ranked = np.sort(vote_weight, axis=1)
        coefficient = 2.0 * np.arange(count) - count + 1.0
        denominator = (2.0 * (ranked * coefficient[None, :, None]).sum(axis=(1, 2)))[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(denominator > 0, support / np.where(denominator > 0, denominator, 1.0), 0.0)
    return result


def _utility(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``2 - 4 * base**exponent``, the utility scale of Scholz et al. (2011)."""
    return 2.0 - 4.0 * np.power(np.maximum(base, 0.0), exponent)


def expected_utility_of_challenge(
    success: np.ndarray,
    target_salience: np.ndarray,
    distance: np.ndarray,
    challenger_to_median: np.ndarray,
    exponent: np.ndarray,
    status_quo_probability: float,
) -> np.ndarray:
    """``EU_p(i→j)`` of step 4, broadcasting over any shape.

    ``success = P(i, j)``, ``target_salience = s_j``, ``distance = |x_i - x_j|/Δ``,
    ``challenger_to_median = |x_i - μ|/Δ``, ``exponent = r_p`` of the perspective p.
    """
    u_success = _utility(0.5 - 0.5 * distance, exponent)
    u_failure = _utility(0.5 + 0.5 * distance, exponent)
    u_status_quo = _utility(np.full_like(distance, 0.5), exponent)
    value = target_salience * (success * u_success + (1.0 - success) * u_failure)
    value = value + (1.0 - target_salience) * u_success - status_quo_probability * u_status_quo
    if status_quo_probability < 1.0:
        spread = challenger_to_median + distance
        u_better = _utility(0.5 - 0.25 * spread, exponent)
        u_worse = _utility(0.5 + 0.25 * spread, exponent)
        better = (challenger_to_median < distance).astype(float)
        value = value - (1.0 - status_quo_probability) * (better * u_better + (1.0 - better) * u_worse)
    return value


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
    success = probability_of_success(position, weight, exponent, delta, options.probability)
    scale = delta[:, None, None]
    distance = np.abs(position[:, :, None] - position[:, None, :]) / scale
    to_median = np.abs(position - median[:, None]) / delta[:, None]
    own_exponent = (np.ones_like(position) if exponent is None else exponent)[:, :, None]
    attack = expected_utility_of_challenge(
        success, salience[:, None, :], distance, to_median[:, :, None], own_exponent,
        options.status_quo_probability,
    )
    defence = expected_utility_of_challenge(
        np.swapaxes(success, 1, 2), salience[:, :, None], distance, to_median[:, None, :], own_exponent,
        options.status_quo_probability,
    )
    return attack, defence


def risk_exponents(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray, median: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    """Step 5: ``r_a = (1 - R_a/3)/(1 + R_a/3)`` from each actor's danger, ``(B, N)``."""
    _, defence = _challenge_grids(position, salience, weight, None, delta, median, options)
    count = position.shape[1]
    off_diagonal = ~np.eye(count, dtype=bool)
    danger = np.where(off_diagonal[None], defence, 0.0).sum(axis=2)
    high = danger.max(axis=1, keepdims=True)
    low = danger.min(axis=1, keepdims=True)
    spread = high - low
    relative = np.where(spread > 0, (2.0 * danger - high - low) / np.where(spread > 0, spread, 1.0), 0.0)
    return (1.0 - relative / 3.0) / (1.0 + relative / 3.0)


def _pick(candidate: np.ndarray, criterion: np.ndarray, target: np.ndarray,
          weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (b, i): the candidate j with the smallest criterion, ties to the lower target,
    then to the heaviest offerer (largest ``c_j s_j``), so the choice never depends on
    the order of actors unless offerers tie in every respect.

    Returns ``(found (B, N) bool, partner (B, N) int)``.
    """
    def closest(mask: np.ndarray, key: np.ndarray) -> np.ndarray:
        keyed = np.where(mask, key, np.inf)
        best = keyed.min(axis=2, keepdims=True)
        return mask & (keyed <= best + 1e-12 * np.maximum(np.abs(best), 1.0))

    tied = closest(closest(candidate, criterion), target)
    partner = np.argmax(np.where(tied, weight[:, None, :], -np.inf), axis=2)
    return candidate.any(axis=2), partner


def eum_round(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, delta: np.ndarray, options: EUMOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round of offers. Returns ``(new_position, exponent, move_kind, move_partner)``, each ``(B, N)``."""
    median = weighted_median(position, weight)
    exponent = risk_exponents(position, salience, weight, delta, median, options)
    attack, defence = _challenge_grids(position, salience, weight, exponent, delta, median, options)
    own = position[:, :, None]
    other = np.broadcast_to(position[:, None, :], attack.shape)
    different = own != other
    movement = np.abs(other - own)

    confrontation = different & (defence > attack) & (attack > 0)
    losing = different & (defence > 0) & (attack < 0)
    compromise = losing & (defence > np.abs(attack))
    capitulation = losing & (np.abs(attack) > defence)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(compromise, np.abs(attack) / np.where(compromise, defence, 1.0), 0.0)
    compromise_target = own + (other - own) * share
    if options.compromise_choice == "scholz_code":
        with np.errstate(invalid="ignore", divide="ignore"):
            compromise_key = (np.abs(attack) * own + np.abs(defence) * other) / (np.abs(attack) + np.abs(defence))
    else:
        compromise_key = np.abs(compromise_target - own)

    found_confrontation, confront_with = _pick(confrontation, movement, other, weight)
    found_compromise, compromise_with = _pick(compromise, compromise_key, compromise_target, weight)
    found_capitulation, capitulate_with = _pick(capitulation, movement, other, weight)

    kind = np.where(found_confrontation, CONFRONTATION,
                    np.where(found_compromise, COMPROMISE, np.where(found_capitulation, CAPITULATION, NO_MOVE)))
    partner = np.where(kind == CONFRONTATION, confront_with,
                       np.where(kind == COMPROMISE, compromise_with,
                                np.where(kind == CAPITULATION, capitulate_with, -1)))
    safe_partner = np.maximum(partner, 0)[:, :, None]
    to_partner = np.take_along_axis(other, safe_partner, axis=2)[:, :, 0]
    to_compromise = np.take_along_axis(compromise_target, safe_partner, axis=2)[:, :, 0]
    new_position = np.where(kind == COMPROMISE, to_compromise, np.where(kind == NO_MOVE, position, to_partner))
    return new_position, exponent, kind.astype(np.int8), partner


def run_eum(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, options: EUMOptions | None = None,
) -> EUMTrajectory:
    """Run the expected utility model on a batch of one-issue scenarios.

    ``position, salience (0..1), capability: (B, N)`` or ``(N,)`` (then B = 1).
    Stops after ``options.rounds`` rounds, or earlier when no actor of any draw
    moved more than ``options.tolerance x Δ`` in a round ("converged").
    """
    options = options or EUMOptions()
    position = np.atleast_2d(np.asarray(position, dtype=float))
    salience = np.broadcast_to(np.atleast_2d(np.asarray(salience, dtype=float)), position.shape)
    capability = np.broadcast_to(np.atleast_2d(np.asarray(capability, dtype=float)), position.shape)
    weight = capability * salience
    spread = position.max(axis=1) - position.min(axis=1)
    delta = np.where(spread > 0, spread, 1.0)

    positions = [position]
    exponents, kinds, partners = [], [], []
    stop_reason = "round limit"
    current = position
    for _ in range(options.rounds):
        if not (spread > 0).any():
            stop_reason = "converged"
            break
        new, exponent, kind, partner = eum_round(current, salience, weight, delta, options)
        new = np.where((spread > 0)[:, None], new, current)
        positions.append(new)
        exponents.append(exponent)
        kinds.append(kind)
        partners.append(partner)
        moved = np.abs(new - current).max()
        current = new
        if moved <= options.tolerance * delta.min():
            stop_reason = "converged"
            break
    stacked = np.stack(positions)
    count = position.shape
    return EUMTrajectory(
        positions=stacked,
        weighted_mean=weighted_mean(stacked, weight[None]),
        weighted_median=weighted_median(stacked, np.broadcast_to(weight[None], stacked.shape)),
        risk_exponents=np.stack(exponents) if exponents else np.empty((0, *count)),
        move_kind=np.stack(kinds) if kinds else np.empty((0, *count), dtype=np.int8),
        move_partner=np.stack(partners) if partners else np.empty((0, *count), dtype=int),
        stop_reason=stop_reason,
    )
