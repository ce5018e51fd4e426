"""Run one model, or every model side by side, with one preset and round limit.

The command line and the web app both offer "one model or all of them"; this
module is that choice, so both pick presets and shape the result document alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from realpolitik.budget import check
from realpolitik.forecast import MODELS, Forecast, ForecastRequestError, resolve_options, run
from realpolitik.scenario import Scenario

#: The model name that asks for every model.
ALL_MODELS = "all"


def run_models(scenario: Scenario, model: str, preset: str | None = None, rounds: int | None = None,
               calibration: str | None = None, stated: dict[str, Any] | None = None,
               overrides: dict[str, Any] | None = None) -> list[Forecast]:
    """Forecasts of ``scenario`` by ``model``, or by every model when ``model`` is ``"all"``, each issue
    with its calibrated forecast from the ``calibration`` file (None: the one shipped with the package).

    With ``"all"``, ``preset`` applies to the models that have it and the others
    run with their defaults; it is an error if no model has it.

    ``stated`` holds the options a scenario file states for a model (a KTAB XML file's SMP
    options, see :func:`realpolitik.io.stated_options`): they replace that model's defaults;
    a ``preset`` replaces them but for the fields that describe the scenario (the SMP's seed
    and ideal adjustments). ``overrides`` (option name to value) come last, for every model
    whose options have that field.

    Raises :class:`ForecastRequestError` when a forecast is not a number (an issue on
    which every actor's weight, capability x salience, is zero has no forecast), or when
    an override names a field no model run has.
    """
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.scenario_calibration import calibrate_forecast

    fitted = read_calibration(calibration)
    names = list(MODELS) if model == ALL_MODELS else [model]
    for key in overrides or {}:
        if not any(key in MODELS[name].options_type.model_fields for name in names):
            raise ForecastRequestError(f"no model run has an option '{key}'")
    if model == ALL_MODELS and preset is not None and not any(preset in MODELS[name].presets for name in names):
        raise ForecastRequestError(f"no model has a preset '{preset}'")
    forecasts = []
    for name in names:
        chosen = preset if model != ALL_MODELS or preset in MODELS[name].presets else None
        update = _options_update(name, chosen, (stated or {}).get(name), overrides or {})
        options = resolve_options(name, chosen, rounds, update)
        check(name, len(scenario.actors), len(scenario.issues), options, what=f"the {name} forecast")
        forecast = _run_numerically(scenario, name, options, chosen)
        _check_numbers(forecast)
        calibrate_forecast(scenario, forecast, fitted)
        forecasts.append(forecast)
    return forecasts


def _run_numerically(scenario: Scenario, model: str, options: Any, preset: str | None) -> Forecast:
    """``run(...)``, with arithmetic a kernel cannot carry out on these inputs (an overflow, a
    value its checks refuse) reported as a problem with the input rather than a crash."""
    from realpolitik.budget import BudgetExceeded
    from realpolitik.scenario import ScenarioError

    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # non-finite results are refused below
            return run(scenario, model, options, preset)
    except (ScenarioError, BudgetExceeded):
        raise
    except (ValueError, ArithmeticError) as error:
        raise ForecastRequestError(f"model '{model}' cannot compute with these inputs ({error}); check for "
                                   "extreme capabilities, saliences or scales") from None


def _options_update(model: str, preset: str | None, stated: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    """The option values a file states for ``model`` and then the command's ``overrides`` (see :func:`run_models`)."""
    update: dict[str, Any] = {}
    if stated is not None:
        values = stated.model_dump()
        kept = values if preset is None else getattr(type(stated), "scenario_fields", ())
        update.update({key: values[key] for key in kept})
    fields = MODELS[model].options_type.model_fields
    update.update({key: value for key, value in overrides.items() if key in fields})
    return update


def _check_numbers(forecast: Forecast) -> None:
    """Refuse a forecast with a value that is not a finite number, naming the model and issue."""
    for item in forecast.issues:
        values = [item.forecast] + [value for state in item.rounds
                                    for value in (state.weighted_mean, state.weighted_median,
                                                  *state.positions.values())]
        if not all(math.isfinite(value) for value in values):
            raise ForecastRequestError(f"model '{forecast.model}', issue '{item.issue.name}': the forecast is not a "
                                       "number (is every actor's capability or salience on this issue zero?)")


def add_agreement(scenario: Scenario, forecasts: list[Forecast], documents: list[dict[str, Any]], draws: int,
                  seed: int, client: Any = None, progress: Callable[[int], None] | None = None,
                  calibration: str | None = None) -> None:
    """Put ``agreement`` (P(agreement), refusals, the settlement's and the outcome's medians)
    into each issue document with veto players, from ``draws`` Monte Carlo draws per model,
    and make its ``calibrated`` forecast that of what happens: the calibrated settlement
    mixed with the reversion point (weights P(agreement) and the rest; the ``calibration``
    file as in :func:`run_models`).

    ``progress(n)`` is called with the draws finished over all models.
    """
    from realpolitik.analysis.montecarlo import simulate

    if draws <= 0 or not any(issue.veto_players for issue in scenario.issues):
        return
    for number, (forecast, document) in enumerate(zip(forecasts, documents)):
        def done(finished: int, before: int = number * draws) -> None:
            if progress is not None:
                progress(before + finished)

        simulation = simulate(scenario, forecast.model, forecast.options, draws=draws, seed=seed, client=client,
                              progress=done)
        agreement_from(simulation, forecast, document, calibration)


def agreement_from(simulation: Any, forecast: Forecast, document: dict[str, Any], calibration: str | None) -> None:
    """Put the ``agreement`` of each issue with veto players in a Monte Carlo ``simulation`` (a
    :class:`realpolitik.analysis.montecarlo.Simulation` of ``forecast``'s model) into the issue
    ``document``, with the calibrated forecast of what happens (see :func:`add_agreement`)."""
    for item, issue_forecast, issue_document in zip(simulation.issues, forecast.issues, document["issues"]):
        agreement = item.agreement_to_dict()
        if agreement is None:
            continue
        issue_document["agreement"] = {**agreement, "outcome_median": item.median, "seed": simulation.seed}
        if issue_forecast.calibrated is not None:
            mix_with_reversion(issue_forecast, forecast.model, agreement["probability"], calibration)
            issue_document["calibrated"] = issue_forecast.calibrated.to_dict()


def mix_with_reversion(issue_forecast: Any, model: str, probability: float, calibration: str | None) -> None:
    """Replace the calibrated forecast of an issue with veto players by that of what happens: its
    calibrated settlement with weight ``probability`` (P(agreement)), the reversion point with the rest."""
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.scenario_calibration import anchor_probabilities, with_agreement

    fitted = read_calibration(calibration).for_model(model)[1]
    mixed = with_agreement(issue_forecast.calibrated, fitted, probability, issue_forecast.issue.reversion_point,
                           issue_forecast.issue.name)
    mixed.anchor_probabilities = anchor_probabilities(mixed.distribution, issue_forecast.issue)
    issue_forecast.calibrated = mixed


def add_outlook(scenario: Scenario, forecasts: list[Forecast], documents: list[dict[str, Any]],
                lever_sentences: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The answer first (:mod:`realpolitik.analysis.outlook`) for the run's headline model: the
    expected utility model when every model ran, else the one that ran, beside every model's
    settlement (models that did not run are run once here, without draws)."""
    from realpolitik.analysis.outlook import issue_outlook

    headline = next((number for number, forecast in enumerate(forecasts) if forecast.model == "eum"), 0)
    by_model = {forecast.model: document for forecast, document in zip(forecasts, documents)}
    for name in MODELS:
        if name not in by_model:
            by_model[name] = run(scenario, name, resolve_options(name)).to_dict()
    return [issue_outlook(issue_document, {name: document["issues"][index] for name, document in by_model.items()},
                          forecasts[headline].model, (lever_sentences or {}).get(issue_document["issue"])).to_dict()
            for index, issue_document in enumerate(documents[headline]["issues"])]


def add_analyses(scenario: Scenario, forecasts: list[Forecast], document: dict[str, Any], draws: int, seed: int,
                 calibration: str | None = None, progress: Callable[[int], None] | None = None) -> None:
    """What a forecast run adds to its document: P(agreement) per model and issue
    (:func:`add_agreement`), and ``outlook``, the answer first (:func:`add_outlook`) with the
    headline model's strongest lever per issue."""
    from realpolitik.analysis.levers import analyse_levers

    documents = documents_of(document)
    add_agreement(scenario, forecasts, documents, draws, seed, progress=progress, calibration=calibration)
    headline = next((forecast for forecast in forecasts if forecast.model == "eum"), forecasts[0])
    levers = analyse_levers(scenario, headline.model, headline.options)
    document["outlook"] = add_outlook(scenario, forecasts, documents,
                                      {item.issue.name: item.sentence() for item in levers.issues})


def forecasts_document(forecasts: list[Forecast], compared: bool) -> dict[str, Any]:
    """The JSON document of a run: one forecast's document, or ``{"results": [...]}`` when compared."""
    documents = [forecast.to_dict() for forecast in forecasts]
    return {"results": documents} if compared else documents[0]


def documents_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-model forecast documents inside a result document (the inverse of the wrapping above)."""
    return result["results"] if "results" in result else [result]
