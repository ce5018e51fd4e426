"""Spatial utilities and risk attitudes of KTAB's Spatial Model of Politics.

Positions live on ``[0, 1]`` per dimension (KTAB divides the 0..100 inputs by
100). Actor ``i`` with salience vector ``s_i`` values a point ``x`` by its
salience-weighted distance from its ideal point ``y_i``

    d_i(x) = sqrt( sum_k (s_ik (y_ik - x_k))^2 / sum_k s_ik^2 )

and the risk-sensitive utility (``bsUtil`` in KTAB's ``smp.cpp``)

    u(d, R) = (1 - d) (1 + d R)        for d <= 1,
    u(d, R) = (1 - d) (1 + R)          beyond (round-off only),

where ``R`` in ``[-1, 1]`` is the actor's risk attitude: ``R = 0`` is risk
neutral (linear loss), ``R > 0`` risk averse (concave), ``R < 0`` risk
accepting.

Risk attitudes are inferred each turn from how much each actor's position would
win in a risk-neutral probabilistic Condorcet election (Wise, Lester & Efird
2015, "An Introduction to the KAPSARC Toolkit for Behavioral Analysis (KTAB)
Using One-Dimensional Spatial Models", KAPSARC discussion paper, following
Bueno de Mesquita's 1985 "The War Trap Revisited", APSR 79(1), idea that
actors whose positions are secure can afford to be cautious). With ``p`` the
election probabilities of the actors' positions (``BigRRange``):

* ``Min``: ``R_i = (p_i - p_min) / (p_max - p_min)``, in ``[0, 1]``;
* ``Mid``: ``R_i = (3 p_i - (p_max + 2 p_min)) / (2 (p_max - p_min))``, in ``[-1/2, 1]``;
* ``Max``: ``R_i = (2 p_i - (p_max + p_min)) / (p_max - p_min)``, in ``[-1, 1]``.

When every ``p_i`` is equal KTAB divides 0 by 0; here every actor is then
risk neutral.

Actor ``h`` only estimates actor ``i``'s risk attitude (``BigRAdjust``):
``r_hi = r_i`` (Full), ``(r_h + 2 r_i)/3`` (TwoThirds), ``(r_h + r_i)/2``
(Half), ``(2 r_h + r_i)/3`` (OneThird) or ``r_h`` (No).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

BigRRange = Literal["Min", "Mid", "Max"]
BigRAdjust = Literal["No", "OneThird", "Half", "TwoThirds", "Full"]

BIG_R_RANGES: tuple[str, ...] = ("Min", "Mid", "Max")
BIG_R_ADJUSTS: tuple[str, ...] = ("No", "OneThird", "Half", "TwoThirds", "Full")


def weighted_distance(ideal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Salience-weighted distance ``d[i, m]`` from actor ``i``'s ideal to point ``m``.

    ``ideal``: ``(N, D)``; ``position``: ``(M, D)``; ``salience``: ``(N, D)``
    with a positive sum of squares per actor. Returns ``(N, M)``; with leading draw
    axes ``(..., N, D)`` and ``(..., M, D)``, ``(..., N, M)``.
    """
    difference = (ideal[..., :, None, :] - position[..., None, :, :]) * salience[..., :, None, :]
    squared = (difference * difference).sum(axis=-1)
    salience_squared = (salience * salience).sum(axis=-1)
    return np.sqrt(squared / salience_squared[..., :, None])


def pointwise_distance(ideal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Salience-weighted distance between paired rows: ``(P, D)`` each -> ``(P,)``."""
    difference = (ideal - position) * salience
    return np.sqrt((difference * difference).sum(axis=-1) / (salience * salience).sum(axis=-1))


def utility(distance: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """KTAB's ``bsUtil``: ``(1 - d)(1 + min(d, 1) R)``, broadcasting ``d`` against ``R``."""
    distance = np.asarray(distance, dtype=float)
    return (1 - distance) * (1 + np.minimum(distance, 1.0) * risk)


def risk_attitudes(probability: np.ndarray, big_r_range: BigRRange) -> np.ndarray:
    """Risk attitude of each actor from its position's election probability (``bigRfromProb``)."""
    probability = np.asarray(probability, dtype=float)
    low = probability.min(axis=-1, keepdims=True)
    high = probability.max(axis=-1, keepdims=True)
    spread = high - low
    safe = np.where(spread > 0, spread, 1.0)
    if big_r_range == "Min":
        risk = (probability - low) / safe
    elif big_r_range == "Mid":
        risk = (3 * probability - (high + 2 * low)) / (2 * safe)
    elif big_r_range == "Max":
        risk = (2 * probability - (high + low)) / safe
    else:
        raise ValueError(f"unknown big-R range {big_r_range!r}")
    return np.where(spread > 0, risk, 0.0)


def estimated_risk(risk: np.ndarray, big_r_adjust: BigRAdjust) -> np.ndarray:
    """``r[h, i]``: actor ``h``'s estimate of actor ``i``'s risk attitude (``estNRA``); ``risk``
    ``(N,)`` or ``(..., N)``, one row per draw."""
    own = risk[..., :, None]
    other = risk[..., None, :]
    square = risk.shape + risk.shape[-1:]
    if big_r_adjust == "Full":
        return np.broadcast_to(other, square).copy()
    if big_r_adjust == "TwoThirds":
        return (own + (2.0 * other)) / 3.0
    if big_r_adjust == "Half":
        return (own + other) / 2
    if big_r_adjust == "OneThird":
        return ((2.0 * own) + other) / 3.0
    if big_r_adjust == "No":
        return np.broadcast_to(own, square).copy()
    raise ValueError(f"unknown big-R adjustment {big_r_adjust!r}")
