"""The probability that an issue's outcome reaches a threshold, read from a run's stored calibrated analysis.

A forecast run's ``calibrated`` analysis (:mod:`realpolitik.analysis.run_analyses`) stores,
per model and issue, the calibrated distribution of the outcome: where the issue has veto
players and a P(agreement), the calibrated settlement mixed with the reversion point. Here
``P(outcome ≥ t) = 1 - F(t-)`` is read off that distribution (the binary question
``ISSUE>=t`` of :mod:`realpolitik.analysis.questions`, as the ledger asks it) and said
in words: which distribution, whether P(agreement) is mixed in, and where the calibration
was fitted (borrowed from EU legislation for any other kind of negotiation). Until the analysis is
done the probability is None and the words say why. Nothing here runs an analysis.
"""

from __future__ import annotations

import math
from typing import Any

from realpolitik.analysis.questions import Question, distribution_from_dict
from realpolitik.forecast import ForecastRequestError
from realpolitik.report.issue_view import model_document
from realpolitik.report.uncertainty import Analyses, share
from realpolitik.store import StoredRun


#: A P(agreement) within this of 0 or 1 makes the probability conditional on the table, not a certainty.
NEAR_CERTAIN = 0.005


class ThresholdError(ForecastRequestError):
    """A threshold that cannot be asked of the run: an unknown issue, or a value off the issue's scale."""


def _pending(entry: dict[str, Any] | None) -> str:
    """Why there is no probability yet, in words."""
    if entry is None:
        return "the calibrated analysis of this run is not queued yet"
    if entry["status"] == "failed":
        return f"the calibrated analysis failed ({entry['message']})"
    progress = entry["progress"]
    if entry["status"] == "running":
        return (f"the calibrated analysis is being computed ({progress['done']:,} of {progress['total']:,} "
                f"{progress['unit']})")
    return "the calibrated analysis is pending: it is computed after the run"


def threshold_probability(stored: StoredRun, analyses: Analyses, issue: str, at: float,
                          model: str | None = None) -> dict[str, Any]:
    """``P(outcome ≥ at)`` on ``issue`` under ``model``'s calibrated distribution (default model: the expected
    utility model if run, else the first), with the words that say what it rests on.

    Raises :class:`ThresholdError` for an issue the run does not have or an ``at`` off the issue's scale.
    """
    document = model_document(stored, model)
    items = {item["issue"]: item for item in document["issues"]}
    if issue not in items:
        raise ThresholdError(f"run {stored.id} has no issue '{issue}' (issues: {', '.join(items)})")
    item = items[issue]
    low, high = item["scale"]
    if not math.isfinite(at) or not low <= at <= high:
        raise ThresholdError(f"threshold {at:g} lies outside the scale {low:g}..{high:g} of issue '{issue}'")
    model = document["model"]
    answer: dict[str, Any] = {
        "run_id": stored.id, "model": model, "model_title": document["model_title"], "issue": issue,
        "title": item["title"], "at": at, "scale": [low, high], "probability": None, "agreement_probability": None,
        "borrowed_from": None, "notes": [],
    }
    entry = analyses.get(("calibrated", model))
    answer["status"] = "absent" if entry is None else entry["status"]
    if entry is None or entry["status"] != "done":
        answer["basis"] = f"P(outcome ≥ {at:g}) not available yet: {_pending(entry)}"
        return answer
    result = entry["result"]
    stored_issue = next((part for part in result["issues"] if part["issue"] == issue), {})
    if not stored_issue.get("distribution"):
        answer["basis"] = (f"P(outcome ≥ {at:g}) not available: this run's calibrated analysis was stored without "
                           "its distribution (by an earlier version); make the run again to get it")
        return answer
    distribution = distribution_from_dict(stored_issue["distribution"])
    event = Question(f"{issue}>={at:g}", "binary", issue, ">=", at, low, high)
    calibration = result.get("calibration") or {}
    # stored before scenarios declared their kind: every calibration with a kind was borrowed
    borrowed = calibration.get("borrowed_from", calibration.get("kind"))
    agreement = stored_issue.get("agreement")
    block = stored_issue.get("calibrated") or {}
    answer.update(probability=event.probability(distribution), borrowed_from=borrowed,
                  agreement_probability=agreement["probability"] if agreement else None,
                  notes=list(block.get("notes", [])))
    what = (f"the calibrated distribution of the outcome: the settlement mixed with the reversion point by "
            f"P(agreement) {share(agreement['probability'])}" if agreement else "the calibrated distribution of the "
            "outcome")
    where = (f"calibration borrowed from {borrowed}: a guide, not a guarantee" if borrowed
             else f"calibrated on {block.get('fitted_on', 'the shipped calibration')}")
    answer["basis"] = f"P(outcome ≥ {at:g}) under {what} ({document['model_title']}); {where}"
    if agreement and not NEAR_CERTAIN <= agreement["probability"] <= 1 - NEAR_CERTAIN:
        answer["basis"] += ("; a P(agreement) this close to 0 or 100% holds for the Monte Carlo draws of the table's "
                            "numbers, not for the bargaining itself: read the probability as conditional on the "
                            "table (no deal, or a deal, unless a veto player's position changes), not as certainty")
    return answer
