"""Forecast intervals and levers for the forecast view and the report, read from the run's stored analyses.

A forecast run's analyses (:mod:`realpolitik.analysis.run_analyses`: the Monte Carlo
sensitivity of the inputs, the lever sweep, ...) are computed once, after the run, and
stored with it. The view and the report only read them: where an analysis is not done
yet they show the point forecast and say so (pending, running with its progress, or
failed with its message). Nothing here computes an analysis.
"""

from __future__ import annotations

from typing import Any

from realpolitik.analysis.outlook import share
from realpolitik.report.figures import tornado_figure
from realpolitik.store import StoredRun
from realpolitik.store.analyses import run_analyses

#: The central band of the draws drawn around the forecast, in percent (the 50% and 95% ones are in the note).
SHOWN_INTERVAL = "80"
#: Levers shown in the tornado, strongest first (those that move the forecast at all).
TORNADO_LEVERS = 10

#: Stored analyses by ``(name, model)``, each ``{status, progress, message, result}``.
Analyses = dict[tuple[str, str | None], dict[str, Any]]


def stored_analyses(stored: StoredRun, db: str | None = None) -> Analyses:
    """The analyses stored with ``stored``, with their results."""
    return {(item["name"], item["model"]): item for item in run_analyses(stored.id, db, results=True)}


def _not_ready(entry: dict[str, Any] | None, what: str) -> str:
    """Why ``what`` is not shown: the analysis is not queued, pending, running or failed."""
    if entry is None:
        return f"{what} not computed for this run"
    if entry["status"] == "failed":
        return f"{what} not available: its analysis failed ({entry['message']})"
    progress = entry["progress"]
    if entry["status"] == "running":
        return f"{what} being computed ({progress['done']:,} of {progress['total']:,} {progress['unit']})"
    return f"{what} pending: computed after the run"


def status_of(analyses: Analyses, name: str, model: str | None) -> str:
    """The status of one analysis (``"absent"`` when the run has none of that name)."""
    entry = analyses.get((name, model))
    return "absent" if entry is None else entry["status"]


def forecast_interval(analyses: Analyses, model: str, issue: str) -> dict[str, Any]:
    """``{"interval": (low, high), "note": ...}`` for the forecast of ``issue``, or ``{"note": why there is none}``."""
    entry = analyses.get(("sensitivity", model))
    if entry is None or entry["status"] != "done":
        return {"note": _not_ready(entry, "interval")}
    simulation = entry["result"]
    item = next(item for item in simulation["issues"] if item["issue"] == issue)
    # With veto players the band is the settlement's (the number it is drawn around), and P(agreement) is said.
    agreement = item.get("agreement")
    intervals = agreement["settlement_intervals"] if agreement else item["intervals"]
    median = agreement["settlement_median"] if agreement else item["median"]
    what = " of the settlement" if agreement else ""
    low, high = intervals[SHOWN_INTERVAL]
    if intervals["95"][1] - intervals["95"][0] < 0.05:
        note = (f"sensitivity to the inputs{what}, not a forecast interval: every one of {simulation['draws']} Monte "
                f"Carlo draws of the inputs (seed {simulation['seed']}) gives {median:.1f}: the inputs' noise does "
                "not move it")
    else:
        note = (f"sensitivity to the inputs{what}, not a forecast interval: {SHOWN_INTERVAL}% of "
                f"{simulation['draws']} Monte Carlo draws of the inputs (seed {simulation['seed']}) give "
                f"{low:.1f}–{high:.1f}; 50%: {intervals['50'][0]:.1f}–{intervals['50'][1]:.1f}, 95%: "
                f"{intervals['95'][0]:.1f}–{intervals['95'][1]:.1f}")
    if agreement:
        note += (f"; the veto players accept it in {share(agreement['probability'])} of the draws, and in the others "
                 f"the reversion point {agreement['reversion']:g} holds")
    return {"interval": (low, high), "note": note}


def calibrated_outcome(analyses: Analyses, model: str, issue: str, unmixed: dict[str, Any] | None
                       ) -> dict[str, Any]:
    """``{"calibrated": ..., "agreement": ..., "agreement_note": ...}`` of ``issue``: the stored calibrated analysis (the
    settlement mixed with the reversion point by P(agreement) where there are veto players) once
    done; until then the run's own calibrated forecast ``unmixed`` with a note saying P(agreement)
    is still being computed (where the issue has veto players)."""
    entry = analyses.get(("calibrated", model))
    if entry is None or entry["status"] != "done":
        return {"calibrated": unmixed, "agreement": None, "agreement_note": None}
    stored = next((item for item in entry["result"]["issues"] if item["issue"] == issue), None)
    if stored is None:
        return {"calibrated": unmixed, "agreement": None, "agreement_note": None}
    agreement = stored.get("agreement")
    note = None if agreement is None else (
        f"the settlement if every veto player accepts it; P(agreement) {share(agreement['probability'])} over "
        f"{agreement['draws']} draws of the inputs: without a deal the reversion point {agreement['reversion']:g} "
        "holds (the calibrated forecast below mixes the two)")
    return {"calibrated": stored.get("calibrated") or unmixed, "agreement": agreement, "agreement_note": note}


def levers_tornado(analyses: Analyses, model: str, issue: str) -> dict[str, Any]:
    """``{"figure": tornado, "note": ...}`` of the levers on ``issue``, or ``{"note": why there is none}``."""
    entry = analyses.get(("levers", model))
    if entry is None or entry["status"] != "done":
        return {"note": _not_ready(entry, "levers")}
    levers = next(item for item in entry["result"]["issues"] if item["issue"] == issue)
    moving = [lever for lever in levers["levers"] if lever["swing"] > 0][:TORNADO_LEVERS]
    figure = tornado_figure(moving, levers["title"], levers["baseline"]) if moving else None
    return {"figure": figure, "note": levers["sentence"]}
