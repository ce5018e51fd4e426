"""Run one model, or every model side by side, with one preset and round limit.

The command line and the web app both offer "one model or all of them"; this
module is that choice, so both pick presets and shape the result document alike.
"""

from __future__ import annotations

import math
from typing import Any

from realpolitik.forecast import MODELS, Forecast, ForecastRequestError, resolve_options, run
from realpolitik.scenario import Scenario

#: The model name that asks for every model.
ALL_MODELS = "all"


def run_models(scenario: Scenario, model: str, preset: str | None = None, rounds: int | None = None,
               calibration: str | None = None) -> list[Forecast]:
    """Forecasts of ``scenario`` by ``model``, or by every model when ``model`` is ``"all"``, each issue
    with its calibrated forecast from the ``calibration`` file (None: the one shipped with the package).

    With ``"all"``, ``preset`` applies to the models that have it and the others
    run with their defaults; it is an error if no model has it.

    Raises :class:`ForecastRequestError` when a forecast is not a number (an issue on
    which every actor's weight, capability x salience, is zero has no forecast).
    """
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.scenario_calibration import calibrate_forecast

    fitted = read_calibration(calibration)
    names = list(MODELS) if model == ALL_MODELS else [model]
    if model == ALL_MODELS and preset is not None and not any(preset in MODELS[name].presets for name in names):
        raise ForecastRequestError(f"no model has a preset '{preset}'")
    forecasts = []
    for name in names:
        chosen = preset if model != ALL_MODELS or preset in MODELS[name].presets else None
        forecast = run(scenario, name, resolve_options(name, chosen, rounds), chosen)
        _check_numbers(forecast)
        calibrate_forecast(scenario, forecast, fitted)
        forecasts.append(forecast)
    return forecasts


def _check_numbers(forecast: Forecast) -> None:
    """Refuse a forecast with a value that is not a finite number, naming the model and issue."""
    for item in forecast.issues:
        values = [item.forecast] + [value for state in item.rounds
                                    for value in (state.weighted_mean, state.weighted_median,
                                                  *state.positions.values())]
        if not all(math.isfinite(value) for value in values):
            raise ForecastRequestError(f"model '{forecast.model}', issue '{item.issue.name}': the forecast is not a "
                                       "number (is every actor's capability or salience on this issue zero?)")


def forecasts_document(forecasts: list[Forecast], compared: bool) -> dict[str, Any]:
    """The JSON document of a run: one forecast's document, or ``{"results": [...]}`` when compared."""
    documents = [forecast.to_dict() for forecast in forecasts]
    return {"results": documents} if compared else documents[0]


def documents_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-model forecast documents inside a result document (the inverse of the wrapping above)."""
    return result["results"] if "results" in result else [result]
