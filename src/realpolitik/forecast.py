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
from realpolitik.models.median import median_voter
from realpolitik.models.nash import NashOptions, nash_bargaining
from realpolitik.models.nash import PRESETS as NASH_PRESETS
from realpolitik.models.weighted import weighted_mean, weighted_median
from realpolitik.scenario import Issue, Scenario


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


@dataclass(frozen=True)
class ModelSpec:
    """What the forecast layer needs to know about a model."""

    name: str
    title: str
    source: str
    options_type: type[BaseModel]
    presets: dict[str, BaseModel]
    run_issue: Callable[..., IssueRun]


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
    """Forecast every issue of ``scenario`` with ``model`` (issue by issue)."""
    if options is None:
        options = resolve_options(model, preset)
    spec = MODELS[model]
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
