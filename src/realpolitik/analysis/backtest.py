"""Backtest the models on DEU III: forecast every issue, compare with what was decided.

Every model runs through the same path as a forecast
(``realpolitik.forecast.MODELS[name].run_issue``), one issue at a time, with
weights ``w = capability x salience`` where capability follows a documented rule:

* ``gdp`` (default): the file's GDP row (line 2); it gives the Commission and the
  Parliament each the figure of the largest member state (4.1, Germany's);
* ``council-votes``: each member state's weighted votes in the Council under the
  Treaty of Nice as amended by the accession treaties (Protocol No 36 on
  transitional provisions, Article 3, TFEU; 352 votes for 28 states, in force
  from November 2004 to October 2014, and on request to March 2017), with the
  Commission and the Parliament given the largest member state's votes (29), the
  same rule as the GDP row. For proposals decided before November 2004, under the
  earlier weights, it is an approximation;
* ``equal``: every actor the same.

``salience="equal"`` drops the saliences from the weights (``w = capability``).
With ``capability="equal", salience="equal"`` the compromise model is the plain
mean of positions.

Scores per model, over the usable issues (errors ``|forecast - outcome|`` on the
0..100 scale): mean absolute error, median absolute error, the share of issues
within 10 points (``|error| <= 10``) and the number of issues, overall, by
legislative procedure (COD, CNS) and by Council voting rule (QMV, unanimity, ...).
Every model is also scored as a probabilistic forecast (CRPS, log score, interval
coverage and width, PIT histogram, dossier bootstrap against the compromise model):
:mod:`realpolitik.analysis.backtest_scores`.

Fitted models (:mod:`realpolitik.analysis.fitted`) are scored leave-one-dossier-out:
each dossier's forecasts come from a fit on the other dossiers alone. So is
``calibrated``, the median of the calibrated forecast of the compromise model
(:mod:`realpolitik.analysis.calibrated`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from realpolitik.analysis.backtest_scores import score_models
from realpolitik.analysis.deu3_calibration import calibrated_out_of_sample
from realpolitik.analysis.fitted import ConvexCombination, FittedCapability, SnapToPosition, leave_one_group_out
from realpolitik.choices import BASE_MODELS, DEFAULT_MODELS, FITTED_MODELS, PROCEDURAL_MODELS
from realpolitik.forecast import MODELS, ForecastRequestError, resolve_options
from realpolitik.io.deu3 import ACTORS, Deu3Dataset, Deu3Issue
from realpolitik.models.veto import VetoOptions
from realpolitik.models.veto.eu_procedures import NICE_COUNCIL_VOTES, eu_procedure_outcome
from realpolitik.scenario import TableArrays

CapabilityRule = Literal["gdp", "council-votes", "equal"]
SalienceRule = Literal["recorded", "equal"]
CAPABILITY_RULES: tuple[str, ...] = ("gdp", "council-votes", "equal")
SALIENCE_RULES: tuple[str, ...] = ("recorded", "equal")
WITHIN = 10.0

INSTITUTIONS = ("com", "ep")

LEAVE_ONE_DOSSIER_OUT = "leave-one-dossier-out"


def actor_capability(actor: str, rule: CapabilityRule, gdp: Mapping[str, float]) -> float:
    """The capability of ``actor`` (a DEU III code) under ``rule``; ``gdp`` maps actors to the GDP row."""
    if rule == "gdp":
        return gdp[actor]
    if rule == "equal":
        return 1.0
    if rule == "council-votes":
        return float(max(NICE_COUNCIL_VOTES.values()) if actor in INSTITUTIONS else NICE_COUNCIL_VOTES[actor])
    raise ForecastRequestError(f"unknown capability rule '{rule}' (rules: {', '.join(CAPABILITY_RULES)})")


def capability(issue: Deu3Issue, rule: CapabilityRule) -> np.ndarray:
    """The capability of each participant of ``issue`` under ``rule``, ``(N,)``."""
    gdp = dict(zip(issue.arrays.actors, issue.arrays.capability.tolist()))
    return np.asarray([actor_capability(actor, rule, gdp) for actor in issue.arrays.actors])


def salience(issue: Deu3Issue, rule: SalienceRule) -> np.ndarray:
    """The salience (0..1) of each participant of ``issue`` under ``rule``, ``(N,)``."""
    if rule == "recorded":
        return issue.arrays.salience
    if rule == "equal":
        return np.ones(len(issue.arrays.actors))
    raise ForecastRequestError(f"unknown salience rule '{rule}' (rules: {', '.join(SALIENCE_RULES)})")


@dataclass(frozen=True)
class Scores:
    """Accuracy over a set of issues."""

    mae: float
    median_ae: float
    within_10: float
    n: int

    @classmethod
    def of(cls, errors: np.ndarray) -> Scores:
        errors = np.abs(np.asarray(errors, dtype=float))
        return cls(float(errors.mean()), float(np.median(errors)), float(np.mean(errors <= WITHIN)), int(errors.size))

    def to_dict(self) -> dict[str, Any]:
        return {"mae": self.mae, "median_ae": self.median_ae, "within_10": self.within_10, "n": self.n}


@dataclass
class ModelScores:
    """One model's forecasts on every issue and their scores."""

    model: str
    title: str
    forecasts: np.ndarray
    overall: Scores
    by_procedure: dict[str, Scores]
    by_voting_rule: dict[str, Scores]
    options: dict[str, Any] = field(default_factory=dict)
    validation: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    probabilistic: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "title": self.title,
            **self.overall.to_dict(),
            "options": self.options,
            "validation": self.validation,
            "by_procedure": {group: scores.to_dict() for group, scores in self.by_procedure.items()},
            "by_voting_rule": {group: scores.to_dict() for group, scores in self.by_voting_rule.items()},
            "parameters": self.parameters,
            **self.probabilistic,
        }


@dataclass
class Backtest:
    """Every model's scores on one dataset under one capability and salience rule."""

    dataset: Deu3Dataset
    capability: str
    salience: str
    models: list[ModelScores]
    calibration: dict[str, Any] | None = None
    climatology: dict[str, Any] | None = None

    def model(self, name: str) -> ModelScores:
        return next(result for result in self.models if result.model == name)

    def to_frame(self):
        """One row per model as a pandas DataFrame (needs the ``pandas`` extra); see :mod:`realpolitik.notebook`."""
        from realpolitik.notebook import backtest_table

        return backtest_table(self).to_frame()

    def _repr_html_(self) -> str:
        from realpolitik.notebook import backtest_table

        return backtest_table(self).to_html()

    def to_dict(self) -> dict[str, Any]:
        issues = self.dataset.issues
        return {
            "dataset": "deu3",
            "data": self.dataset.path,
            "capability": self.capability,
            "salience": self.salience,
            "issues_scored": len(issues),
            "dossiers": len(self.dataset.dossiers),
            "skipped_without_outcome": self.dataset.skipped_without_outcome,
            "skipped_without_positions": self.dataset.skipped_without_positions,
            "models": [result.to_dict() for result in self.models],
            "calibration": self.calibration,
            "climatology": self.climatology,
            "issues": [
                {
                    "issue": issue.name,
                    "dossier": issue.dossier,
                    "procedure": issue.procedure,
                    "voting_rule": issue.voting_rule,
                    "reference_point": issue.arrays.issue.status_quo,
                    "outcome": issue.outcome,
                    "forecasts": {result.model: float(result.forecasts[index]) for result in self.models},
                }
                for index, issue in enumerate(issues)
            ],
        }


def _model_and_preset(name: str) -> tuple[str, str | None]:
    """``"eum:bdm-pairwise"`` -> ``("eum", "bdm-pairwise")``; ``"nash"`` -> ``("nash", None)``."""
    model, _, preset = name.partition(":")
    return model, preset or None


def parse_models(names: list[str] | tuple[str, ...]) -> list[str]:
    """Check model names (``compromise``, ``eum:bdm-pairwise``, ``ensemble``...); raises on unknown ones."""
    for name in names:
        if name in FITTED_MODELS:
            continue
        model, preset = _model_and_preset(name)
        if model not in MODELS:
            known = ", ".join([*MODELS, *FITTED_MODELS])
            raise ForecastRequestError(f"unknown model '{name}' (models: {known}; a preset as 'eum:bdm-pairwise')")
        resolve_options(model, preset)
    return list(dict.fromkeys(names))


def forecast_issues(dataset: Deu3Dataset, name: str, capability_rule: CapabilityRule = "gdp",
                    salience_rule: SalienceRule = "recorded") -> np.ndarray:
    """A base model's forecast of every issue, ``(I,)``; ``name`` is ``model`` or ``model:preset``."""
    model, preset = _model_and_preset(name)
    spec, options = MODELS[model], resolve_options(model, preset)
    if spec.run_issue is None:
        return _forecast_by_dossier(dataset, spec.run_table, options, capability_rule, salience_rule)
    if isinstance(options, VetoOptions) and options.roles == "eu_procedure":
        return np.array([eu_procedure_outcome(issue.arrays.actors, issue.arrays.position[None],
                                              salience(issue, salience_rule)[None],
                                              capability(issue, capability_rule)[None], issue.arrays.issue.status_quo,
                                              issue.procedure, issue.voting_rule, options)[0]
                         for issue in dataset.issues])
    forecasts = np.empty(len(dataset.issues))
    for index, issue in enumerate(dataset.issues):
        run = spec.run_issue(issue.arrays.issue, issue.arrays.position[None],
                             salience(issue, salience_rule)[None], capability(issue, capability_rule)[None], options)
        forecasts[index] = run.forecast[0]
    return forecasts


def _forecast_by_dossier(dataset: Deu3Dataset, run_table, options, capability_rule: CapabilityRule,
                         salience_rule: SalienceRule) -> np.ndarray:
    """Forecasts ``(I,)`` of a model that spans issues (SMP, exchange): each dossier's issues
    are negotiated together, as one table of the actors taking part in any of them."""
    by_dossier: dict[str, list[int]] = {}
    for index, issue in enumerate(dataset.issues):
        by_dossier.setdefault(issue.dossier, []).append(index)
    forecasts = np.empty(len(dataset.issues))
    for indices in by_dossier.values():
        issues = [dataset.issues[index] for index in indices]
        actors = list(dict.fromkeys(actor for issue in issues for actor in issue.arrays.actors))
        row = {actor: number for number, actor in enumerate(actors)}
        shape = (len(actors), len(issues))
        position, saliences, capabilities = np.full(shape, np.nan), np.zeros(shape), np.zeros(shape)
        for k, issue in enumerate(issues):
            rows = [row[actor] for actor in issue.arrays.actors]
            position[rows, k] = issue.arrays.position
            saliences[rows, k] = salience(issue, salience_rule)
            capabilities[rows, k] = capability(issue, capability_rule)
        table = TableArrays(actors, [issue.arrays.issue.name for issue in issues], position, saliences,
                            capabilities, np.array([issue.arrays.issue.scale_min for issue in issues]),
                            np.array([issue.arrays.issue.scale_max for issue in issues]))
        forecasts[indices] = run_table(table, options).forecast
    return forecasts


def actor_table(dataset: Deu3Dataset, salience_rule: SalienceRule = "recorded") -> tuple[np.ndarray, np.ndarray]:
    """Every issue over every actor: ``position (I, A)`` (NaN where the actor takes no part)
    and ``salience (I, A)``, the actors in the order of :data:`realpolitik.io.deu3.ACTORS`."""
    column = {actor: index for index, actor in enumerate(ACTORS)}
    position = np.full((len(dataset.issues), len(ACTORS)), np.nan)
    saliences = np.zeros_like(position)
    for row, issue in enumerate(dataset.issues):
        columns = [column[actor] for actor in issue.arrays.actors]
        position[row, columns] = issue.arrays.position
        saliences[row, columns] = salience(issue, salience_rule)
    return position, saliences


def _score(name: str, title: str, forecasts: np.ndarray, dataset: Deu3Dataset, **extra: Any) -> ModelScores:
    outcome = np.asarray([issue.outcome for issue in dataset.issues])
    errors = forecasts - outcome

    def grouped(key: str) -> dict[str, Scores]:
        labels = np.asarray([getattr(issue, key) for issue in dataset.issues])
        return {label: Scores.of(errors[labels == label]) for label in sorted(set(labels.tolist()))}

    return ModelScores(name, title, forecasts, Scores.of(errors), grouped("procedure"), grouped("voting_rule"),
                       **extra)


def _ensemble_scores(dataset: Deu3Dataset, stacked: np.ndarray, outcome: np.ndarray) -> ModelScores:
    """The convex combination of the base forecasts ``stacked (I, K)``, scored leave-one-dossier-out."""
    def fit_and_predict(train: np.ndarray, held: np.ndarray) -> np.ndarray:
        return ConvexCombination().fit(stacked[train], outcome[train]).predict(stacked[held])

    forecasts = leave_one_group_out([issue.dossier for issue in dataset.issues], fit_and_predict)
    weights = ConvexCombination().fit(stacked, outcome).weights_
    return _score("ensemble", FITTED_MODELS["ensemble"], forecasts, dataset, options={"components": list(BASE_MODELS)},
                  validation=LEAVE_ONE_DOSSIER_OUT,
                  parameters={"weights_fitted_on_all_issues": dict(zip(BASE_MODELS, weights.tolist()))})


def _compromise_snap_scores(dataset: Deu3Dataset, compromise: np.ndarray, position: np.ndarray,
                            outcome: np.ndarray) -> ModelScores:
    """The compromise forecasts snapped to the nearest position, scored leave-one-dossier-out."""
    def fit_and_predict(train: np.ndarray, held: np.ndarray) -> np.ndarray:
        snap = SnapToPosition().fit(compromise[train], position[train], outcome[train])
        return snap.predict(compromise[held], position[held])

    forecasts = leave_one_group_out([issue.dossier for issue in dataset.issues], fit_and_predict)
    distance = SnapToPosition().fit(compromise, position, outcome).distance_
    return _score("compromise-snap", FITTED_MODELS["compromise-snap"], forecasts, dataset,
                  validation=LEAVE_ONE_DOSSIER_OUT, parameters={"distance_fitted_on_all_issues": distance})


def _fitted_capability_scores(dataset: Deu3Dataset, position: np.ndarray, saliences: np.ndarray,
                              outcome: np.ndarray) -> dict[str, ModelScores]:
    """The compromise model with fitted capabilities, plain and snapped to the nearest position, both
    scored leave-one-dossier-out from the same fits. The snapping distance is fitted on the
    training dossiers' in-sample forecasts."""
    def fit_and_predict(train: np.ndarray, held: np.ndarray) -> np.ndarray:
        fitted = FittedCapability().fit(position[train], saliences[train], outcome[train])
        snap = SnapToPosition().fit(fitted.predict(position[train], saliences[train]), position[train], outcome[train])
        forecast = fitted.predict(position[held], saliences[held])
        return np.column_stack([forecast, snap.predict(forecast, position[held])])

    forecasts = leave_one_group_out([issue.dossier for issue in dataset.issues], fit_and_predict)
    fitted = FittedCapability().fit(position, saliences, outcome)
    distance = SnapToPosition().fit(fitted.predict(position, saliences), position, outcome).distance_
    capabilities = {"capability_fitted_on_all_issues": dict(zip(ACTORS, fitted.capability_.tolist()))}
    options = {"smoothing": fitted.smoothing}
    return {
        "fitted-capability": _score("fitted-capability", FITTED_MODELS["fitted-capability"], forecasts[:, 0],
                                    dataset, options=options, validation=LEAVE_ONE_DOSSIER_OUT,
                                    parameters=capabilities),
        "fitted-capability-snap": _score("fitted-capability-snap", FITTED_MODELS["fitted-capability-snap"],
                                         forecasts[:, 1], dataset, options=options, validation=LEAVE_ONE_DOSSIER_OUT,
                                         parameters={**capabilities, "distance_fitted_on_all_issues": distance}),
    }


def _calibration(dataset: Deu3Dataset, names: list[str], capability_rule: CapabilityRule,
                 salience_rule: SalienceRule, draws: int, seed: int) -> dict[str, Any]:
    """Coverage of the Monte Carlo intervals of every unfitted model in ``names`` (see
    :mod:`realpolitik.analysis.calibration`)."""
    from realpolitik.analysis.calibration import dataset_scenario, interval_coverage
    from realpolitik.analysis.distributed import dask_client
    from realpolitik.analysis.montecarlo import INTERVALS, SimulationRequestError, check_draws_and_seed
    from realpolitik.scenario import Uncertainty

    try:
        check_draws_and_seed(draws, seed)
    except SimulationRequestError as error:
        raise ForecastRequestError(str(error)) from None
    capabilities = {actor: actor_capability(actor, capability_rule, dataset.gdp) for actor in ACTORS}
    scenario = dataset_scenario(dataset, capabilities, [salience(issue, salience_rule) for issue in dataset.issues])
    outcome = np.asarray([issue.outcome for issue in dataset.issues])
    coverages = []
    with dask_client() as client:
        for name in names:
            if name not in FITTED_MODELS and name not in PROCEDURAL_MODELS:
                model, preset = _model_and_preset(name)
                coverages.append(interval_coverage(scenario, outcome, model, resolve_options(model, preset), draws,
                                                   seed, client).to_dict() | {"model": name})
    return {"draws": draws, "seed": seed, "noise": Uncertainty().model_dump(), "levels": list(INTERVALS),
            "models": coverages}


def run_backtest(dataset: Deu3Dataset, models: list[str] | tuple[str, ...] = DEFAULT_MODELS,
                 capability_rule: CapabilityRule = "gdp", salience_rule: SalienceRule = "recorded",
                 calibration_draws: int = 0, seed: int = 0,
                 progress: Callable[[int], None] | None = None) -> Backtest:
    """Forecast every usable issue with every model in ``models`` and score the forecasts.

    With ``calibration_draws > 0``, also the coverage of each unfitted model's Monte Carlo
    intervals (that many draws per issue, from ``seed``). ``progress(n)`` is called with the
    number of models scored so far (then once more when the interval coverage is done).
    """
    names = parse_models(models)
    capability(dataset.issues[0], capability_rule)  # an unknown rule raises here, before any work
    salience(dataset.issues[0], salience_rule)
    outcome = np.asarray([issue.outcome for issue in dataset.issues])
    base: dict[str, np.ndarray] = {}

    def base_forecasts(name: str) -> np.ndarray:
        if name not in base:
            base[name] = forecast_issues(dataset, name, capability_rule, salience_rule)
        return base[name]

    position, saliences = actor_table(dataset, salience_rule)
    fitted_capability: dict[str, ModelScores] = {}
    own_distributions: dict[str, Any] = {}
    results = []
    for name in names:
        if name == "ensemble":
            stacked = np.column_stack([base_forecasts(component) for component in BASE_MODELS])
            results.append(_ensemble_scores(dataset, stacked, outcome))
        elif name == "compromise-snap":
            results.append(_compromise_snap_scores(dataset, base_forecasts("compromise"), position, outcome))
        elif name in ("fitted-capability", "fitted-capability-snap"):
            fitted_capability = fitted_capability or _fitted_capability_scores(dataset, position, saliences, outcome)
            results.append(fitted_capability[name])
        elif name == "calibrated":
            out_of_sample = calibrated_out_of_sample(dataset, base_forecasts("compromise"), capability_rule,
                                                     salience_rule)
            own_distributions[name] = (out_of_sample.distributions, out_of_sample.intervals)
            results.append(_score(name, FITTED_MODELS[name], out_of_sample.medians, dataset,
                                  validation=LEAVE_ONE_DOSSIER_OUT, options={"model": "compromise"}))
        else:
            model, preset = _model_and_preset(name)
            title = MODELS[model].title + (f" (preset {preset})" if preset else "")
            options = resolve_options(model, preset).model_dump(mode="json")
            results.append(_score(name, title, base_forecasts(name), dataset, options=options))
        if progress is not None:
            progress(len(results))
    calibration = (_calibration(dataset, names, capability_rule, salience_rule, calibration_draws, seed)
                   if calibration_draws else None)
    climatology = score_models(dataset, results, own_distributions, seed)
    return Backtest(dataset, capability_rule, salience_rule, results, calibration, climatology)
