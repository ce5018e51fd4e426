"""A track record: the ledger's resolved questions scored, per model and baseline.

Each model is scored on the newest forecast it recorded on each resolved question
(:mod:`realpolitik.analysis.scores` for the scores themselves):

* binary questions: the **Brier score** ``(p - y)²`` (lower is better) and the **log
  score** ``log p`` if the event happened, ``log(1 - p)`` if not (higher is better),
  floored at ``log 10⁻³`` like :func:`realpolitik.analysis.scores.log_score` so that one
  forecast of certainty that failed does not make the mean ``-∞``;
* numeric questions: the **CRPS** of the predictive distribution at the outcome, in scale
  points (lower is better).

Each is the mean over the questions of its kind (None where there are none). The
**reliability table** (Murphy & Winkler 1977; Bröcker & Smith 2007) bins the binary
forecasts by probability into :data:`RELIABILITY_BINS` equal bins of 0..1 (the last
closed) and gives, per bin, how many forecasts fell in it, their mean probability and
how often the event happened: a calibrated forecaster's points lie on the diagonal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.questions import distribution_from_dict
from realpolitik.analysis.scores import brier, crps, log_score

RELIABILITY_BINS = 10


def binary_log_score(probability: float, happened: bool) -> float:
    """``log p`` or ``log(1 - p)``: the log score of the two-point distribution ``{0: 1 - p, 1: p}``
    at the outcome, with two bins of 0..1 (:func:`realpolitik.analysis.scores.log_score`)."""
    distribution = MixedDistribution.create([0.0, 1.0], [1.0 - probability, probability])
    return log_score(distribution, 1.0 if happened else 0.0, 0.0, 1.0, bins=2)


@dataclass(frozen=True)
class ReliabilityBin:
    """Binary forecasts with a probability in ``[low, high)``: how many, their mean, how often the event happened."""

    low: float
    high: float
    count: int
    mean_probability: float | None
    observed_frequency: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "n": self.count, "mean_probability": self.mean_probability,
                "observed_frequency": self.observed_frequency}


def reliability_table(probabilities: Sequence[float], happened: Sequence[bool],
                      bins: int = RELIABILITY_BINS) -> list[ReliabilityBin]:
    """The reliability table of binary forecasts: ``bins`` equal bins of 0..1, the last closed."""
    probability = np.asarray(probabilities, dtype=float)
    outcome = np.asarray(happened, dtype=float)
    edges = np.arange(bins + 1) / bins
    index = np.clip(np.searchsorted(edges, probability, side="right") - 1, 0, bins - 1)
    table = []
    for number in range(bins):
        inside = index == number
        count = int(inside.sum())
        table.append(ReliabilityBin(float(edges[number]), float(edges[number + 1]), count,
                                    float(probability[inside].mean()) if count else None,
                                    float(outcome[inside].mean()) if count else None))
    return table


@dataclass(frozen=True)
class ModelScore:
    """A model's (or baseline's) scores over the resolved questions it forecast."""

    model: str
    role: str
    binary: int
    numeric: int
    brier: float | None
    log_score: float | None
    crps: float | None
    reliability: list[ReliabilityBin]

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "role": self.role, "n": self.binary + self.numeric, "n_binary": self.binary,
                "n_numeric": self.numeric, "brier": self.brier, "log_score": self.log_score, "crps": self.crps}


def score_questions(questions: Sequence[Any]) -> list[ModelScore]:
    """Scores per model over the resolved ``questions`` (:class:`realpolitik.store.ledger.StoredQuestion`),
    models first, then baselines, each in the order first recorded."""
    probabilities: dict[str, list[float]] = {}
    happened: dict[str, list[bool]] = {}
    ranked: dict[str, list[float]] = {}
    roles: dict[str, str] = {}
    for question in questions:
        resolution = question.resolution
        if resolution is None:
            continue
        for forecast in question.latest():
            if roles.get(forecast.model) != "model":
                roles[forecast.model] = forecast.role
            probabilities.setdefault(forecast.model, [])
            happened.setdefault(forecast.model, [])
            ranked.setdefault(forecast.model, [])
            if question.question.kind == "binary":
                probabilities[forecast.model].append(float(forecast.probability))
                happened[forecast.model].append(bool(resolution.happened))
            else:
                ranked[forecast.model].append(crps(distribution_from_dict(forecast.distribution), resolution.outcome))
    scores = []
    for model in sorted(roles, key=lambda name: roles[name] != "model"):
        p, y, c = probabilities[model], happened[model], ranked[model]
        scores.append(ModelScore(
            model, roles[model], len(p), len(c), brier(p, y) if p else None,
            float(np.mean([binary_log_score(pi, yi) for pi, yi in zip(p, y)])) if p else None,
            float(np.mean(c)) if c else None, reliability_table(p, y)))
    return scores
