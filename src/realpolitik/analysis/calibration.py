"""How often observed outcomes fall inside the Monte Carlo intervals: interval calibration.

Each model is run by :func:`realpolitik.analysis.montecarlo.simulate` on the whole
dataset at once, as one scenario whose issues are the dataset's issues and whose
actors carry the capability of the backtest's rule, under the default noise model
(:class:`realpolitik.scenario.Uncertainty`: positions with a standard deviation of
5% of the scale, saliences of 10 points, capabilities of 10%). For each nominal
level p of 50, 80 and 95% the coverage is the share of issues whose outcome lies in
the central p% interval of the draws, bounds included. Well-calibrated intervals
cover about p% of outcomes; these intervals express uncertainty about the inputs
only, not about how the bargaining goes, so they are expected to cover less.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from realpolitik.analysis.montecarlo import INTERVALS, simulate
from realpolitik.io.deu3 import ACTORS, Deu3Dataset
from realpolitik.scenario import Scenario, Uncertainty, load_scenario_dict


@dataclass(frozen=True)
class Coverage:
    """The share of outcomes inside each central interval of one model's Monte Carlo forecasts."""

    model: str
    inside: dict[int, float]
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, **{f"inside_{level}": share for level, share in self.inside.items()},
                "n": self.n}


def dataset_scenario(dataset: Deu3Dataset, capabilities: dict[str, float], saliences: list[np.ndarray]) -> Scenario:
    """The dataset as one scenario: an issue per dataset issue (reference point as status quo),
    an actor per actor code with ``capabilities[actor]``, ``saliences[i]`` (0..1) for issue i."""
    stances: dict[str, dict[str, dict[str, float]]] = {actor: {} for actor in ACTORS}
    for issue, salience in zip(dataset.issues, saliences):
        for actor, position, weight in zip(issue.arrays.actors, issue.arrays.position, salience):
            stances[actor][issue.name] = {"position": float(position), "salience": 100.0 * float(weight)}
    return load_scenario_dict({
        "name": "deu3",
        "kind": "EU legislation",
        "issues": [{"name": issue.name, "status_quo": issue.arrays.issue.status_quo} for issue in dataset.issues],
        "actors": [{"name": actor, "capability": capabilities[actor], "stances": stances[actor]}
                   for actor in ACTORS if stances[actor]],
    })


def interval_coverage(scenario: Scenario, outcome: np.ndarray, model: str, options: Any, draws: int, seed: int,
                      client: Any = None) -> Coverage:
    """Monte Carlo forecasts of every issue of ``scenario`` and the share of ``outcome (I,)`` inside
    their central 50/80/95% intervals."""
    simulation = simulate(scenario, model, options, draws=draws, seed=seed, noise=Uncertainty(), client=client)
    inside = {}
    for level in INTERVALS:
        bounds = np.array([issue.interval(level) for issue in simulation.issues])
        inside[level] = float(np.mean((bounds[:, 0] <= outcome) & (outcome <= bounds[:, 1])))
    return Coverage(model, inside, len(outcome))
