"""Run a model on a scenario: ``run(scenario, model, options) -> Forecast``.

This is the one place where scenarios meet kernels. It turns each issue into
arrays, calls the model's kernel (batched over draws, so the Monte Carlo layer uses
the same path with B > 1), and turns the results back into named rounds, moves and
forecasts. Kernels never see names; this module never does arithmetic beyond
picking results apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from pydantic import BaseModel, ConfigDict

from realpolitik.models.compromise import compromise
from realpolitik.models.eum import MOVE_KINDS, EUMOptions, EUMTrajectory, run_eum
from realpolitik.models.eum import PRESETS as EUM_PRESETS
from realpolitik.models.exchange import PRESETS as EXCHANGE_PRESETS
from realpolitik.models.exchange import ExchangeOptions, run_exchange
from realpolitik.models.median import median_voter
from realpolitik.models.nash import NashOptions, nash_bargaining
from realpolitik.models.nash import PRESETS as NASH_PRESETS
from realpolitik.models.smp import PRESETS as SMP_PRESETS
from realpolitik.models.smp import SMPOptions, run_smp
from realpolitik.models.weighted import weighted_mean, weighted_median
from realpolitik.scenario import Issue, Scenario, TableArrays


class NoOptions(BaseModel):
    """A model without options."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class IssueRun:
    """A model's result on one issue for a batch of draws: ``forecast (B,)``, plus the
    trajectory of a dynamic model."""

    forecast: np.ndarray
    trajectory: EUMTrajectory | None = None


def _static(kernel: Callable[..., np.ndarray]) -> Callable[..., IssueRun]:
    def run_static(issue: Issue, position, salience, capability, options) -> IssueRun:
        return IssueRun(kernel(position, salience, capability))

    return run_static


def _run_nash(issue: Issue, position, salience, capability, options: NashOptions) -> IssueRun:
    return IssueRun(nash_bargaining(position, salience, capability, issue.scale_min, issue.scale_max,
                                    issue.status_quo, options))


def _run_eum(issue: Issue, position, salience, capability, options: EUMOptions) -> IssueRun:
    trajectory = run_eum(position, salience, capability, options)
    final = trajectory.weighted_median if options.forecast == "median" else trajectory.weighted_mean
    return IssueRun(final[-1], trajectory)


@dataclass
class TableRun:
    """A model's result on a whole table, for models that span issues: ``forecast (K,)``,
    the per-issue rounds (``Round`` lists, participants only) and why it stopped."""

    forecast: np.ndarray
    rounds: list[list[Round]]
    stop_reason: str


def _table_rounds(table: TableArrays, positions: np.ndarray, moves: list[list[list[Move]]]) -> list[list[Round]]:
    """Per issue, the rounds of ``positions (T, N, K)`` among its participants, with the
    weighted mean and median of their positions; ``moves[t][k]`` are round t's moves on issue k."""
    result = []
    for k in range(len(table.issues)):
        taking_part = np.flatnonzero(table.participates[:, k])
        names = [table.actors[n] for n in taking_part]
        weight = (table.capability[taking_part, k] * table.salience[taking_part, k])[None]
        issue_rounds = []
        for t in range(positions.shape[0]):
            here = positions[t, taking_part, k]
            issue_rounds.append(Round(t, dict(zip(names, here.tolist())), float(weighted_mean(here[None], weight)[0]),
                                      float(weighted_median(here[None], weight)[0]), None, moves[t][k]))
        result.append(issue_rounds)
    return result


def _run_smp(table: TableArrays, options: SMPOptions) -> TableRun:
    """KTAB's SMP on every issue at once (one issue per dimension).

    The SMP needs every actor on every dimension. Where an actor takes no part in an
    issue, it gets salience 0 there and sits at the participants' capability x salience
    weighted mean, so it neither pulls nor is pulled on that issue. Saliences are shares
    of an actor's attention in KTAB: an actor's saliences are divided by their sum where
    it exceeds 1. The actor's clout is its salience-weighted mean capability over the
    issues it takes part in; an actor that cares about nothing (or has no clout) has no
    say and keeps its positions. The forecast per issue is the participants' weighted
    mean of the last state.
    """
    weight = table.capability * table.salience
    taking_part = table.participates
    filler = np.nansum(np.where(taking_part, table.position, 0.0) * weight, axis=0) / np.maximum(
        weight.sum(axis=0), 1e-300)
    position = np.where(taking_part, table.position, filler[None, :])
    total = table.salience.sum(axis=1, keepdims=True)
    salience = np.where(total > 1.0, table.salience / np.where(total > 0, total, 1.0), table.salience)
    capability = (table.capability * table.salience).sum(axis=1) / np.where(total[:, 0] > 0, total[:, 0], 1.0)
    # Actors that care about nothing (every salience 0) have no say and never move.
    active = np.flatnonzero((total[:, 0] > 0) & (capability > 0))
    if len(active) < 2:
        rounds = _table_rounds(table, position[None], [[[] for _ in table.issues]])
        return TableRun(np.array([r[-1].weighted_mean for r in rounds]), rounds, "converged")
    result = run_smp(position[active], salience[active], capability[active], options,
                     scale=(table.scale_min, table.scale_max))
    states = np.repeat(position[None], result.positions.shape[0], axis=0)
    states[:, active] = result.positions
    moves: list[list[list[Move]]] = [[[] for _ in table.issues]]
    for t, turn in enumerate(result.turns, start=1):
        this_turn: list[list[Move]] = [[] for _ in table.issues]
        for member, chosen in enumerate(turn.adopted.tolist()):
            if chosen < 0:
                continue
            bargain = turn.bargains[chosen]
            actor = int(active[member])
            partner = int(active[bargain.receiver if bargain.initiator == member else bargain.initiator])
            for k in range(len(table.issues)):
                if taking_part[actor, k] and abs(states[t, actor, k] - states[t - 1, actor, k]) > 1e-12:
                    this_turn[k].append(Move(table.actors[actor], "bargain", table.actors[partner],
                                             float(states[t, actor, k])))
        moves.append(this_turn)
    rounds = _table_rounds(table, states, moves)
    forecast = np.array([issue_rounds[-1].weighted_mean for issue_rounds in rounds])
    return TableRun(forecast, rounds, result.stop_reason)


def _run_exchange(table: TableArrays, options: ExchangeOptions) -> TableRun:
    """Stokman and Van Oosten's exchange model on every issue at once; the forecast per
    issue is its expected outcome after the last round."""
    result = run_exchange(table.position, table.salience, table.capability, table.scale_min, table.scale_max,
                          options, table.participates)
    moves: list[list[list[Move]]] = [[[] for _ in table.issues]]
    for exchanges in result.exchanges:
        this_round: list[list[Move]] = [[] for _ in table.issues]
        for record in exchanges:
            this_round[record.issue_i].append(Move(table.actors[record.actor_i], "exchange",
                                                   table.actors[record.actor_j], record.position_i_after))
            this_round[record.issue_j].append(Move(table.actors[record.actor_j], "exchange",
                                                   table.actors[record.actor_i], record.position_j_after))
        moves.append(this_round)
    rounds = _table_rounds(table, result.positions, moves)
    return TableRun(np.asarray(result.forecast, dtype=float), rounds, "round limit")


@dataclass(frozen=True)
class ModelSpec:
    """What the forecast layer needs to know about a model.

    One-issue models give ``run_issue`` (batched over draws); models that span issues
    give ``run_table`` instead.
    """

    name: str
    title: str
    source: str
    options_type: type[BaseModel]
    presets: dict[str, BaseModel]
    run_issue: Callable[..., IssueRun] | None = None
    run_table: Callable[[TableArrays, BaseModel], TableRun] | None = None


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("compromise", "Compromise model (weighted mean)",
                  "Achen (2006), in The European Union Decides", NoOptions, {}, _static(compromise)),
        ModelSpec("median", "Weighted median (median voter)",
                  "Black (1948), Journal of Political Economy 56(1)", NoOptions, {}, _static(median_voter)),
        ModelSpec("nash", "Nash bargaining solution",
                  "Nash (1950), Econometrica 18(2); Achen (2006)", NashOptions, NASH_PRESETS, _run_nash),
        ModelSpec("eum", "Expected utility model",
                  "Bueno de Mesquita (1994); Scholz, Calbert & Smith (2011), JTP 23(4)", EUMOptions, EUM_PRESETS,
                  _run_eum),
        ModelSpec("smp", "Spatial Model of Politics (KTAB)",
                  "KAPSARC Toolkit for Behavioral Analysis (KTAB), Wise et al. (2015-2017)", SMPOptions, SMP_PRESETS,
                  run_table=_run_smp),
        ModelSpec("exchange", "Exchange model (equal gain)",
                  "Stokman & Van Oosten (1994), in European Community Decision Making", ExchangeOptions,
                  EXCHANGE_PRESETS, run_table=_run_exchange),
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
class IssueForecast:
    """One model's forecast on one issue, with its rounds."""

    issue: Issue
    forecast: float
    rounds: list[Round]
    stop_reason: str | None = None

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_title": MODELS[self.model].title if self.model in MODELS else self.model,
            "preset": self.preset,
            "options": self.options.model_dump(),
            "scenario": self.scenario,
            "issues": [item.to_dict() for item in self.issues],
        }


def _rounds_from_trajectory(actors: list[str], trajectory: EUMTrajectory) -> list[Round]:
    rounds = []
    for t in range(trajectory.rounds_run + 1):
        positions = trajectory.positions[t, 0]
        exponents = None
        moves: list[Move] = []
        if t > 0:
            exponents = dict(zip(actors, trajectory.risk_exponents[t - 1, 0].tolist()))
            for index, kind in enumerate(trajectory.move_kind[t - 1, 0].tolist()):
                if kind:
                    partner = int(trajectory.move_partner[t - 1, 0, index])
                    moves.append(Move(actors[index], MOVE_KINDS[kind], actors[partner], float(positions[index])))
        rounds.append(Round(t, dict(zip(actors, positions.tolist())), float(trajectory.weighted_mean[t, 0]),
                            float(trajectory.weighted_median[t, 0]), exponents, moves))
    return rounds


def run(scenario: Scenario, model: str = "eum", options: BaseModel | None = None,
        preset: str | None = None) -> Forecast:
    """Forecast every issue of ``scenario`` with ``model`` (issue by issue, or all issues at
    once for models that span them)."""
    if options is None:
        options = resolve_options(model, preset)
    spec = MODELS[model]
    if spec.run_table is not None:
        outcome = spec.run_table(scenario.table_arrays(), options)
        return Forecast(model, preset, options, scenario.name,
                        [IssueForecast(issue, float(outcome.forecast[k]), outcome.rounds[k], outcome.stop_reason)
                         for k, issue in enumerate(scenario.issues)])
    results = []
    for issue in scenario.issues:
        arrays = scenario.issue_arrays(issue.name)
        position, salience, capability = (arrays.position[None], arrays.salience[None], arrays.capability[None])
        outcome = spec.run_issue(issue, position, salience, capability, options)
        if outcome.trajectory is not None:
            rounds = _rounds_from_trajectory(arrays.actors, outcome.trajectory)
            stop_reason = outcome.trajectory.stop_reason
        else:
            weight = capability * salience
            rounds = [Round(0, dict(zip(arrays.actors, arrays.position.tolist())),
                            float(weighted_mean(position, weight)[0]), float(weighted_median(position, weight)[0]))]
            stop_reason = None
        results.append(IssueForecast(issue, float(outcome.forecast[0]), rounds, stop_reason))
    return Forecast(model, preset, options, scenario.name, results)
