"""The answer first: per issue of a stored forecast run, what most likely happens, whether the models
agree, how fragile the forecast is and the three strongest levers, read from the run and its stored
analyses (nothing is computed here).

Per issue:

* ``answer``: the run's ``outlook`` entry once that analysis is done (the calibrated forecast mixed
  with the reversion point by P(agreement) where veto players are declared, and its sentences);
  until then the headline model's point forecast, marked ``pending``;
* ``cells``: one per model (the issue x model table): point forecast and nearest anchor, the
  calibrated median with its 80% interval (the model's ``calibrated`` analysis, else the block stored
  with the run), P(agreement) and the 80% sensitivity band (its ``sensitivity`` analysis), and the
  trajectory's stability;
* ``models_agree``: whether every model's point forecast lies within
  :data:`realpolitik.analysis.outlook.AGREEMENT_SHARE` of the scale of the median one, with the
  outliers named and the range of the others (the outlook's sentences say why they part);
* ``fragility``: ``steady``, ``sensitive`` or ``fragile`` with the reasons, from the headline
  model's 80% sensitivity band as a share of the scale (under :data:`SENSITIVE_SHARE` steady, from
  :data:`FRAGILE_SHARE` fragile), a single lever step that moves the forecast by at least
  :data:`FRAGILE_SHARE` of the scale (fragile), a trajectory that cycles or is still moving at its
  round limit (by more than a hundredth of the scale; fragile beyond a tenth), and a deal whose
  P(agreement) lies between :data:`COIN_FLIP` bounds; ``unknown`` while the sensitivity is
  pending;
* ``levers``: the headline model's three strongest single changes, each with the step that moves
  the forecast most: ``USA position 80→70 moves the forecast 63.8→61.4``.
"""

from __future__ import annotations

from typing import Any

from realpolitik.analysis.outlook import AGREEMENT_SHARE
from realpolitik.comparison import documents_of
from realpolitik.report.issue_view import model_document
from realpolitik.report.uncertainty import Analyses, stored_analyses
from realpolitik.store import StoredRun

#: A sensitivity band (80%) narrower than this share of the scale is steady.
SENSITIVE_SHARE = 0.10
#: A sensitivity band (80%) at least this share of the scale wide is fragile.
FRAGILE_SHARE = 0.30
#: P(agreement) in this range: whether there is a deal at all is close to a coin flip.
COIN_FLIP = (0.2, 0.8)
#: Levers shown per issue.
SHOWN_LEVERS = 3


def _done(analyses: Analyses, name: str, model: str | None) -> Any:
    entry = analyses.get((name, model))
    return entry["result"] if entry is not None and entry["status"] == "done" else None


def _by_issue(result: Any, key: str = "issues") -> dict[str, dict[str, Any]]:
    if result is None:
        return {}
    items = result if isinstance(result, list) else result[key]
    return {item["issue"]: item for item in items}


def _cell(item: dict[str, Any], calibrated: dict[str, Any] | None, simulated: dict[str, Any] | None
          ) -> dict[str, Any]:
    block = (calibrated or {}).get("calibrated") or item.get("calibrated")
    agreement = (simulated or {}).get("agreement") or (calibrated or {}).get("agreement")
    return {
        "forecast": item["forecast"], "forecast_anchor": item["forecast_anchor"],
        "calibrated_median": block["median"] if block else None,
        "calibrated_interval": list(block["intervals"]["80"]) if block else None,
        "calibrated_final": calibrated is not None,
        "agreement_probability": agreement["probability"] if agreement else None,
        "sensitivity_interval": list(simulated["intervals"]["80"]) if simulated else None,
        "stability": (item.get("stability") or {}).get("status"),
    }


def _agreement(cells: dict[str, dict[str, Any]], width: float) -> dict[str, Any]:
    values = sorted(cell["forecast"] for cell in cells.values())
    center = values[len(values) // 2]
    outliers = [name for name, cell in cells.items() if abs(cell["forecast"] - center) > AGREEMENT_SHARE * width]
    agreeing = [cell["forecast"] for name, cell in cells.items() if name not in outliers]
    return {"agree": not outliers, "outliers": outliers, "low": min(agreeing), "high": max(agreeing)}


def _fragility(cell: dict[str, Any], stability: dict[str, Any] | None, levers: list[dict[str, Any]],
               width: float) -> dict[str, Any]:
    reasons = []
    level = "unknown"
    band = cell["sensitivity_interval"]
    if band is not None:
        share = (band[1] - band[0]) / width if width > 0 else 0.0
        level = "steady" if share < SENSITIVE_SHARE else "sensitive" if share < FRAGILE_SHARE else "fragile"
        reasons.append(f"80% of the input draws give {band[0]:.0f}–{band[1]:.0f} ({share:.0%} of the scale)"
                       if band[1] - band[0] >= 0.5 else f"the input draws all give about {band[0]:.0f}")
    if levers and width > 0 and abs(levers[0]["change"]) >= FRAGILE_SHARE * width:
        strongest = levers[0]
        reasons.append(f"one step of {strongest['actor']}'s {strongest['attribute']} moves it by "
                       f"{abs(strongest['change']):.0f} ({abs(strongest['change']) / width:.0%} of the scale)")
        level = "fragile"
    status = (stability or {}).get("status")
    low, high = (stability or {}).get("range") or (None, None)
    settled_enough = status == "round limit" and low is not None and high - low <= AGREEMENT_SHARE / 10 * width
    if status in ("cycle", "round limit") and not settled_enough:
        spread = f" between {low:.0f} and {high:.0f}" if low is not None else ""
        reasons.append("the trajectory cycles" + spread if status == "cycle" else "the trajectory is still moving"
                       + spread + " at its round limit")
        if status == "cycle" or (low is not None and high - low > AGREEMENT_SHARE * width):
            level = "fragile"
    probability = cell["agreement_probability"]
    if probability is not None and COIN_FLIP[0] <= probability <= COIN_FLIP[1]:
        reasons.append(f"a deal at all is close to a coin flip (P(agreement) {probability:.0%})")
        level = "fragile"
    return {"level": level, "reasons": reasons}


def _levers(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    if result is None:
        return []
    shown = []
    for lever in [lever for lever in result["levers"] if lever["swing"] > 0][:SHOWN_LEVERS]:
        step = max((lever["down"], lever["up"]), key=lambda step: abs(step["change"]))
        shown.append({"actor": lever["actor"], "attribute": lever["attribute"], "from": lever["current"],
                      "to": step["value"], "forecast_from": result["baseline"], "forecast_to": step["forecast"],
                      "change": step["change"]})
    return shown


def run_overview(stored: StoredRun, db: str | None = None, analyses: Analyses | None = None) -> dict[str, Any]:
    """The overview of a stored forecast run (see the module's docstring for each part)."""
    headline = model_document(stored)
    documents = documents_of(stored.result)
    analyses = stored_analyses(stored, db) if analyses is None else analyses
    outlook = _by_issue(_done(analyses, "outlook", None))
    calibrated = {document["model"]: _by_issue(_done(analyses, "calibrated", document["model"]))
                  for document in documents}
    simulated = {document["model"]: _by_issue(_done(analyses, "sensitivity", document["model"]))
                 for document in documents}
    levers = _by_issue(_done(analyses, "levers", headline["model"]))
    issues = []
    for item in headline["issues"]:
        name = item["issue"]
        width = item["scale"][1] - item["scale"][0]
        cells = {document["model"]: _cell(entry, calibrated[document["model"]].get(name),
                                          simulated[document["model"]].get(name))
                 for document in documents for entry in document["issues"] if entry["issue"] == name}
        answer = outlook.get(name)
        strongest = _levers(levers.get(name))
        issues.append({
            "issue": name, "title": item["title"], "scale": item["scale"], "anchors": item["anchors"],
            "status_quo": item["status_quo"],
            "answer": ({"pending": False, "most_likely": answer["most_likely"],
                        "most_likely_label": answer["most_likely_label"],
                        "agreement_probability": answer["agreement_probability"], "sentences": answer["sentences"]}
                       if answer else
                       {"pending": True, "most_likely": item["forecast"],
                        "most_likely_label": f"{item['forecast']:.0f} ({item['forecast_anchor']})",
                        "agreement_probability": None,
                        "sentences": [f"Point forecast of the {headline['model_title']}: {item['forecast']:.0f} "
                                      f"({item['forecast_anchor']}); the answer with P(agreement), the calibration and "
                                      "the levers follows when the run's analyses are done."]}),
            "cells": cells,
            "models_agree": _agreement(cells, width) if len(cells) > 1 else None,
            "fragility": _fragility(cells[headline["model"]], item.get("stability"), strongest, width),
            "levers": strongest,
            "levers_pending": name not in levers,
        })
    waiting = [{"name": entry["name"], "model": entry["model"], "status": entry["status"],
                "progress": entry["progress"], "message": entry["message"]}
               for entry in analyses.values() if entry["status"] != "done"]
    return {"run_id": stored.id, "headline_model": headline["model"],
            "models": [{"model": document["model"], "model_title": document["model_title"]}
                       for document in documents],
            "issues": issues, "waiting": waiting}
