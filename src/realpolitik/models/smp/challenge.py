"""Who challenges whom: KTAB's expected gain of a challenge (``probEduChlg``).

Actor ``h`` estimates, with its own risk-aware utility matrix ``U^h`` (``U^h[a,
b]`` = utility to ``a`` of ``b``'s position as ``h`` sees it), the chance that
initiator ``i`` prevails over receiver ``j`` and what that is worth to an
affected actor ``k``.

Contest strengths. The principals contribute ``v_i = vote(w_i, U[i,i],
U[i,j])`` and ``v_j = vote(w_j, U[j,i], U[j,j])`` with ``w = capability x
total salience``; ``C_ij`` and ``C_ji`` start at 1e-10 and collect the positive
and negative parts. Each third party ``n`` then imagines the little contest of
``i`` against ``j`` where it joins the side it prefers
(``p_in = (C_ij + [v_n]^+) / (C_ij + [v_n]^+ + C_ji + [v_n]^-)``, with
``v_n = vote(w_n, U[n,i], U[n,j])``) and votes between "``i`` wins with my
help" and "``j`` wins with my help", valued by the sum of the three positions
that result (``ThirdPartyCommit``):

===========  ====================  ====================  ==================  ==================
commitment   n helps i, i wins     n helps i, j wins     n helps j, i wins   n helps j, j wins
===========  ====================  ====================  ==================  ==================
SemiCommit   2 U[n,i] + U[n,n]     3 U[n,j]              3 U[n,i]            2 U[n,j] + U[n,n]
FullCommit   3 U[n,i]              3 U[n,j]              3 U[n,i]            3 U[n,j]
NoCommit     2 U[n,i] + U[n,n]     2 U[n,j] + U[n,n]     2 U[n,i] + U[n,n]   2 U[n,j] + U[n,n]
===========  ====================  ====================  ==================  ==================

``v'_n = vote(w_n, p_in A + p_jn B, p_in C + p_jn D)`` (columns A..D above) is
added to ``C_ij`` or ``C_ji``. (With FullCommit and NoCommit both sides have
equal value, so third parties abstain; that is KTAB's arithmetic.)

Outcome. ``P = C_ij / (C_ij + C_ji)``. If ``i`` wins, ``j`` adopts ``i``'s
position; if ``j`` wins, ``i`` adopts ``j``'s. Receiver ``j`` resists with
probability equal to its total salience ``s_j``, so

    E[U_k | challenge] = (1 - s_j) 2 U[k,i] + s_j (P 2 U[k,i] + (1 - P) 2 U[k,j])
    gain_k = E[U_k | challenge] - (U[k,i] + U[k,j]).

Each actor targets the receiver worth the most to itself (``h = k = i``),
provided the gain exceeds 1e-5 (``bestChallenge``). Source: KAPSARC KTAB,
``examples/smp/libsrc/smpbcn.cpp``; the expected-utility reasoning follows
Bueno de Mesquita (1994), "Political forecasting: an expected utility method",
in Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .voting import VotingRule, vote

ThirdPartyCommit = Literal["NoCommit", "SemiCommit", "FullCommit"]
THIRD_PARTY_COMMITS: tuple[str, ...] = ("NoCommit", "SemiCommit", "FullCommit")

#: Smallest expected gain that makes a challenge worth proposing.
MIN_SIGNIFICANT_GAIN = 1e-5
_MIN_CONTEST = 1e-10
_CHUNK_ELEMENTS = 262_144


def _principal_strengths(rule: VotingRule, weight_i, weight_j, uii, uij, uji, ujj):
    contribution_i = vote(rule, weight_i, uii, uij)
    contribution_j = vote(rule, weight_j, uji, ujj)
    strength_ij = _MIN_CONTEST + np.where(contribution_i > 0, contribution_i, 0.0)
    strength_ji = _MIN_CONTEST + np.where(contribution_i < 0, -contribution_i, 0.0)
    strength_ij = strength_ij + np.where(contribution_j > 0, contribution_j, 0.0)
    strength_ji = strength_ji + np.where(contribution_j < 0, -contribution_j, 0.0)
    return strength_ij, strength_ji


def _third_party_votes(rule, commitment, weight_n, strength_ij, strength_ji, uni, unj, unn):
    """Vote ``v'_n`` of each third party; strengths broadcast against ``uni``.

    Returns None when the commitment model makes every such vote exactly zero
    (FullCommit, NoCommit: both sides are the same expression). The arithmetic
    is done in place, in KTAB's order of operations.
    """
    if commitment in ("FullCommit", "NoCommit"):
        return None
    if commitment != "SemiCommit":
        raise ValueError(f"unknown third-party commitment {commitment!r}")
    shape = np.broadcast_shapes(np.shape(uni), np.shape(unj), np.shape(strength_ij))
    first = vote(rule, weight_n, uni, unj)
    side_i = np.maximum(first, 0.0)
    side_i += strength_ij
    side_j = np.negative(first, out=first)
    np.maximum(side_j, 0.0, out=side_j)
    side_j += strength_ji
    total = np.add(side_i, side_j, out=side_j)
    probability_i = np.divide(side_i, total, out=side_i)  # p_in
    probability_j = np.subtract(1.0, probability_i, out=total)  # p_jn
    helps_i_wins = uni + uni + unn  # n helped i, i won
    helps_j_wins = uni + uni + uni  # n helped j, i won
    triple_j = unj + unj  # then + unj (n helped i, j won) or + unn (n helped j, j won)
    helping_i = np.multiply(probability_i, helps_i_wins)
    helping_j = np.multiply(probability_i, helps_j_wins)
    loses = np.add(triple_j, unj, out=np.empty(shape))
    loses *= probability_j
    helping_i += loses
    np.add(triple_j, unn, out=loses)
    loses *= probability_j
    helping_j += loses
    return vote(rule, weight_n, helping_i, helping_j)


def _outcome(strength_ij, strength_ji, salience_j, uki, ukj):
    probability = strength_ij / (strength_ij + strength_ji)
    probability_j = strength_ji / (strength_ij + strength_ji)
    victory = uki + uki
    defeat = ukj + ukj
    contest = probability * victory + probability_j * defeat
    challenge = (1 - salience_j) * victory + salience_j * contest
    return probability, challenge - (uki + ukj)


def initiator_estimates(
    utilities: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    rule: VotingRule,
    commitment: ThirdPartyCommit,
) -> tuple[np.ndarray, np.ndarray]:
    """For every pair, ``i``'s own estimate of ``P[i beats j]`` and of its gain.

    ``utilities``: ``(N, N, N)``, ``U^h[a, b]`` indexed ``[h, a, b]``;
    ``weight``: ``(N,)`` capability x total salience; ``salience_total``:
    ``(N,)``. Returns two ``(N, N)`` arrays indexed ``[i, j]`` (the diagonal
    is meaningless). Cost O(N^3), evaluated in blocks of initiators.
    """
    actors = weight.size
    index = np.arange(actors)
    own_row = utilities[index, index, :]  # U^i[i, b]          (i, b)
    own_column = utilities[index, :, index]  # U^i[a, i]       (i, a)
    self_value = utilities[:, index, index]  # U^i[a, a]       (i, a)
    probability = np.zeros((actors, actors))
    gain = np.zeros((actors, actors))
    block = max(1, _CHUNK_ELEMENTS // max(1, actors * actors))
    for start in range(0, actors, block):
        rows = slice(start, min(actors, start + block))
        initiators = index[rows]
        uii = own_row[initiators, initiators][:, None]  # U^i[i, i]  (b, 1)
        uij = own_row[rows, :]  # (b, N_j)
        uji = own_column[rows, :]  # U^i[j, i]  (b, N_j)
        ujj = self_value[rows, :]  # U^i[j, j]  (b, N_j)
        strength_ij, strength_ji = _principal_strengths(
            rule, weight[initiators][:, None], weight[None, :], uii, uij, uji, ujj
        )
        uni = own_column[rows][:, None, :]  # U^i[n, i]  (b, 1, N_n)
        unj = np.swapaxes(utilities[rows], -1, -2)  # U^i[n, j] -> (b, N_j, N_n)
        unn = self_value[rows][:, None, :]  # U^i[n, n]  (b, 1, N_n)
        third = _third_party_votes(
            rule, commitment, weight[None, None, :], strength_ij[..., None], strength_ji[..., None], uni, unj, unn
        )
        if third is not None:
            third[np.arange(initiators.size), :, initiators] = 0.0  # n = i is no third party
            third[:, index, index] = 0.0  # nor is n = j
            strength_ij = strength_ij + np.maximum(third, 0.0).sum(axis=-1)
            strength_ji = strength_ji + np.maximum(np.negative(third, out=third), 0.0).sum(axis=-1)
        probability[rows], gain[rows] = _outcome(strength_ij, strength_ji, salience_total[None, :], uii, uij)
    return probability, gain


def pair_estimates(
    utilities: np.ndarray,
    estimator: np.ndarray,
    affected: np.ndarray,
    initiator: np.ndarray,
    receiver: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    rule: VotingRule,
    commitment: ThirdPartyCommit,
) -> tuple[np.ndarray, np.ndarray]:
    """``h``'s estimate of ``P[i beats j]`` and of ``k``'s gain, for listed quadruples ``(h, k, i, j)``.

    All index arrays are ``(P,)``; returns two ``(P,)`` arrays.
    """
    h, k, i, j = (np.asarray(a, dtype=int) for a in (estimator, affected, initiator, receiver))
    index = np.arange(weight.size)
    uii, uij = utilities[h, i, i], utilities[h, i, j]
    uji, ujj = utilities[h, j, i], utilities[h, j, j]
    strength_ij, strength_ji = _principal_strengths(rule, weight[i], weight[j], uii, uij, uji, ujj)
    uni = utilities[h[:, None], index[None, :], i[:, None]]
    unj = utilities[h[:, None], index[None, :], j[:, None]]
    unn = utilities[h[:, None], index[None, :], index[None, :]]
    third = _third_party_votes(
        rule, commitment, weight[None, :], strength_ij[:, None], strength_ji[:, None], uni, unj, unn
    )
    if third is not None:
        third[np.arange(i.size), i] = 0.0  # principals are no third parties
        third[np.arange(j.size), j] = 0.0
        strength_ij = strength_ij + np.maximum(third, 0.0).sum(axis=-1)
        strength_ji = strength_ji + np.maximum(-third, 0.0).sum(axis=-1)
    return _outcome(strength_ij, strength_ji, salience_total[j], utilities[h, k, i], utilities[h, k, j])


def best_targets(gain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each initiator's most valuable target (first on ties), or -1 below the 1e-5 threshold.

    Returns ``(target, gain_of_target)``, both ``(N,)``.
    """
    masked = gain.copy()
    np.fill_diagonal(masked, -np.inf)
    target = np.argmax(masked, axis=1)
    best = masked[np.arange(gain.shape[0]), target]
    worth = best > MIN_SIGNIFICANT_GAIN
    return np.where(worth, target, -1), np.where(worth, best, 0.0)
