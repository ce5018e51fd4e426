"""The veto-player model on one issue: the winset of the reversion point and the point of it chosen.

A veto player ``v`` with ideal point ``x_v`` accepts an outcome ``y`` against the
reversion point ``q`` when ``y`` is no farther from its ideal than ``q`` is:
``|y - x_v| <= |q - x_v|``, the interval ``[x_v - |q - x_v|, x_v + |q - x_v|]``. The
unanimity winset ``W(q)`` is the intersection of these intervals over the veto
players; it always holds ``q``. In one dimension it is an interval: with every veto
player on the same side of ``q`` it runs from ``q`` to ``2 x_n - q``, the reflection
of ``q`` through the ideal ``x_n`` nearest to ``q``; with veto players on both sides
of ``q`` (or one at ``q``) it is ``{q}``, policy stability.

A voting body that decides by qualified majority has no single veto player, but in
one dimension its winset is bounded by two pivotal members: with members sorted by
position, the *right pivot* is the position at which the members at or right of it
first form a qualified majority, the *left pivot* likewise from the left. A point
``y > q`` beats ``q`` exactly when the members with ``x_i >= (q + y) / 2`` form a
qualified majority, i.e. when ``y <= 2 p_right - q``; symmetrically on the left. The
body's winset is therefore the unanimity winset of the two pivots, and a body of
quota above one half acts as two veto players (Tsebelis 2002, ch. 2; Crombez 1996,
for the Council of the EU).

The outcome is the point of ``W(q)`` closest to a target: the agenda setter's ideal
when one is declared (the setter proposes what it likes best among what the veto
players accept: Romer & Rosenthal 1978, Tsebelis 2002), otherwise the capability x
salience weighted mean of every participant. In one dimension this is the target
clipped to the interval ``W(q)``; ``q`` itself when ``W(q) = {q}``.

Sources: Tsebelis, G. (2002). *Veto Players: How Political Institutions Work*.
Princeton University Press. Romer, T. & Rosenthal, H. (1978). "Political resource
allocation, controlled agendas, and the status quo". *Public Choice* 33(4).
Crombez, C. (1996). *European Journal of Political Research* 29.

Shapes: ``B`` draws, ``N`` participants, ``V`` veto players, ``C`` voting criteria.
"""

from __future__ import annotations

import numpy as np


def unanimity_winset(ideal: np.ndarray, reversion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The unanimity winset ``[low, high]`` of the veto players against the reversion point.

    ``ideal (B, V)`` the veto players' ideal points, ``reversion (B,)``. Returns ``low,
    high (B,)``, the bounds of ``∩_v [x_v - |q - x_v|, x_v + |q - x_v|]``; both equal
    ``q`` when the winset is ``{q}``. Without veto players (``V = 0``) the winset is the
    whole line (``-inf, +inf``).
    """
    ideal = np.atleast_2d(np.asarray(ideal, dtype=float))
    reversion = np.broadcast_to(np.asarray(reversion, dtype=float), ideal.shape[:1])
    reach = np.abs(reversion[:, None] - ideal)
    low = np.max(ideal - reach, axis=1, initial=-np.inf)
    high = np.min(ideal + reach, axis=1, initial=np.inf)
    # Every interval holds q, so the intersection does too; keep q exact against rounding.
    return np.minimum(low, reversion), np.maximum(high, reversion)


def majority_pivots(position: np.ndarray, weight: np.ndarray, quota: np.ndarray,
                    deemed_when_fewer_opponents_than: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The left and right pivots of a body deciding by qualified majority.

    ``position (B, N)`` the members' ideal points; ``weight (N, C)`` each member's
    weight under each of C criteria (votes, a count of members, population); ``quota
    (C,)`` the share of each criterion's total a coalition needs (all criteria must
    hold). A coalition short of a quota still passes when fewer than
    ``deemed_when_fewer_opponents_than`` members stand outside it (the Treaty of
    Lisbon's rule that a blocking minority needs at least four members; 0: no such
    rule). Coalitions are connected: the members at or right of a position (right
    pivot), or at or left of it (left pivot). Returns ``left, right (B,)``; for a
    quota above one half ``right <= left``. Quotas lie in ``(0, 1]``, so the whole body
    always qualifies.
    """
    position = np.atleast_2d(np.asarray(position, dtype=float))
    weight = np.asarray(weight, dtype=float).reshape(position.shape[1], -1)
    quota = np.asarray(quota, dtype=float).reshape(-1)
    if np.any((quota <= 0) | (quota > 1)):
        raise ValueError(f"quotas must lie in (0, 1], got {quota.tolist()}")
    members = position.shape[1]
    needed = quota * weight.sum(axis=0)
    tolerance = 1e-12 * np.maximum(np.abs(needed), 1.0)

    def first_qualified(descending: bool) -> np.ndarray:
        order = np.argsort(-position if descending else position, axis=1, kind="stable")
        ordered = np.take_along_axis(position, order, axis=1)
        cumulative = np.cumsum(weight[order], axis=1)  # (B, N, C): the first k+1 members' weights
        qualified = np.all(cumulative >= needed - tolerance, axis=2)
        opponents = members - np.arange(1, members + 1)
        qualified |= opponents < deemed_when_fewer_opponents_than
        index = np.argmax(qualified, axis=1)[:, None]
        return np.take_along_axis(ordered, index, axis=1)[:, 0]

    return first_qualified(descending=False), first_qualified(descending=True)


def veto_outcome(low: np.ndarray, high: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The point of the winset ``[low, high] (B,)`` closest to ``target (B,)``: ``clip(target, low, high)``."""
    return np.clip(np.asarray(target, dtype=float), low, high)
