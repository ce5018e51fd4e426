"""Forecast intervals and levers for the forecast view, where the analysis modules are installed.

:mod:`realpolitik.analysis.montecarlo` gives the interval and
:mod:`realpolitik.analysis.levers` the tornado; without them the view shows the
point forecast and says what is not available.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from realpolitik.scenario import Scenario
from realpolitik.store import StoredRun


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def forecast_interval(stored: StoredRun, scenario: Scenario, document: dict[str, Any], issue: str) -> dict[str, Any]:
    """``{"interval": (low, high)}`` for the forecast of ``issue``, or ``{"note": why there is none}``."""
    if not _available("realpolitik.analysis.montecarlo"):
        return {"note": "interval not available: the Monte Carlo analysis (realpolitik.analysis.montecarlo) "
                        "is not installed; showing the point forecast"}
    return {"note": "interval not available for this run"}


def levers_tornado(stored: StoredRun, scenario: Scenario, document: dict[str, Any], issue: str) -> dict[str, Any]:
    """``{"figure": tornado}`` of the levers on ``issue``, or ``{"note": why there is none}``."""
    if not _available("realpolitik.analysis.levers"):
        return {"note": "levers not available: the levers analysis (realpolitik.analysis.levers) is not installed"}
    return {"note": "levers not available for this run"}
