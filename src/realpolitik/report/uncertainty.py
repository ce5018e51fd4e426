"""Forecast intervals and levers for the forecast view, where the analysis modules are installed.

:mod:`realpolitik.analysis.montecarlo` gives the interval (``VIEW_DRAWS`` draws with
seed ``VIEW_SEED``, so the view always shows the same numbers for the same run) and
:mod:`realpolitik.analysis.levers` the tornado of the strongest single changes.
Without them the view shows the point forecast and says what is not available.
Both are computed once per stored run, model (and issue, for levers), and kept while
the process lives. The draws run on an in-process Dask cluster whose HTTP endpoints
listen on 127.0.0.1 only, as the web app does.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

from realpolitik.forecast import MODELS
from realpolitik.report.figures import tornado_figure
from realpolitik.scenario import Scenario
from realpolitik.store import StoredRun

#: Monte Carlo draws behind the band the view shows (sensitivity to the inputs), and their seed.
VIEW_DRAWS = 500
VIEW_SEED = 0
#: The central band of the draws drawn around the forecast, in percent (the 50% and 95% ones are in the note).
SHOWN_INTERVAL = "80"
#: Levers shown in the tornado, strongest first (those that move the forecast at all).
TORNADO_LEVERS = 10
#: Analyses kept in memory (per run and model).
KEPT_ANALYSES = 64

_kept: OrderedDict[tuple, Any] = OrderedDict()
_computing = threading.Lock()


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _options(stored: StoredRun, model: str) -> BaseModel:
    return MODELS[model].options_type.model_validate(stored.options[model])


def _kept_or_computed(key: tuple, compute: Callable[[], Any]) -> Any:
    """The analysis under ``key``, computed once (one computation at a time: each uses every core)."""
    with _computing:
        if key not in _kept:
            _kept[key] = compute()
            if len(_kept) > KEPT_ANALYSES:
                _kept.popitem(last=False)
        _kept.move_to_end(key)
        return _kept[key]


def _key(kind: str, stored: StoredRun, *parts: str) -> tuple:
    return kind, stored.id, stored.created_at.isoformat(), *parts


@contextmanager
def _loopback_client() -> Iterator[Any]:
    """An in-process Dask client (threads of this process) that opens no port beyond 127.0.0.1."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=os.cpu_count() or 1, processes=False,
                      dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster, set_as_default=False) as client:
        yield client


def _simulated(stored: StoredRun, scenario: Scenario, model: str, preset: str | None) -> Any:
    from realpolitik.analysis.montecarlo import simulate

    with _loopback_client() as client:
        return simulate(scenario, model, _options(stored, model), preset=preset, draws=VIEW_DRAWS, seed=VIEW_SEED,
                        client=client)


def forecast_interval(stored: StoredRun, scenario: Scenario, document: dict[str, Any], issue: str) -> dict[str, Any]:
    """``{"interval": (low, high), "note": ...}`` for the forecast of ``issue``, or ``{"note": why there is none}``."""
    if not _available("realpolitik.analysis.montecarlo"):
        return {"note": "interval not available: the Monte Carlo analysis (realpolitik.analysis.montecarlo) "
                        "is not installed; showing the point forecast"}
    model = document["model"]
    simulation = _kept_or_computed(_key("simulation", stored, model),
                                   lambda: _simulated(stored, scenario, model, document["preset"]))
    intervals = simulation.issue(issue).to_dict()["intervals"]
    low, high = intervals[SHOWN_INTERVAL]
    return {"interval": (low, high),
            "note": f"sensitivity to the inputs, not a forecast interval: {SHOWN_INTERVAL}% of {VIEW_DRAWS} Monte "
                    f"Carlo draws of the inputs (seed {VIEW_SEED}) give {low:.1f}–{high:.1f}; 50%: "
                    f"{intervals['50'][0]:.1f}–{intervals['50'][1]:.1f}, 95%: "
                    f"{intervals['95'][0]:.1f}–{intervals['95'][1]:.1f}"}


def levers_tornado(stored: StoredRun, scenario: Scenario, document: dict[str, Any], issue: str) -> dict[str, Any]:
    """``{"figure": tornado, "note": ...}`` of the levers on ``issue``, or ``{"note": why there is none}``."""
    if not _available("realpolitik.analysis.levers"):
        return {"note": "levers not available: the levers analysis (realpolitik.analysis.levers) is not installed"}
    from realpolitik.analysis.levers import LeverSteps, sweep_issue

    model = document["model"]
    index = [item.name for item in scenario.issues].index(issue)
    levers = _kept_or_computed(_key("levers", stored, model, issue), lambda: sweep_issue(
        scenario, model, _options(stored, model), LeverSteps(), index)).to_dict()
    moving = [lever for lever in levers["levers"] if lever["swing"] > 0][:TORNADO_LEVERS]
    shown = [{"label": f"{lever['actor']} {lever['attribute']}", "low": lever["down"]["forecast"],
              "high": lever["up"]["forecast"]} for lever in moving]
    figure = tornado_figure(shown, levers["title"], levers["baseline"]) if shown else None
    return {"figure": figure, "note": levers["sentence"]}
