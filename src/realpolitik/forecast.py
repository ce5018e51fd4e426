"""Run a model on a scenario: ``run(scenario, model, options) -> Forecast``.

This is the one place where scenarios meet models. It holds the registry of models
(each a package under :mod:`realpolitik.models`, whose adapter turns arrays into a
:class:`~realpolitik.models.runs.IssueRun`, batched over draws so that the Monte Carlo
layer uses the same path with B > 1, or a :class:`~realpolitik.models.runs.TableRun`),
and turns their results into named rounds, moves and forecasts. Kernels never see
names; this module does no arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import BaseModel

from realpolitik.models import compromise, eum, exchange, median, nash, smp, veto
from realpolitik.models.runs import History, IssueRun, NoOptions, TableRun
from realpolitik.models.stability import CYCLE, Stability
from realpolitik.models.table_batch import TableBatch, TableBatchRun
from realpolitik.scenario import Scenario, TableArrays


@dataclass(frozen=True)
class ModelSpec:
    """What the forecast layer needs to know about a model.

    One-issue models give ``run_issue`` (batched over draws); models that span issues
    give ``run_table`` instead, and ``run_tables`` where they run a batch of tables at once
    (:mod:`realpolitik.models.table_batch`).
    """

    name: str
    title: str
    source: str
    options_type: type[BaseModel]
    presets: dict[str, BaseModel]
    run_issue: Callable[..., IssueRun] | None = None
    run_table: Callable[[TableArrays, BaseModel], TableRun] | None = None
    run_tables: Callable[[TableBatch, BaseModel], TableBatchRun] | None = None


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("compromise", "Compromise model (weighted mean)",
                  "Achen (2006), in The European Union Decides", NoOptions, {}, compromise.run_issue),
        ModelSpec("median", "Weighted median (median voter)",
                  "Black (1948), Journal of Political Economy 56(1)", NoOptions, {}, median.run_issue),
        ModelSpec("nash", "Nash bargaining solution",
                  "Nash (1950), Econometrica 18(2); Achen (2006)", nash.NashOptions, nash.PRESETS,
                  nash.run_issue),
        ModelSpec("eum", "Expected utility model",
                  "Bueno de Mesquita (1994); Scholz, Calbert & Smith (2011), JTP 23(4)", eum.EUMOptions,
                  eum.PRESETS, eum.run_issue),
        ModelSpec("smp", "Spatial Model of Politics (KTAB)",
                  "KAPSARC Toolkit for Behavioral Analysis (KTAB), Wise et al. (2015-2017)", smp.SMPOptions,
                  smp.PRESETS, run_table=smp.run_table, run_tables=smp.run_tables),
        ModelSpec("exchange", "Exchange model (equal gain)",
                  "Stokman & Van Oosten (1994), in European Community Decision Making",
                  exchange.ExchangeOptions, exchange.PRESETS, run_table=exchange.run_table,
                  run_tables=exchange.run_tables),
        ModelSpec("veto", "Veto players (winset of the reversion point)",
                  "Tsebelis (2002), Veto Players; Steunenberg (1994); Crombez (1996); Tsebelis & Garrett (2000)",
                  veto.VetoOptions, veto.PRESETS, veto.run_issue),
    )
}


class ForecastRequestError(ValueError):
    """An unknown model or preset, or options that do not fit the model."""


def resolve_options(model: str, preset: str | None = None, rounds: int | None = None,
                    overrides: dict[str, Any] | None = None) -> BaseModel:
    """The model's options: its preset (or defaults), with ``rounds`` and ``overrides`` applied."""
    if model not in MODELS:
        raise ForecastRequestError(f"unknown model '{model}' (models: {', '.join(MODELS)})")
    spec = MODELS[model]
    if preset is not None and preset not in spec.presets:
        known = ", ".join(spec.presets) or "none"
        raise ForecastRequestError(f"model '{model}' has no preset '{preset}' (presets: {known})")
    options = spec.presets[preset] if preset else spec.options_type()
    update = dict(overrides or {})
    if rounds is not None and "rounds" in spec.options_type.model_fields:
        update["rounds"] = rounds
    if update:
        try:
            options = spec.options_type.model_validate({**options.model_dump(), **update})
        except Exception as error:  # pydantic's ValidationError: report it in one line
            raise ForecastRequestError(f"options for model '{model}': {error}") from None
    return options


@dataclass
class Move:
    """An actor's accepted offer in a round: it moves to ``to`` because of ``with_``."""

    actor: str
    kind: str
    with_: str | None
    to: float

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "kind": self.kind, "with": self.with_, "to": self.to}


@dataclass
class Round:
    """The state of one issue after a round (round 0: the initial positions)."""

    round: int
    positions: dict[str, float]
    weighted_mean: float
    weighted_median: float
    risk_exponents: dict[str, float] | None = None
    moves: list[Move] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "round": self.round,
            "positions": self.positions,
            "weighted_mean": self.weighted_mean,
            "weighted_median": self.weighted_median,
        }
        if self.risk_exponents is not None:
            result["risk_exponents"] = self.risk_exponents
        result["moves"] = [move.to_dict() for move in self.moves]
        return result


@dataclass
class IssueStability:
    """Whether the trajectory converged, cycles or was still moving at the round limit, and the
    range of the forecast over the cycle (or the second half of the run); static models are
    converged after 0 rounds. See :mod:`realpolitik.models.stability`."""

    status: str
    rounds_run: int
    period: int | None
    low: float
    high: float

    @classmethod
    def of(cls, stability: Stability, draw: int = 0) -> IssueStability:
        period = int(stability.period[draw]) if stability.status[draw] == CYCLE else None
        return cls(stability.status_name(draw), stability.rounds_run, period, float(stability.low[draw]),
                   float(stability.high[draw]))

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "rounds_run": self.rounds_run, "period": self.period,
                "range": [self.low, self.high]}


@dataclass
class IssueForecast:
    """One model's forecast on one issue, with its rounds and its stability."""

    issue: Issue
    forecast: float
    rounds: list[Round]
    stop_reason: str | None = None
    stability: IssueStability | None = None
    #: The calibrated forecast (:class:`realpolitik.analysis.calibrated.CalibratedForecast`), where computed.
    calibrated: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue.name,
            "title": self.issue.label,
            "scale": [self.issue.scale_min, self.issue.scale_max],
            "anchors": {f"{point:g}": label for point, label in sorted(self.issue.anchors.items())},
            "status_quo": self.issue.status_quo,
            "forecast": self.forecast,
            "forecast_anchor": self.issue.anchor_text(self.forecast),
            "stop_reason": self.stop_reason,
            "stability": self.stability.to_dict() if self.stability else None,
            **({"calibrated": self.calibrated.to_dict()} if self.calibrated is not None else {}),
            "rounds": [r.to_dict() for r in self.rounds],
        }


@dataclass
class Forecast:
    """One model's forecast on every issue of a scenario."""

    model: str
    preset: str | None
    options: BaseModel
    scenario: str
    issues: list[IssueForecast]

    def issue(self, name: str) -> IssueForecast:
        return next(item for item in self.issues if item.issue.name == name)

    def to_frame(self):
        """One row per issue as a pandas DataFrame (needs the ``pandas`` extra); see :mod:`realpolitik.notebook`."""
        from realpolitik.notebook import forecast_table

        return forecast_table(self).to_frame()

    def _repr_html_(self) -> str:
        from realpolitik.notebook import forecast_table

        return forecast_table(self).to_html()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_title": MODELS[self.model].title if self.model in MODELS else self.model,
            "preset": self.preset,
            "options": self.options.model_dump(),
            "scenario": self.scenario,
            "issues": [item.to_dict() for item in self.issues],
        }


def _named_rounds(actors: list[str], history: History) -> list[Round]:
    """The rounds of ``history`` with its actors named (``actors``: the run's actor names)."""
    names = [actors[index] for index in history.actors.tolist()]
    rounds = []
    for t in range(history.positions.shape[0]):
        exponents = None
        if history.risk_exponents is not None and t > 0:
            exponents = dict(zip(names, history.risk_exponents[t - 1].tolist()))
        moves = [Move(actors[move.actor], move.kind, None if move.partner is None else actors[move.partner], move.to)
                 for move in history.moves[t]]
        rounds.append(Round(t, dict(zip(names, history.positions[t].tolist())), float(history.weighted_mean[t]),
                            float(history.weighted_median[t]), exponents, moves))
    return rounds


def run(scenario: Scenario, model: str = "eum", options: BaseModel | None = None,
        preset: str | None = None) -> Forecast:
    """Forecast every issue of ``scenario`` with ``model`` (issue by issue, or all issues at
    once for models that span them)."""
    if options is None:
        options = resolve_options(model, preset)
    spec = MODELS[model]
    if spec.run_table is not None:
        table = scenario.table_arrays()
        outcome = spec.run_table(table, options)
        return Forecast(model, preset, options, scenario.name,
                        [IssueForecast(issue, float(forecast), _named_rounds(table.actors, history),
                                       history.stop_reason, IssueStability.of(stability))
                         for issue, forecast, history, stability in zip(scenario.issues, outcome.forecast,
                                                                        outcome.histories, outcome.stabilities)])
    results = []
    for issue in scenario.issues:
        arrays = scenario.issue_arrays(issue.name)
        outcome = spec.run_issue(issue, arrays.position[None], arrays.salience[None], arrays.capability[None], options)
        history = outcome.history()
        results.append(IssueForecast(issue, float(outcome.forecast[0]), _named_rounds(arrays.actors, history),
                                     history.stop_reason, IssueStability.of(outcome.stability)))
    return Forecast(model, preset, options, scenario.name, results)
