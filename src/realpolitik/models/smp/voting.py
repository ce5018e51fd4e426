"""Voting, victory probabilities and probabilistic Condorcet elections (KTAB).

These are the collective-choice building blocks of KAPSARC's Toolkit for
Behavioral Analysis (KTAB; ``KBase::Model`` in ``kmodel.cpp``), shared by its
Spatial Model of Politics. Every function is vectorised and accepts a leading
batch axis.

Vote of actor ``k`` with weight ``w`` for option ``a`` over ``b``, with
``du = u_k(a) - u_k(b)``:

=============  ==========================================================
Binary         ``w * clip(du / 1e-8, -1, 1)``
PropBin        ``w * (0.8 du + 0.2 clip(du / 1e-8, -1, 1))``
Proportional   ``w * du``
PropCbc        ``w * (0.5 du + 0.5 du**3)``
Cubic          ``w * du**3``
ASymProsp      ``w * du`` for losses, ``2/3 w du`` for gains (prospect theory)
=============  ==========================================================

Coalition strength of option ``i`` against ``j``:
``S[i:j] = 1e-8 + sum_k [v_k(i, j)]^+``. KTAB computes the votes once per
unordered pair, for ``i > j``, and gives the opposite side ``[-v_k(i, j)]^+``;
for the asymmetric ``ASymProsp`` rule this favours the lower-numbered option,
and is kept as KTAB does it.

Victory probability ``P[i > j] = x_ij / (x_ij + x_ji)`` with ``x = S**nu``,
``nu`` = 1 (Linear), 2 (Square), 4 (Quartic) or 8 (Octic); ``Binary`` gives
certainty beyond a 10% advantage and interpolates linearly inside it.
``P[i > i] = 1/2``.

Probabilistic Condorcet election (PCE): the probability that each option is
the collective choice,

* ``Conditional``: ``p_i`` proportional to ``prod_j P[i > j]`` (the chance
  that ``i`` beats every alternative, conditional on one option doing so);
* ``MarkovUniform``: the stationary distribution of a Markov chain where any
  option challenges the current favourite with equal probability;
* ``MarkovIncentive``: the same chain, but option ``a`` challenges ``b`` with
  probability proportional to ``S[a:b] * P[a > b]`` (Wise, "Markov Voting with
  Incentives in KTAB", KAPSARC working draft; the chain generalises the
  median-voter setting of Black, 1948, "On the rationale of group
  decision-making", J. Political Economy 56(1)).

Both Markov chains are iterated from the uniform distribution with KTAB's
damped update ``p <- (p + q) / 2`` until no probability moves by more than the
tolerance (1e-8 with incentives, 1e-6 uniform), so results match KTAB's to
rounding.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

VotingRule = Literal["Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"]
VictoryProbabilityModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PCEModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]

VOTING_RULES: tuple[str, ...] = ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp")
VICTORY_PROBABILITY_MODELS: tuple[str, ...] = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS: tuple[str, ...] = ("Conditional", "MarkovIncentive", "MarkovUniform")

#: Smallest coalition strength (avoids 0/0 when nobody prefers either option).
MIN_COALITION = 1e-8
_BINARY_STEP = 1e-8
_BINARY_SHARE = 0.2  # PropBin: weight of the binary response
_CUBIC_SHARE = 0.5  # PropCbc: weight of the cubic response
_BINARY_THRESHOLD = 1.10  # Binary victory law: 10% advantage is decisive
_BINARY_FLOOR = 1e-6
_INCENTIVE_EPSILON = 1e-10
_MAX_MARKOV_ITERATIONS = 100_000


def vote(rule: VotingRule, weight, utility_for, utility_against) -> np.ndarray:
    """Vote of an actor of ``weight`` for the first option over the second (see module doc)."""
    du = np.subtract(utility_for, utility_against)
    weight = np.asarray(weight, dtype=float)
    if rule == "Proportional":
        return weight * du
    if rule == "Binary":
        return weight * np.clip(du / _BINARY_STEP, -1.0, 1.0)
    if rule == "PropBin":
        binary = np.clip(du / _BINARY_STEP, -1.0, 1.0)
        return weight * ((1 - _BINARY_SHARE) * du + _BINARY_SHARE * binary)
    if rule == "PropCbc":
        return weight * ((1 - _CUBIC_SHARE) * du + _CUBIC_SHARE * (du * du * du))
    if rule == "Cubic":
        return weight * (du * du * du)
    if rule == "ASymProsp":
        return np.where(du < 0.0, weight * du, np.where(du > 0.0, (2.0 * weight * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def coalition_strengths(rule: VotingRule, weight: np.ndarray, utility: np.ndarray) -> np.ndarray:
    """Strength ``S[i:j]`` of the coalition for option ``i`` against ``j``.

    ``weight``: ``(N,)`` voting weights, or ``(..., N)`` one row per problem; ``utility``:
    ``(..., N, M)``, the utility to voter ``k`` of option ``m``. Returns ``(..., M, M)``.
    """
    utility = np.asarray(utility, dtype=float)
    weight = np.asarray(weight, dtype=float)
    votes = vote(rule, weight[..., :, None, None], utility[..., :, :, None], utility[..., :, None, :])  # (..., N, M, M)
    support = np.where(votes > 0, votes, 0.0).sum(axis=-3)
    opposition = np.where(votes < 0, -votes, 0.0).sum(axis=-3)
    options = utility.shape[-1]
    lower = np.tri(options, options, -1, dtype=bool)  # i > j
    return MIN_COALITION + np.where(lower, support, 0.0) + np.where(lower.T, np.swapaxes(opposition, -1, -2), 0.0)


def _powered(strength: np.ndarray, model: VictoryProbabilityModel) -> np.ndarray:
    if model == "Linear":
        return strength
    if model == "Square":
        return strength * strength
    if model == "Quartic":
        square = strength * strength
        return square * square
    if model == "Octic":
        square = strength * strength
        quartic = square * square
        return quartic * quartic
    raise ValueError(f"unknown victory-probability model {model!r}")


def victory_probabilities(model: VictoryProbabilityModel, strengths: np.ndarray) -> np.ndarray:
    """``P[i > j]`` from coalition strengths ``(..., M, M)``; ``P[i > i] = 1/2``."""
    strengths = np.asarray(strengths, dtype=float)
    # KTAB evaluates each unordered pair once, as (s1, s2) = (S[i:j], S[j:i]) with i > j.
    s1 = strengths
    s2 = np.swapaxes(strengths, -1, -2)
    if model == "Binary":
        ratio = s1 / (s1 + s2)
        inside = (ratio * (_BINARY_THRESHOLD + 1.0) - 1.0) / (_BINARY_THRESHOLD - 1.0)
        first_wins = s1 >= _BINARY_THRESHOLD * s2
        second_wins = ~first_wins & (s2 >= _BINARY_THRESHOLD * s1)
        x1 = np.where(first_wins, 1.0, np.where(second_wins, _BINARY_FLOOR, inside))
        x2 = np.where(first_wins, _BINARY_FLOOR, np.where(second_wins, 1.0, 1 - inside))
    else:
        x1 = _powered(s1, model)
        x2 = _powered(s2, model)
    first = x1 / (x1 + x2)
    second = x2 / (x1 + x2)
    options = strengths.shape[-1]
    lower = np.tri(options, options, -1, dtype=bool)
    probability = np.where(lower, first, np.swapaxes(second, -1, -2))
    diagonal = np.eye(options, dtype=bool)
    return np.where(diagonal, 0.5, probability)


def _conditional(victory: np.ndarray) -> np.ndarray:
    log_probability = np.log(victory).sum(axis=-1)
    log_probability = log_probability - log_probability.max(axis=-1, keepdims=True)
    probability = np.exp(log_probability)
    return probability / probability.sum(axis=-1, keepdims=True)


def _markov(victory: np.ndarray, challenge: np.ndarray | None, tolerance: float) -> np.ndarray:
    """Stationary distribution, iterated as KTAB does (damped, per-problem stop)."""
    batch_shape = victory.shape[:-2]
    options = victory.shape[-1]
    victory = victory.reshape((-1, options, options))
    if challenge is not None:
        challenge_transposed = np.swapaxes(challenge.reshape((-1, options, options)), -1, -2)
    probability = np.full(victory.shape[:2], 1.0 / options)
    active = np.ones(victory.shape[0], dtype=bool)
    for _ in range(_MAX_MARKOV_ITERATIONS):
        if not active.any():
            break
        p = probability[active]
        v = victory[active]
        if challenge is None:
            update = (v * (p[:, :, None] + p[:, None, :])).sum(axis=-1) / options
        else:
            contest = p[:, :, None] * challenge_transposed[active]  # C(a, b) = p(a) * P[b -> a]
            update = (v * (contest + np.swapaxes(contest, -1, -2))).sum(axis=-1)
        change = np.abs(update - p).max(axis=-1)
        probability[active] = (p + update) / 2.0
        still = np.flatnonzero(active)[change > tolerance]
        active[:] = False
        active[still] = True
    return probability.reshape(batch_shape + (options,))


def condorcet_probabilities(pce: PCEModel, model: VictoryProbabilityModel, strengths: np.ndarray) -> np.ndarray:
    """Probability ``(..., M)`` that each option is the collective choice (see module doc)."""
    strengths = np.asarray(strengths, dtype=float)
    victory = victory_probabilities(model, strengths)
    if pce == "Conditional":
        return _conditional(victory)
    if pce == "MarkovUniform":
        return _markov(victory, None, 1e-6)
    if pce == "MarkovIncentive":
        options = strengths.shape[-1]
        incentive = strengths * victory + _INCENTIVE_EPSILON * np.eye(options)
        challenge = incentive / incentive.sum(axis=-2, keepdims=True)  # P[a -> b | b]
        return _markov(victory, challenge, 1e-8)
    raise ValueError(f"unknown PCE model {pce!r}")


def scalar_pce(
    rule: VotingRule,
    model: VictoryProbabilityModel,
    pce: PCEModel,
    weight: np.ndarray,
    utility: np.ndarray,
) -> np.ndarray:
    """KTAB's ``scalarPCE``: votes -> coalitions -> probabilistic Condorcet election.

    ``weight``: ``(N,)``; ``utility``: ``(..., N, M)``. Returns ``(..., M)``.
    """
    return condorcet_probabilities(pce, model, coalition_strengths(rule, weight, utility))
