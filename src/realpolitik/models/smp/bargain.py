"""Bargains of KTAB's Spatial Model of Politics: how they are struck and which one each actor takes.

Interpolation (``InterVecBrgn``). When initiator ``i`` targets receiver ``j``
with estimated victory probabilities ``p_i`` and ``p_j``, the bargain moves
both to points between their positions ``t_i`` and ``t_j``, dimension by
dimension:

* ``S1P1`` / ``S2P2``: weights ``w_i = s_ik^n p_i^n`` (n = 1 or 2),
  ``b_ik = ((w_i + e) t_ik + w_j t_jk) / (w_i + e + w_j)`` and
  ``b_jk = (w_i t_ik + (e + w_j) t_jk) / (w_i + e + w_j)`` with ``e = 1e-6``
  (the asymmetry keeps ``b = t`` when nobody cares), each rounded to 4
  decimals on the [0, 1] scale;
* ``S2PMax``: only the weaker side moves, by
  ``d_i = max(0, p_j - p_i)``: ``b_ik = t_ik + d_i s_jk^2 / (d_i s_jk^2 + e +
  (1 - d_i) s_ik^2) (t_jk - t_ik)``, and symmetrically for ``j``.

Bargain models (``SMPBargnModel``): ``InitOnlyInterp`` proposes the bargain
interpolated with the initiator's probability estimate; ``InitRcvrInterp`` also
the one from the receiver's perspective; ``PWCompInterp`` their power-weighted
average. As implemented in KTAB (and reproduced here): the receiver's bargain
is interpolated with the receiver's estimate of the *initiator's expected
gain* where a probability is meant, and the power-weighted average weighs the
receiver's bargain by the initiator's capability times the receiver's total
salience.

Resolution (KTAB's "actor queues"). Every actor ``k`` considers the status
quo and every bargain that involves it. The value to actor ``a`` of the state
after a bargain is the mean utility to ``a`` of all positions, with the two
bargaining actors moved; a probabilistic Condorcet election among the options
(votes weighted by capability) gives each bargain's probability; ``k`` adopts
the most likely one (Deterministic) or draws one (Stochastic) and moves to its
side of it. All actors move at once.

Source: KAPSARC KTAB, ``examples/smp/libsrc/smp.cpp`` and ``smpbcn.cpp``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .utility import utility, weighted_distance
from .voting import PCEModel, VictoryProbabilityModel, VotingRule, scalar_pce

BargainInterpolation = Literal["S1P1", "S2P2", "S2PMax"]
BargainModel = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]
BargainKind = Literal["status-quo", "initiator", "receiver", "compromise"]

BARGAIN_INTERPOLATIONS: tuple[str, ...] = ("S1P1", "S2P2", "S2PMax")
BARGAIN_MODELS: tuple[str, ...] = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")

_MIN_BARGAIN_WEIGHT = 1e-6
_SUM_BLOCK_ELEMENTS = 2_000_000


def _round4(value: np.ndarray) -> np.ndarray:
    """KTAB's rounding of bargain coordinates to 4 decimals on [0, 1]."""
    return np.floor(0.5 + value * 10000.0) / 10000.0


def interpolate(
    method: BargainInterpolation,
    position_i: np.ndarray,
    salience_i: np.ndarray,
    probability_i: np.ndarray,
    position_j: np.ndarray,
    salience_j: np.ndarray,
    probability_j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Bargain positions for ``i`` and ``j``: ``(P, D)`` positions and saliences, ``(P,)`` probabilities."""
    p_i = np.asarray(probability_i, dtype=float)[:, None]
    p_j = np.asarray(probability_j, dtype=float)[:, None]
    if method in ("S1P1", "S2P2"):
        if method == "S1P1":
            weight_i = salience_i * p_i
            weight_j = salience_j * p_j
        else:
            weight_i = (salience_i * salience_i) * (p_i * p_i)
            weight_j = (salience_j * salience_j) * (p_j * p_j)
        total = weight_i + _MIN_BARGAIN_WEIGHT + weight_j
        bargain_i = _round4(((weight_i + _MIN_BARGAIN_WEIGHT) * position_i + weight_j * position_j) / total)
        bargain_j = _round4((weight_i * position_i + (_MIN_BARGAIN_WEIGHT + weight_j) * position_j) / total)
        return bargain_i, bargain_j
    if method == "S2PMax":
        gap_i = np.where(p_j > p_i, p_j - p_i, 0.0)
        gap_j = np.where(p_i > p_j, p_i - p_j, 0.0)
        square_i = salience_i * salience_i
        square_j = salience_j * salience_j
        share_i = (gap_i * square_j) / ((gap_i * square_j) + _MIN_BARGAIN_WEIGHT + ((1 - gap_i) * square_i))
        share_j = (gap_j * square_i) / ((gap_j * square_i) + _MIN_BARGAIN_WEIGHT + ((1 - gap_j) * square_j))
        return position_i + share_i * (position_j - position_i), position_j + share_j * (position_i - position_j)
    raise ValueError(f"unknown bargain interpolation {method!r}")


@dataclass
class Proposals:
    """The bargains proposed in one turn (positions on the internal [0, 1] scale)."""

    initiator: np.ndarray  # (B,) int
    receiver: np.ndarray  # (B,) int
    initiator_position: np.ndarray  # (B, D)
    receiver_position: np.ndarray  # (B, D)
    kind: list[str]

    @property
    def size(self) -> int:
        return int(self.initiator.size)


def propose(
    model: BargainModel,
    method: BargainInterpolation,
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    initiator: np.ndarray,
    receiver: np.ndarray,
    initiator_probability: np.ndarray,
    receiver_estimate: np.ndarray | None,
) -> Proposals:
    """Form the bargains of the initiators, in initiator order.

    ``receiver_estimate`` is the receiver's estimate of the initiator's gain
    (KTAB's ``get<1>(probEduChlg(j, i, i, j))``), needed unless ``model`` is
    ``InitOnlyInterp``.
    """
    i, j = initiator, receiver
    from_initiator = interpolate(
        method, position[i], salience[i], initiator_probability, position[j], salience[j], 1 - initiator_probability
    )
    if model == "InitOnlyInterp":
        return Proposals(i, j, from_initiator[0], from_initiator[1], ["initiator"] * i.size)
    assert receiver_estimate is not None
    from_receiver = interpolate(
        method, position[i], salience[i], receiver_estimate, position[j], salience[j], 1 - receiver_estimate
    )
    if model == "InitRcvrInterp":
        both_i = np.stack([i, i], axis=1).reshape(-1)
        both_j = np.stack([j, j], axis=1).reshape(-1)
        init_positions = np.stack([from_initiator[0], from_receiver[0]], axis=1).reshape(-1, position.shape[1])
        rcvr_positions = np.stack([from_initiator[1], from_receiver[1]], axis=1).reshape(-1, position.shape[1])
        return Proposals(both_i, both_j, init_positions, rcvr_positions, ["initiator", "receiver"] * i.size)
    if model == "PWCompInterp":
        salience_total = salience.sum(axis=1)
        weight_i = (capability[i] * salience_total[i])[:, None]
        weight_j = (capability[i] * salience_total[j])[:, None]  # KTAB weighs j's view by i's capability
        compromise_i = (weight_i * from_initiator[0] + weight_j * from_receiver[0]) / (weight_i + weight_j)
        compromise_j = (weight_i * from_initiator[1] + weight_j * from_receiver[1]) / (weight_i + weight_j)
        return Proposals(i, j, compromise_i, compromise_j, ["compromise"] * i.size)
    raise ValueError(f"unknown bargain model {model!r}")


def state_values(
    proposals: Proposals,
    ideal: np.ndarray,
    salience: np.ndarray,
    risk: np.ndarray,
    own_utility: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Value to every actor of the status quo ``(N,)`` and of the state after each bargain ``(N, B)``.

    ``own_utility[a, n]`` is ``a``'s (risk-aware) utility of ``n``'s position.
    The value of a state is the mean utility over all actors' positions.
    """
    # Sums run in KTAB's order (np.cumsum adds sequentially): states that are equal give
    # bit-equal values, which matters under the Binary voting rule, where a difference
    # of 1e-16 in utility is a full-weight vote.
    actors = own_utility.shape[0]
    status_quo = np.cumsum(own_utility, axis=1)[:, -1] / actors
    if proposals.size == 0:
        return status_quo, np.zeros((actors, 0))
    moved_i = utility(weighted_distance(ideal, proposals.initiator_position, salience), risk[:, None])
    moved_j = utility(weighted_distance(ideal, proposals.receiver_position, salience), risk[:, None])
    index = np.arange(actors)
    values = np.empty((actors, proposals.size))
    block = max(1, _SUM_BLOCK_ELEMENTS // (actors * (actors + 2)))
    for start in range(0, proposals.size, block):
        part = slice(start, min(proposals.size, start + block))
        moved = (index[None, :] == proposals.initiator[part, None]) | (index[None, :] == proposals.receiver[part, None])
        terms = np.empty((actors, moved.shape[0], actors + 2))
        terms[:, :, 0] = moved_i[:, part]
        terms[:, :, 1] = moved_j[:, part]
        terms[:, :, 2:] = np.where(moved[None, :, :], 0.0, own_utility[:, None, :])
        values[:, part] = np.cumsum(terms, axis=2)[:, :, -1]
    return status_quo, values / actors


def queues(proposals: Proposals, actors: int) -> list[list[int]]:
    """Each actor's options: -1 for the status quo, then the bargains involving it, in proposal order."""
    result: list[list[int]] = [[-1] for _ in range(actors)]
    for index in range(proposals.size):
        first, second = int(proposals.initiator[index]), int(proposals.receiver[index])
        result[first].append(index)
        if second != first:
            result[second].append(index)
    return result


def queue_keys(proposals: Proposals, actor: int, queue: list[int]) -> list[tuple[int, int, str]]:
    """``(initiator, receiver, kind)`` of each option in a queue (the status quo is ``(actor, actor, 'status-quo')``)."""
    keys = []
    for option in queue:
        if option < 0:
            keys.append((actor, actor, "status-quo"))
        else:
            keys.append((int(proposals.initiator[option]), int(proposals.receiver[option]), proposals.kind[option]))
    return keys


def queue_probabilities(
    option_queues: list[list[int]],
    status_quo_value: np.ndarray,
    bargain_value: np.ndarray,
    capability: np.ndarray,
    rule: VotingRule,
    model: VictoryProbabilityModel,
    pce: PCEModel,
) -> list[np.ndarray]:
    """PCE probability of each option in each actor's queue; queues of equal length are batched."""
    values = np.concatenate([status_quo_value[:, None], bargain_value], axis=1)  # column 0 = status quo
    result: list[np.ndarray] = [np.ones(1)] * len(option_queues)
    by_length: dict[int, list[int]] = {}
    for actor, queue in enumerate(option_queues):
        if len(queue) > 1:
            by_length.setdefault(len(queue), []).append(actor)
    for members in by_length.values():
        columns = np.array([option_queues[actor] for actor in members]) + 1  # (G, L)
        utility_of_options = np.moveaxis(values[:, columns], 0, 1)  # (G, N, L)
        probabilities = scalar_pce(rule, model, pce, capability, utility_of_options)
        for row, actor in enumerate(members):
            result[actor] = probabilities[row]
    return result


def adopted_positions(
    proposals: Proposals, choice: Sequence[int], position: np.ndarray
) -> np.ndarray:
    """New positions: each actor's side of its chosen bargain (-1 keeps the status quo)."""
    new = position.copy()
    for actor, option in enumerate(choice):
        if option < 0:
            continue
        if proposals.initiator[option] == actor:
            new[actor] = proposals.initiator_position[option]
        else:
            new[actor] = proposals.receiver_position[option]
    return new
