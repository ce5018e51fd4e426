"""realpolitik: forecast multi-party negotiations from a stakeholder table.

>>> from realpolitik import load_scenario, run
>>> forecast = run(load_scenario("emissions-1994"), "eum", preset="scholz2011")
>>> round(forecast.issues[0].rounds[1].weighted_mean, 4)
7.4613

The public names below are imported on first use (PEP 562), so that importing the
package, or starting the command line, does not import numpy, pydantic and every model.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Each public name and the module that defines it.
_PUBLIC = {
    **dict.fromkeys(("MODELS", "Forecast", "IssueForecast", "Move", "Round", "resolve_options", "run"),
                    "realpolitik.forecast"),
    "load_scenario": "realpolitik.io",
    **dict.fromkeys(("Actor", "Issue", "IssueCapability", "Problem", "Scenario", "ScenarioError", "Stance",
                     "Uncertainty", "load_scenario_dict"), "realpolitik.scenario"),
}

__all__ = sorted([*_PUBLIC, "__version__"])


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("realpolitik")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _package_version()
    elif name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    else:
        raise AttributeError(f"module 'realpolitik' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
