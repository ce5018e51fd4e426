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
probability of agreement, and :func:`agreement_intervals` gives that mixture intervals
that keep their level.
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
    """A fitted predictive model, the level to use for each nominal level (percent -> 0..1), and the
    conformity scores they were taken from (``scores (n,)``, sorted: each calibration issue's central
    level, from a fit that left out its group), which give the level for any other nominal level."""

    model: PredictiveModel
    levels: dict[int, float]
    scores: np.ndarray

    def interval(self, distribution: MixedDistribution, nominal: int) -> tuple[float, float]:
        return distribution.central_interval(self.levels[nominal])

    def level_for(self, nominal: float) -> float:
        """The conformal level for a nominal level in 0..1 (:func:`~realpolitik.analysis.conformal.conformal_level`)."""
        return conformal_level(self.scores, nominal)

    def to_dict(self) -> dict[str, Any]:
        return {**self.model.to_dict(), "levels": {str(level): value for level, value in self.levels.items()},
                "conformity_scores": self.scores.tolist()}

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Calibration:
        scores = np.sort(np.asarray(document["conformity_scores"], dtype=float))
        if scores.ndim != 1 or not scores.size or not np.all((scores >= 0) & (scores <= 1)):
            raise ValueError("'conformity_scores' must be a non-empty list of levels in 0..1")
        return cls(PredictiveModel.from_dict(document),
                   {int(level): float(value) for level, value in document["levels"].items()}, scores)


def fit_calibration(candidates: list[Candidates], outcome: np.ndarray, groups) -> Calibration:
    """Fit on every issue given; conformal levels from out-of-fold fits (folds of whole groups)."""
    outcome = np.asarray(outcome, dtype=float)

    def scores(training: np.ndarray, held_out: np.ndarray) -> np.ndarray:
        fitted = predictive.fit([c for c, keep in zip(candidates, training) if keep], outcome[training])
        return np.array([level_of_pit_range(*fitted.pit_range(candidates[i], outcome[i]))
                         for i in np.flatnonzero(held_out)])

    calibration_scores = np.sort(out_of_fold(groups, scores))
    levels = {level: conformal_level(calibration_scores, level / 100) for level in LEVELS}
    return Calibration(predictive.fit(candidates, outcome), levels, calibration_scores)


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
             fitted_on: str, notes: list[str] | None = None,
             intervals: dict[int, tuple[float, float]] | None = None) -> CalibratedForecast:
    """The median, intervals and candidate probabilities of ``distribution``; ``candidates`` name the
    actors at each atom (None: atoms without actors, e.g. a reversion point alone); ``intervals``
    (None: the central intervals at the calibration's levels) those of a mixture
    (:func:`agreement_intervals`)."""
    held = {} if candidates is None else {float(value): (actors, kinds) for value, actors, kinds in
                                          zip(candidates.values, candidates.actors, candidates.kinds)}
    listed = []
    for value, mass in zip(distribution.atom_values.tolist(), distribution.atom_masses.tolist()):
        actors, kinds = held.get(value, ([], []))
        listed.append({"value": value, "probability": mass, "actors": list(actors), "also": list(kinds)})
    listed.sort(key=lambda item: -item["probability"])
    if intervals is None:
        intervals = {level: calibration.interval(distribution, level) for level in calibration.levels}
    return CalibratedForecast(distribution, distribution.median, intervals, listed, fitted_on, list(notes or []))


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


def agreement_intervals(calibration: Calibration, settlement: MixedDistribution, probability_of_agreement: float,
                        reversion: float) -> dict[int, tuple[float, float]]:
    """Intervals for :func:`settlement_or_reversion` that hold at least their nominal level.

    With ``a`` = P(agreement), ``q`` the reversion point and ``I(s)`` the settlement's central
    interval at the conformal level for nominal ``s`` (which holds at least ``s`` of settlements),
    an interval ``J`` holds the outcome with probability ``a · P(settlement in J) + (1 - a) · [q in J]``.
    So each of these holds at least ``p``:

    * ``[q, q]`` when ``1 - a >= p``;
    * ``I(p / a)`` when ``a >= p`` (the settlement alone);
    * ``I(s) ∪ [q]`` (their hull) with ``s = (p - (1 - a)) / a`` when ``1 - a < p``;

    and the narrowest that applies is taken (a tie goes to the one holding ``q``), then widened to
    hold the mixture's median and the intervals of lower levels (widening never lowers what an
    interval holds), so that the intervals nest around the median. With ``a = 1`` they are the
    settlement's own intervals. The central intervals of the mixture at the settlement's levels
    carry no such guarantee: the levels were conformalised for settlements alone. The guarantee
    is as good as ``a``.
    """
    agreement = float(probability_of_agreement)
    if not 0.0 <= agreement <= 1.0:
        raise ValueError(f"P(agreement) {agreement} is outside 0..1")
    median = settlement_or_reversion(settlement, agreement, reversion).median
    narrower = (median, median)
    intervals: dict[int, tuple[float, float]] = {}
    for nominal in sorted(calibration.levels):
        p = nominal / 100
        if 1.0 - agreement >= p:
            chosen = (reversion, reversion)
        else:
            low, high = settlement.central_interval(calibration.level_for((p - (1.0 - agreement)) / agreement))
            chosen = (min(low, reversion), max(high, reversion))
            if agreement >= p:
                alone = settlement.central_interval(calibration.level_for(p / agreement))
                if alone[1] - alone[0] < chosen[1] - chosen[0]:
                    chosen = alone
        narrower = intervals[nominal] = (min(chosen[0], narrower[0]), max(chosen[1], narrower[1]))
    return intervals
