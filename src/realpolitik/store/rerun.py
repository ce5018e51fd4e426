"""Running a stored run again from what the store kept, to check that it reproduces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from realpolitik.comparison import add_analyses, documents_of, forecasts_document
from realpolitik.forecast import MODELS, ForecastRequestError, run
from realpolitik.scenario import load_scenario_dict
from realpolitik.store.diff import changed_values
from realpolitik.store.runs import StoredRun


def _rerun_forecast(stored: StoredRun) -> dict[str, Any]:
    """A forecast again, with the calibrated forecast where the stored one has it (from the calibration
    file the run used, else the one shipped with the package)."""
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.scenario_calibration import calibrate_forecast

    scenario = load_scenario_dict(stored.scenario)
    forecasts = []
    for document in documents_of(stored.result):
        name = document["model"]
        if name not in MODELS:
            raise ForecastRequestError(f"run {stored.id} used model '{name}', which this version does not have")
        options = MODELS[name].options_type.model_validate(stored.options[name])
        forecast = run(scenario, name, options, document["preset"])
        if any("calibrated" in issue for issue in document["issues"]):
            calibrate_forecast(scenario, forecast, read_calibration(stored.parameters.get("calibration")))
        forecasts.append(forecast)
    document = forecasts_document(forecasts, compared="results" in stored.result)
    if "outlook" in stored.result:  # P(agreement) and the answer first, from the same draws
        add_analyses(scenario, forecasts, document, stored.parameters.get("draws", 0), stored.seed or 0,
                     stored.parameters.get("calibration"))
    return document


def _rerun_backtest(stored: StoredRun) -> dict[str, Any]:
    """A backtest again: the same data file, models (with their presets), rules and calibration draws."""
    from realpolitik.analysis.backtest import run_backtest
    from realpolitik.io.deu3 import read_deu3

    parameters = stored.parameters
    calibration = ({"calibration_draws": parameters["draws"], "seed": stored.seed} if "draws" in parameters
                   else {})
    return run_backtest(read_deu3(parameters["data"]), list(stored.options), parameters["capability"],
                        parameters["salience"], **calibration).to_dict()


def _single_model(stored: StoredRun) -> tuple[str, BaseModel]:
    """The one model of a simulation or lever sweep, and its stored options."""
    [name] = stored.models
    if name not in MODELS:
        raise ForecastRequestError(f"run {stored.id} used model '{name}', which this version does not have")
    return name, MODELS[name].options_type.model_validate(stored.options[name])


def _rerun_simulation(stored: StoredRun) -> dict[str, Any]:
    """A Monte Carlo simulation again: the same draws, seed, noise model and thresholds."""
    from realpolitik.analysis.montecarlo import simulate
    from realpolitik.analysis.scenario_calibration import calibrate_simulation
    from realpolitik.scenario import Uncertainty

    model, options = _single_model(stored)
    parameters = stored.parameters
    scenario = load_scenario_dict(stored.scenario)
    simulation = simulate(scenario, model, options, preset=stored.preset, draws=parameters["draws"], seed=stored.seed,
                          thresholds=parameters["thresholds"], noise=Uncertainty.model_validate(parameters["noise"]))
    document = simulation.to_dict()
    if "intervals_are" in stored.result:  # with the calibrated forecast, from the calibration shipped
        calibrate_simulation(document, simulation, scenario, model, options, stored.preset,
                             parameters.get("calibration"))
    return document


def _rerun_levers(stored: StoredRun) -> dict[str, Any]:
    """A lever sweep again: the same steps and what-if shocks."""
    from realpolitik.analysis.levers import LeverSteps, analyse_levers

    model, options = _single_model(stored)
    parameters = stored.parameters
    return analyse_levers(load_scenario_dict(stored.scenario), model, options, preset=stored.preset,
                          steps=LeverSteps(**parameters["steps"]), shocks=parameters["shocks"]).to_dict()


def _rerun_timeline(stored: StoredRun) -> dict[str, Any]:
    """A timeline again: the same scenario with its events, model options, draws and seed."""
    from realpolitik.analysis.timeline import scenario_timeline

    model, options = _single_model(stored)
    return scenario_timeline(load_scenario_dict(stored.scenario), model, options, draws=stored.parameters["draws"],
                             seed=stored.seed or 0).to_dict()


#: How to run each kind of stored run again; each returns the run's result document.
RERUNNERS: dict[str, Callable[[StoredRun], dict[str, Any]]] = {
    "forecast": _rerun_forecast, "backtest": _rerun_backtest, "simulate": _rerun_simulation,
    "levers": _rerun_levers, "timeline": _rerun_timeline,
}


def rerun_run(stored: StoredRun) -> dict[str, Any]:
    """The result document of running ``stored`` again with its stored inputs, options and seed."""
    rerunner = RERUNNERS.get(stored.kind)
    if rerunner is None:
        raise ForecastRequestError(f"runs of kind '{stored.kind}' cannot be run again "
                                   f"(kinds that can: {', '.join(RERUNNERS)})")
    return rerunner(stored)


def reproduction_differences(stored: StoredRun) -> list[dict[str, Any]]:
    """Every result value that differs when ``stored`` is run again (empty: it reproduces exactly)."""
    return changed_values(stored.result, rerun_run(stored))
