"""Who challenges whom: the expected utilities behind the expected utility model's offers.

From actor i's perspective, for every other actor j on one issue: ``EU_i(i→j)``,
what i expects from challenging j, and ``EU_i(j→i)``, what i expects j to gain
from challenging i (steps 4 and 6 of :mod:`realpolitik.models.eum`). Plotted as
points ``(EU_i(i→j), EU_i(j→i))`` they fall in the quadrants of Bueno de Mesquita's
chart: both positive, conflict; i gains and j loses, i prevails (j compromises or
gives in); j gains and i loses, i gives way; both negative, the status quo holds.

The utilities are those of the round that starts from ``positions`` (the initial
positions by default), with the risk exponents of that round and the scale
``Δ`` of the initial positions, exactly as :func:`realpolitik.models.eum.eum_round`
computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from realpolitik.forecast import ForecastRequestError
from realpolitik.models.eum import EUMOptions, challenge_grids, risk_exponents
from realpolitik.models.weighted import weighted_median
from realpolitik.scenario import Scenario


@dataclass(frozen=True)
class ChallengePerspective:
    """One actor's view of every other actor on one issue."""

    issue: str
    actor: str
    others: list[str]
    attack: list[float]
    defence: list[float]

    def to_dict(self) -> dict[str, Any]:
        """``{issue, actor, points: [{actor, attack, defence}]}``: attack = EU_i(i→j), defence = EU_i(j→i)."""
        return {"issue": self.issue, "actor": self.actor,
                "points": [{"actor": other, "attack": attack, "defence": defence}
                           for other, attack, defence in zip(self.others, self.attack, self.defence)]}


def challenge_perspective(scenario: Scenario, issue: str, actor: str, options: EUMOptions,
                          positions: dict[str, float] | None = None) -> ChallengePerspective:
    """``actor``'s expected utilities of challenging, and of being challenged by, each other actor on ``issue``.

    ``positions`` (actor -> position, e.g. a round of a forecast) replaces the
    scenario's positions; actors it leaves out keep theirs.
    """
    try:
        arrays = scenario.issue_arrays(issue)
    except KeyError:
        raise ForecastRequestError(f"scenario '{scenario.name}' has no issue '{issue}'") from None
    if actor not in arrays.actors:
        raise ForecastRequestError(f"actor '{actor}' takes no part in issue '{issue}'")
    initial = arrays.position[None]
    current = np.array([[(positions or {}).get(name, start) for name, start in zip(arrays.actors, arrays.position)]])
    salience, weight = arrays.salience[None], (arrays.capability * arrays.salience)[None]
    spread = initial.max(axis=1) - initial.min(axis=1)
    delta = np.where(spread > 0, spread, 1.0)
    median = weighted_median(current, weight)
    exponent = risk_exponents(current, salience, weight, delta, median, options)
    attack, defence = challenge_grids(current, salience, weight, exponent, delta, median, options)
    index = arrays.actors.index(actor)
    others = [i for i in range(len(arrays.actors)) if i != index]
    return ChallengePerspective(issue, actor, [arrays.actors[i] for i in others],
                                attack[0, index, others].tolist(), defence[0, index, others].tolist())
