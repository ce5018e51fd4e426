"""realpolitik: forecast multi-party negotiations from a stakeholder table.

>>> from realpolitik import load_scenario, run
>>> forecast = run(load_scenario("emissions-1994"), "eum", preset="scholz2011")
>>> round(forecast.issues[0].rounds[1].weighted_mean, 4)
7.4613
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("realpolitik")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from realpolitik.forecast import MODELS, Forecast, IssueForecast, Move, Round, resolve_options, run  # noqa: E402
from realpolitik.io import load_scenario  # noqa: E402
from realpolitik.scenario import (  # noqa: E402
    Actor,
    Issue,
    IssueCapability,
    Problem,
    Scenario,
    ScenarioError,
    Stance,
    Uncertainty,
    load_scenario_dict,
)

__all__ = [
    "MODELS", "Actor", "Forecast", "Issue", "IssueCapability", "IssueForecast", "Move", "Problem", "Round",
    "Scenario", "ScenarioError", "Stance", "Uncertainty", "__version__", "load_scenario", "load_scenario_dict",
    "resolve_options", "run",
]
