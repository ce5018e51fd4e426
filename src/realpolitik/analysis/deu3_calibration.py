"""Fit the calibrated forecast on resolved issues in the DEU III layout, and score it out of sample.

For each model in :data:`CALIBRATED_MODELS` the model forecasts every issue (GDP x
salience weights, as in the backtest), each issue gets its candidates
(:func:`realpolitik.analysis.predictive.issue_candidates`), and
:func:`realpolitik.analysis.calibrated.fit_calibration` fits on all of them. The
out-of-sample scores that go into the file's provenance come from
:func:`realpolitik.analysis.calibrated.leave_one_group_out` by dossier (``prnr``).
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from collections.abc import Callable
from typing import Any

import numpy as np

from realpolitik import __version__
from realpolitik.analysis.calibrated import OutOfSample, fit_calibration, leave_one_group_out
from realpolitik.analysis.calibration_file import FORMAT
from realpolitik.analysis.conformal import LEVELS
from realpolitik.analysis.predictive import Candidates, issue_candidates
from realpolitik.analysis.scores import coverage, crps, mean_width
from realpolitik.forecast import ForecastRequestError
from realpolitik.io.deu3 import Deu3Dataset

#: Models fitted one by one; any other model's forecast is calibrated through the compromise model's fit.
CALIBRATED_MODELS = ("compromise", "median", "nash", "eum")
#: The fewest usable issues a calibration is fitted on.
MINIMUM_ISSUES = 20
#: The fewest dossiers: scoring leaves one out and fits the conformal levels on folds of the others.
MINIMUM_DOSSIERS = 3
#: The DEU III release's date of the final act (dd-mm-yy), read when present.
FINAL_ACT_COLUMN = "finact"


class CalibrationDataError(ForecastRequestError):
    """Data a calibration cannot be fitted on; the message says why."""


def dataset_candidates(dataset: Deu3Dataset, model_forecasts: np.ndarray, capability_rule: str = "gdp",
                       salience_rule: str = "recorded") -> list[Candidates]:
    """Every issue's candidates with capability x salience weights under the backtest's rules
    (:func:`realpolitik.analysis.backtest.capability`) and ``model_forecasts (I,)``."""
    from realpolitik.analysis.backtest import capability, salience

    return [issue_candidates(issue.arrays.actors, issue.arrays.position, salience(issue, salience_rule),
                             capability(issue, capability_rule), issue.arrays.issue.scale_min, issue.arrays.issue.scale_max, issue.arrays.issue.status_quo,
                             float(forecast))
            for issue, forecast in zip(dataset.issues, model_forecasts)]


def calibrated_out_of_sample(dataset: Deu3Dataset, model_forecasts: np.ndarray, capability_rule: str = "gdp",
                             salience_rule: str = "recorded") -> OutOfSample:
    """The calibrated forecast of every issue, leave-one-dossier-out."""
    _check_dossiers(dataset)
    outcome = np.array([issue.outcome for issue in dataset.issues])
    try:
        return leave_one_group_out(dataset_candidates(dataset, model_forecasts, capability_rule, salience_rule),
                                   outcome, [issue.dossier for issue in dataset.issues])
    except ValueError as error:
        raise CalibrationDataError(f"{dataset.path}: cannot fit the calibrated forecast: {error}") from None


def _check_dossiers(dataset: Deu3Dataset) -> None:
    if len(dataset.dossiers) < MINIMUM_DOSSIERS:
        raise CalibrationDataError(f"{dataset.path}: {len(dataset.dossiers)} dossier(s) ('prnr'); the calibrated "
                                   f"forecast is fitted and scored by dossier and needs at least {MINIMUM_DOSSIERS}")


def out_of_sample_scores(result: OutOfSample, outcome: np.ndarray, dataset: Deu3Dataset) -> dict[str, Any]:
    """CRPS, errors of the median, and coverage and width of each interval, overall and by
    procedure and Council voting rule."""
    errors = np.abs(result.medians - outcome)

    def summary(mask: np.ndarray) -> dict[str, Any]:
        return {
            "n": int(mask.sum()),
            "crps": float(np.mean([crps(result.distributions[i], outcome[i]) for i in np.flatnonzero(mask)])),
            "mae": float(errors[mask].mean()),
            "median_ae": float(np.median(errors[mask])),
            "within_10": float(np.mean(errors[mask] <= 10.0)),
            "coverage": {str(level): coverage(result.intervals[level][mask, 0], result.intervals[level][mask, 1],
                                              outcome[mask]) for level in LEVELS},
            "interval_width": {str(level): mean_width(result.intervals[level][mask, 0],
                                                      result.intervals[level][mask, 1]) for level in LEVELS},
        }

    everything = np.ones(len(outcome), dtype=bool)
    groups: dict[str, Any] = {"overall": summary(everything)}
    for key, name in (("procedure", "by_procedure"), ("voting_rule", "by_voting_rule")):
        labels = np.array([getattr(issue, key) for issue in dataset.issues])
        groups[name] = {label: summary(labels == label) for label in sorted(set(labels.tolist()))}
    return groups


def decision_years(path: str) -> tuple[int, int] | None:
    """The first and last year of the final acts (``finact``, dd-mm-yy) in a DEU III file, if it has them."""
    try:
        rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8")), delimiter="\t"))
        header = [name.strip().strip('"').lower() for name in rows[0]]
        column = header.index(FINAL_ACT_COLUMN)
    except (OSError, UnicodeDecodeError, ValueError, IndexError):
        return None
    years = []
    for cells in rows[2:]:
        text = cells[column].strip().strip('"') if column < len(cells) else ""
        if len(text) == 8 and text[-2:].isdigit():
            two_digits = int(text[-2:])
            years.append(1900 + two_digits if two_digits >= 50 else 2000 + two_digits)
    return (min(years), max(years)) if years else None


def calibrate_deu3(dataset: Deu3Dataset, models: tuple[str, ...] = CALIBRATED_MODELS,
                   progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The calibration document: per model the fitted parameters and conformal levels, with
    provenance (data, date, code version, out-of-sample scores); ``progress(n)`` is called with
    the number of models fitted so far."""
    from realpolitik.analysis.backtest import forecast_issues

    issues = dataset.issues
    if len(issues) < MINIMUM_ISSUES:
        raise CalibrationDataError(f"{dataset.path}: {len(issues)} usable issue(s) (with an outcome and a position); "
                                   f"a calibration needs at least {MINIMUM_ISSUES}")
    _check_dossiers(dataset)
    outcome = np.array([issue.outcome for issue in issues])
    groups = np.array([issue.dossier for issue in issues])
    fitted: dict[str, Any] = {}
    for model in models:
        candidates = dataset_candidates(dataset, forecast_issues(dataset, model))
        try:
            calibration = fit_calibration(candidates, outcome, groups)
            scores = out_of_sample_scores(leave_one_group_out(candidates, outcome, groups), outcome, dataset)
        except CalibrationDataError:
            raise
        except ValueError as error:
            raise CalibrationDataError(f"{dataset.path}: cannot fit a calibration for model '{model}': {error}") from None
        fitted[model] = {**calibration.to_dict(), "out_of_sample": scores}
        if progress is not None:
            progress(len(fitted))
    years = decision_years(dataset.path)
    release = Path(dataset.path).name == "deu3.tsv"
    return {
        "format": FORMAT,
        "fitted_on": {
            "data": Path(dataset.path).name,
            "description": "DEU III: EU legislative issues (Arregui & Perarnaud 2021, doi:10.34810/data53)"
                           if release else "resolved issues in the DEU III layout",
            "kind": "EU legislation" if release else None,
            "issues": len(issues),
            "dossiers": len(dataset.dossiers),
            "decided": list(years) if years else None,
            "date": datetime.date.today().isoformat(),
            "code_version": f"realpolitik {__version__}",
            "weights": "capability (the file's GDP row) x recorded salience",
            "validation": "leave-one-dossier-out; conformal levels from 5 folds of the training dossiers",
        },
        "models": fitted,
    }
