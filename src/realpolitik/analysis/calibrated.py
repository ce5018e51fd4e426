"""Calibrated forecasts: a fitted predictive distribution with conformalised interval levels.

:func:`fit_calibration` fits :mod:`realpolitik.analysis.predictive` on resolved issues
and sets the level of each reported interval (50, 80, 95%) by split conformal
prediction (:mod:`realpolitik.analysis.conformal`), the calibration scores coming from
fits that left out the issue's whole group (dossier). :func:`leave_one_group_out`
scores that whole procedure out of sample: for each group, everything (fit and
conformal levels) is redone on the other groups alone.

:func:`calibrated_forecast` turns a fitted calibration and one issue's candidates into
what a forecast shows: the median, the 50/80/95% intervals with the candidate values
inside them, and each candidate's probability. :func:`settlement_or_reversion` mixes a
settlement's distribution with the reversion point, for forecasts that carry a
probability of agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from realpolitik.analysis import predictive
from realpolitik.analysis.conformal import LEVELS, conformal_level, out_of_fold
from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.predictive import Candidates, PredictiveModel
from realpolitik.analysis.scores import level_of_pit_range


@dataclass
class Calibration:
    """A fitted predictive model and the level to use for each nominal level (percent -> 0..1)."""

    model: PredictiveModel
    levels: dict[int, float]

    def interval(self, distribution: MixedDistribution, nominal: int) -> tuple[float, float]:
        return distribution.central_interval(self.levels[nominal])

    def to_dict(self) -> dict[str, Any]:
        return {**self.model.to_dict(), "levels": {str(level): value for level, value in self.levels.items()}}

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Calibration:
        return cls(PredictiveModel.from_dict(document),
                   {int(level): float(value) for level, value in document["levels"].items()})


def fit_calibration(candidates: list[Candidates], outcome: np.ndarray, groups) -> Calibration:
    """Fit on every issue given; conformal levels from out-of-fold fits (folds of whole groups)."""
    outcome = np.asarray(outcome, dtype=float)

    def scores(training: np.ndarray, held_out: np.ndarray) -> np.ndarray:
        fitted = predictive.fit([c for c, keep in zip(candidates, training) if keep], outcome[training])
        return np.array([level_of_pit_range(*fitted.pit_range(candidates[i], outcome[i]))
                         for i in np.flatnonzero(held_out)])

    calibration_scores = out_of_fold(groups, scores)
    levels = {level: conformal_level(calibration_scores, level / 100) for level in LEVELS}
    return Calibration(predictive.fit(candidates, outcome), levels)


@dataclass
class OutOfSample:
    """Each issue's distribution and intervals from a calibration that never saw its group."""

    distributions: list[MixedDistribution]
    intervals: dict[int, np.ndarray]  # nominal level -> (I, 2)
    levels: dict[int, np.ndarray]  # nominal level -> (I,) the conformal level used

    @property
    def medians(self) -> np.ndarray:
        return np.array([distribution.median for distribution in self.distributions])


def leave_one_group_out(candidates: list[Candidates], outcome: np.ndarray, groups) -> OutOfSample:
    """For each group: :func:`fit_calibration` on the other groups, applied to it."""
    groups = np.asarray(groups)
    outcome = np.asarray(outcome, dtype=float)
    distributions: list[MixedDistribution | None] = [None] * len(candidates)
    intervals = {level: np.full((len(candidates), 2), np.nan) for level in LEVELS}
    levels = {level: np.full(len(candidates), np.nan) for level in LEVELS}
    for group in dict.fromkeys(groups.tolist()):
        held_out = groups == group
        training = np.flatnonzero(~held_out)
        calibration = fit_calibration([candidates[i] for i in training], outcome[training], groups[training])
        for i in np.flatnonzero(held_out):
            distributions[i] = calibration.model.distribution(candidates[i])
            for level in LEVELS:
                intervals[level][i] = calibration.interval(distributions[i], level)
                levels[level][i] = calibration.levels[level]
    return OutOfSample(distributions, intervals, levels)


@dataclass
class CalibratedForecast:
    """What a forecast shows of the calibrated distribution of one issue."""

    distribution: MixedDistribution
    median: float
    intervals: dict[int, tuple[float, float]]
    candidates: list[dict[str, Any]]
    fitted_on: str
    notes: list[str] = field(default_factory=list)
    anchor_probabilities: dict[str, float] = field(default_factory=dict)

    def values_inside(self, level: int) -> list[float]:
        """The candidate values inside the ``level``% interval: the interval as a set where it is discrete."""
        low, high = self.intervals[level]
        return sorted(c["value"] for c in self.candidates if low <= c["value"] <= high)

    def to_dict(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "intervals": {str(level): list(bounds) for level, bounds in self.intervals.items()},
            "candidates_inside": {str(level): self.values_inside(level) for level in self.intervals},
            "candidates": self.candidates,
            "between_candidates": float(self.distribution.cell_masses.sum()),
            "anchor_probabilities": self.anchor_probabilities,
            "fitted_on": self.fitted_on,
            "notes": self.notes,
        }


def describe(distribution: MixedDistribution, calibration: Calibration, candidates: Candidates | None,
             fitted_on: str, notes: list[str] | None = None) -> CalibratedForecast:
    """The median, intervals and candidate probabilities of ``distribution``; ``candidates`` name the
    actors at each atom (None: atoms without actors, e.g. a reversion point alone)."""
    held = {} if candidates is None else {float(value): (actors, kinds) for value, actors, kinds in
                                          zip(candidates.values, candidates.actors, candidates.kinds)}
    listed = []
    for value, mass in zip(distribution.atom_values.tolist(), distribution.atom_masses.tolist()):
        actors, kinds = held.get(value, ([], []))
        listed.append({"value": value, "probability": mass, "actors": list(actors), "also": list(kinds)})
    listed.sort(key=lambda item: -item["probability"])
    return CalibratedForecast(distribution, distribution.median,
                              {level: calibration.interval(distribution, level) for level in calibration.levels},
                              listed, fitted_on, list(notes or []))


def calibrated_forecast(calibration: Calibration, candidates: Candidates, fitted_on: str,
                        notes: list[str] | None = None) -> CalibratedForecast:
    """The calibrated forecast of one issue from its candidates."""
    return describe(calibration.model.distribution(candidates), calibration, candidates, fitted_on, notes)


def settlement_or_reversion(settlement: MixedDistribution, probability_of_agreement: float,
                            reversion: float) -> MixedDistribution:
    """What happens when a settlement needs agreement: ``P(agree) · F_settlement + (1 - P(agree)) · δ(q)``
    with ``q`` the reversion point (models.md, "Deal or no deal").

    ``settlement`` is the calibrated distribution of the negotiated outcome
    (``Calibration.model.distribution(candidates)``); pass the result to :func:`describe` with the
    same calibration to get the median, intervals and candidate probabilities of the mixture.
    """
    if not 0.0 <= probability_of_agreement <= 1.0:
        raise ValueError(f"P(agreement) {probability_of_agreement} is outside 0..1")
    return settlement.mixed_with(MixedDistribution.point(reversion), 1.0 - probability_of_agreement)
