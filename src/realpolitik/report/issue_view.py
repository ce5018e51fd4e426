"""Everything shown about one issue of a stored forecast run: numbers, notes and chart specifications.

The web app's forecast view and the HTML report both show, per issue, each actor's
position by round, the forecast with its interval, the "who challenges whom"
chart from one actor's perspective and the levers tornado; this module gathers
them so both show the same thing.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from realpolitik.analysis.challenges import challenge_perspective
from realpolitik.comparison import documents_of
from realpolitik.forecast import ForecastRequestError
from realpolitik.models.eum import EUMOptions
from realpolitik.report.figures import positions_figure, quadrant_figure, trajectory_figure
from realpolitik.report.palette import ActorPalette
from realpolitik.report.uncertainty import (
    Analyses,
    calibrated_outcome,
    forecast_interval,
    levers_tornado,
    status_of,
    stored_analyses,
)
from realpolitik.scenario import Scenario, load_scenario_dict
from realpolitik.store import StoredRun


class NotAForecast(ForecastRequestError):
    """The run holds no per-issue forecasts (e.g. a backtest)."""


#: Scenarios of runs read lately, by their stored text: reading one checks it whole (events
#: included), which takes longer than drawing a view; a stored run never changes.
_read: OrderedDict[str, Scenario] = OrderedDict()
_reading = threading.Lock()
KEPT_SCENARIOS = 32


def run_scenario(stored: StoredRun) -> Scenario:
    """The scenario a run was made with."""
    if stored.scenario is None:
        raise NotAForecast(f"run {stored.id} ({stored.kind}) has no scenario")
    key = json.dumps(stored.scenario, sort_keys=True)
    with _reading:
        if key in _read:
            _read.move_to_end(key)
            return _read[key]
    scenario = load_scenario_dict(stored.scenario)
    with _reading:
        _read[key] = scenario
        if len(_read) > KEPT_SCENARIOS:
            _read.popitem(last=False)
    return scenario


def model_document(stored: StoredRun, model: str | None = None) -> dict[str, Any]:
    """The forecast document of ``model`` in the run (default: the expected utility model if run, else the first)."""
    if stored.kind != "forecast":
        raise NotAForecast(f"run {stored.id} is a {stored.kind} run, not a forecast: see `realpolitik runs show "
                           f"{stored.id}`")
    documents = documents_of(stored.result)
    names = [document["model"] for document in documents]
    chosen = model or ("eum" if "eum" in names else names[0])
    if chosen not in names:
        raise ForecastRequestError(f"run {stored.id} did not run model '{chosen}' (it ran {', '.join(names)})")
    return documents[names.index(chosen)]


def default_perspective(scenario: Scenario, issue: str) -> str:
    """The actor with the most weight (capability x salience) on ``issue``: the default point of view."""
    arrays = scenario.issue_arrays(issue)
    weights = arrays.capability * arrays.salience
    return arrays.actors[int(weights.argmax())]


def actor_weights(scenario: Scenario, issue: str) -> dict[str, float]:
    """Each actor's weight on ``issue``: capability x salience."""
    arrays = scenario.issue_arrays(issue)
    return {name: float(weight) for name, weight in zip(arrays.actors, arrays.capability * arrays.salience)}


def _eum_options(stored: StoredRun) -> EUMOptions:
    """The run's expected-utility options, or the defaults when it did not run that model."""
    return EUMOptions.model_validate(stored.options["eum"]) if "eum" in stored.options else EUMOptions()


def issue_view(stored: StoredRun, issue: str, model: str | None = None, perspective: str | None = None,
               round_number: int = 0, db: str | None = None, analyses: Analyses | None = None) -> dict[str, Any]:
    """The numbers and charts of one issue of a stored forecast run.

    ``perspective`` names the actor whose view the quadrant chart shows (default:
    :func:`default_perspective`); ``round_number`` the round whose positions it
    starts from (clipped to the rounds run). The interval and the levers come from the
    run's ``analyses`` as stored in ``db`` (read there when not given); ``analyses`` in
    the view says the status of each one it draws on. ``calibrated`` is the stored calibrated
    analysis once done (on an issue with veto players: the settlement mixed with the reversion
    point by ``agreement["probability"]``), the run's own calibrated settlement until then.
    """
    scenario = run_scenario(stored)
    document = model_document(stored, model)
    items = {item["issue"]: item for item in document["issues"]}
    if issue not in items:
        raise ForecastRequestError(f"run {stored.id} has no issue '{issue}' (issues: {', '.join(items)})")
    item = items[issue]
    palette = ActorPalette.of_scenario(scenario)
    viewer = perspective or default_perspective(scenario, issue)
    state = item["rounds"][max(0, min(round_number, len(item["rounds"]) - 1))]
    challenges = challenge_perspective(scenario, issue, viewer, _eum_options(stored), state["positions"]).to_dict()
    analyses = stored_analyses(stored, db) if analyses is None else analyses
    interval = forecast_interval(analyses, document["model"], issue)
    tornado = levers_tornado(analyses, document["model"], issue)
    comparison = [{"model": other["model"], "model_title": other["model_title"], "forecast": entry["forecast"],
                   "forecast_anchor": entry["forecast_anchor"]}
                  for other in documents_of(stored.result) for entry in other["issues"] if entry["issue"] == issue]
    return {
        "issue": issue, "title": item["title"], "model": document["model"], "model_title": document["model_title"],
        "scale": item["scale"], "anchors": item["anchors"], "status_quo": item["status_quo"],
        "forecast": item["forecast"], "forecast_anchor": item["forecast_anchor"], "stop_reason": item["stop_reason"],
        "rounds": len(item["rounds"]) - 1, "comparison": comparison,
        "interval": interval.get("interval"), "interval_note": interval.get("note"),
        **calibrated_outcome(analyses, document["model"], issue, item.get("calibrated")),
        "perspective": viewer, "perspective_round": state["round"], "actors": list(state["positions"]),
        "challenges": challenges,
        "one_shot": len(item["rounds"]) == 1,
        "trajectory": (positions_figure(item, palette, actor_weights(scenario, issue), document["model_title"],
                                        interval.get("interval")) if len(item["rounds"]) == 1 else
                       trajectory_figure(item, palette, document["model_title"], interval.get("interval"))),
        "quadrant": quadrant_figure(challenges, palette),
        "tornado": tornado.get("figure"), "tornado_note": tornado.get("note"),
        "analyses": {name: status_of(analyses, name, document["model"]) for name in ("sensitivity", "levers")},
        "moves": [{"round": state["round"], **move} for state in item["rounds"] for move in state["moves"]],
    }
