"""Deal or no deal: does a model's settlement win the consent of every veto player?

A bargaining model answers "where would a deal land?". Where an issue declares veto
players (actors whose consent an agreement needs) and a reversion point ``q`` (what
holds without agreement; by default the status quo), the settlement ``y`` becomes an
agreement only if every veto player ``v`` prefers it to ``q``:

    agreement  <=>  y != q  and  |y - x_v| <= |q - x_v|  for every veto player v

(Tsebelis 2002, *Veto Players: How Political Institutions Work*, ch. 1; the unanimity
winset of the veto players). ``x_v`` is the veto player's ideal point: its position in
the scenario (or in the Monte Carlo draw), not the position a dynamic model bargained
it to, since consent is judged against what the actor wants. Every model of this
package gives an actor a utility that falls with the distance between the outcome and
its ideal point on an issue (linear or quadratic loss in the Nash solution, the
expected utility model's ``1 - 2|x_i - x_j| / Δ``, the SMP's and the exchange model's
salience-weighted distance), so on one issue all of them rank ``y`` against ``q`` by
the same rule above. A settlement equal to the reversion point (within
:data:`TOLERANCE` of the scale) is no agreement: nothing changes.

Under Monte Carlo draws, ``P(agreement)`` is the share of draws in which the draw's
settlement is an agreement under the draw's ideal points, and what happens is the
mixture: the settlement in the draws with a deal, the reversion point in the others
(Tsebelis 2002; Thomson et al. 2006, *The European Union Decides*, on the reference
point as the outcome of failed negotiations).
"""

from __future__ import annotations

import numpy as np

#: Ties within this share of the scale's width count as equal distances (and a
#: settlement this close to the reversion point counts as the reversion point).
TOLERANCE = 1e-9


def accepts(settlement: np.ndarray, ideal: np.ndarray, reversion: float, width: float) -> np.ndarray:
    """Whether each veto player prefers the settlement to the reversion point.

    ``settlement (B,)``, ``ideal (B, V)`` the veto players' ideal points, ``width`` the
    scale's width: ``(B, V)`` booleans, ``|y - x_v| <= |q - x_v|`` within the tolerance.
    """
    settlement = np.asarray(settlement, dtype=float)[:, None]
    ideal = np.asarray(ideal, dtype=float)
    return np.abs(settlement - ideal) <= np.abs(reversion - ideal) + TOLERANCE * width


def agreement(settlement: np.ndarray, ideal: np.ndarray, reversion: float, width: float) -> np.ndarray:
    """``(B,)``: whether the settlement of each draw is an agreement (moves away from the
    reversion point and every veto player accepts it). With no veto players (``V = 0``)
    every settlement away from the reversion point is an agreement."""
    settlement = np.asarray(settlement, dtype=float)
    moved = np.abs(settlement - reversion) > TOLERANCE * width
    return moved & accepts(settlement, ideal, reversion, width).all(axis=1)


def outcome(settlement: np.ndarray, agreed: np.ndarray, reversion: float) -> np.ndarray:
    """``(B,)``: what happens in each draw, the settlement where agreed, else the reversion point."""
    return np.where(agreed, np.asarray(settlement, dtype=float), reversion)
