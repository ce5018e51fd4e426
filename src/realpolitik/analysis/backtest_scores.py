"""Proper scores of every backtested model, and each model against the baseline.

A point forecast is scored as a probabilistic one by giving it a **residual band**: for
an issue of dossier d, the distribution of ``clip(f + r)`` over the residuals
``r = outcome - forecast`` of the same model on every other dossier (split conformal
prediction's band, with whole dossiers held out; for a fitted model the residuals are
those of its own out-of-sample forecasts). Its intervals are that distribution's
central intervals. The calibrated forecast brings its own distribution and
conformalised intervals. **Climatology**, the other dossiers' outcomes, is the
reference that knows nothing about the issue.

Per model: CRPS, log score, coverage and mean width of the 50/80/95% intervals
(overall, by procedure and by Council voting rule), the PIT histogram
(:mod:`realpolitik.analysis.scores`), and paired dossier bootstraps
(:mod:`realpolitik.analysis.bootstrap`) of the differences in CRPS and in absolute
error against the baseline model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from realpolitik.analysis.bootstrap import paired_group_bootstrap
from realpolitik.analysis.conformal import LEVELS
from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.scores import coverage, crps, log_score, mean_width, pit_histogram, pit_range

#: The model every other is compared with.
BASELINE = "compromise"


def residual_band(forecasts: np.ndarray, outcome: np.ndarray, groups, scale: tuple[float, float]
                  ) -> list[MixedDistribution]:
    """Each issue's distribution ``clip(f_i + r_j)`` over the residuals ``r_j`` of the other groups."""
    groups = np.asarray(groups)
    residuals = np.asarray(outcome, dtype=float) - np.asarray(forecasts, dtype=float)
    return [MixedDistribution.from_draws(np.clip(forecasts[i] + residuals[groups != groups[i]], *scale))
            for i in range(len(outcome))]


def climatology(outcome: np.ndarray, groups) -> list[MixedDistribution]:
    """Each issue's distribution: the outcomes of the other groups."""
    groups = np.asarray(groups)
    return [MixedDistribution.from_draws(outcome[groups != groups[i]]) for i in range(len(outcome))]


def central_intervals(distributions: list[MixedDistribution]) -> dict[int, np.ndarray]:
    """The central 50/80/95% intervals of each distribution, ``level -> (I, 2)``."""
    return {level: np.array([d.central_interval(level / 100) for d in distributions]) for level in LEVELS}


def probabilistic_scores(distributions: list[MixedDistribution], intervals: dict[int, np.ndarray],
                         outcome: np.ndarray, labels: dict[str, np.ndarray], scale: tuple[float, float]
                         ) -> tuple[dict[str, Any], np.ndarray]:
    """The scores of one model's distributions and intervals; also each issue's CRPS, ``(I,)``."""
    each_crps = np.array([crps(d, o) for d, o in zip(distributions, outcome)])
    pits = np.array([pit_range(d, o) for d, o in zip(distributions, outcome)])

    def covered(mask: np.ndarray) -> dict[str, float]:
        return {str(level): coverage(intervals[level][mask, 0], intervals[level][mask, 1], outcome[mask])
                for level in LEVELS}

    scores: dict[str, Any] = {
        "crps": float(each_crps.mean()),
        "log_score": float(np.mean([log_score(d, o, *scale) for d, o in zip(distributions, outcome)])),
        "coverage": covered(np.ones(len(outcome), dtype=bool)),
        "interval_width": {str(level): mean_width(intervals[level][:, 0], intervals[level][:, 1]) for level in LEVELS},
        "pit_histogram": pit_histogram(pits[:, 0], pits[:, 1]).tolist(),
    }
    for name, values in labels.items():
        scores[f"coverage_{name}"] = {label: covered(values == label) for label in sorted(set(values.tolist()))}
    return scores, each_crps


def score_models(dataset, results: list, own: dict[str, tuple[list[MixedDistribution], dict[int, np.ndarray]]],
                 seed: int = 0) -> dict[str, Any] | None:
    """Fill each of ``results`` (:class:`realpolitik.analysis.backtest.ModelScores`) with its proper scores
    (``probabilistic``); ``own`` holds the distributions and intervals of models that have their own.
    Returns the climatology's scores; None, with nothing filled, when the data hold one dossier (no
    other dossier gives residuals)."""
    outcome = np.array([issue.outcome for issue in dataset.issues])
    groups = np.array([issue.dossier for issue in dataset.issues])
    if len(set(groups.tolist())) < 2:
        return None
    labels = {"by_procedure": np.array([issue.procedure for issue in dataset.issues]),
              "by_voting_rule": np.array([issue.voting_rule for issue in dataset.issues])}
    first = dataset.issues[0].arrays.issue
    scale = (first.scale_min, first.scale_max)
    crps_of: dict[str, np.ndarray] = {}
    for result in results:
        if result.model in own:
            distributions, intervals = own[result.model]
        else:
            distributions = residual_band(result.forecasts, outcome, groups, scale)
            intervals = central_intervals(distributions)
        result.probabilistic, crps_of[result.model] = probabilistic_scores(distributions, intervals, outcome, labels,
                                                                           scale)
        if result.model not in own:
            result.probabilistic["distribution"] = "residual band (other dossiers' residuals)"
    baseline = BASELINE if BASELINE in crps_of else results[0].model
    reference = next(result for result in results if result.model == baseline)
    for result in results:
        result.probabilistic["bootstrap"] = {"score": "crps", "baseline": baseline, **paired_group_bootstrap(
            crps_of[result.model], crps_of[baseline], groups, seed=seed)}
        result.probabilistic["bootstrap_absolute_error"] = {"score": "absolute error", "baseline": baseline,
                                                            **paired_group_bootstrap(
            np.abs(result.forecasts - outcome), np.abs(reference.forecasts - outcome), groups, seed=seed)}
    reference_distributions = climatology(outcome, groups)
    climate, _ = probabilistic_scores(reference_distributions, central_intervals(reference_distributions), outcome,
                                      labels, scale)
    medians = np.array([d.median for d in reference_distributions])
    errors = np.abs(medians - outcome)
    return {"model": "climatology", "title": "The other dossiers' outcomes (no information about the issue)",
            "mae": float(errors.mean()), "median_ae": float(np.median(errors)),
            "within_10": float(np.mean(errors <= 10.0)), **climate}
