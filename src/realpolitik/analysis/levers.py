"""Levers: which single change moves a forecast most, and what-if shocks.

**Sweep** (one at a time). For every issue, every participating actor and every
attribute, the forecast after a step change of that one number, all else at the
scenario's values. Steps (:class:`LeverSteps`, defaults):

* position: ± 10% of the issue's scale width, clipped to the scale;
* salience: ± 10 points, clipped to 0..100;
* capability (the actor's capability on that issue): × 1.25 and ÷ 1.25.

All 6N changed tables of an issue (plus the unchanged one) go through the model as
one batch. Levers are ranked by their swing, the larger of the two moves of the
forecast (a tornado); the strongest single change is the step with the largest move.
For the compromise model the move has a closed form: shifting actor i's position by
d moves the forecast by ``d w_i / Σ w`` (``w = c s``).

**Target agreement.** On an issue with veto players, the same steps can be ranked by
how far they move ``P(agreement)`` instead (``target="agreement"``): every changed
table is perturbed by the same ``draws`` standard normal numbers of the scenario's
noise model (common random numbers, so a difference between two steps is not noise
between two samples), each draw's settlement is judged by the veto players
(:mod:`realpolitik.analysis.agreement`), and a step's value is its share of agreements.

**Shocks** (what-if). Expressions of :mod:`realpolitik.analysis.expressions` applied in
the order given; every issue is forecast before and after, and the difference
reported. A capability shock on one issue becomes a per-issue override, so the
actor's other issues keep their capability.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from realpolitik import budget
from realpolitik.analysis.distributed import dask_client, map_in_order
from realpolitik.analysis.expressions import Shock, parse_shock, valid_range
from realpolitik.analysis.montecarlo import ValueTable, deal
from realpolitik.forecast import MODELS, resolve_options
from realpolitik.scenario import Issue, Scenario, Uncertainty, load_scenario_dict

ATTRIBUTES = ("position", "salience", "capability")
#: Draws per changed table when levers are ranked by P(agreement).
AGREEMENT_DRAWS = 200
#: A lever on P(agreement) that changes fewer draws than this is said to be within the noise of the count.
FEW_DRAWS = 5


@dataclass(frozen=True)
class LeverSteps:
    """The step changes of a sweep."""

    position_percent_of_scale: float = 10.0
    salience_points: float = 10.0
    capability_factor: float = 1.25

    def __post_init__(self) -> None:
        if not (self.position_percent_of_scale > 0 and self.salience_points > 0 and self.capability_factor > 1):
            raise ValueError("lever steps must be positive, and the capability factor above 1")

    def changed(self, attribute: str, value: float, issue: Issue) -> tuple[float, float]:
        """``(down, up)``: the value after a step each way, within the valid range."""
        if attribute == "capability":
            return value / self.capability_factor, value * self.capability_factor
        step = (self.position_percent_of_scale / 100.0 * (issue.scale_max - issue.scale_min)
                if attribute == "position" else self.salience_points)
        low, high = (issue.scale_min, issue.scale_max) if attribute == "position" else (0.0, 100.0)
        return max(low, value - step), min(high, value + step)

    def describe(self) -> str:
        return (f"position ±{self.position_percent_of_scale:g}% of the scale, salience ±{self.salience_points:g} "
                f"points, capability ×/÷{self.capability_factor:g}")

    def to_dict(self) -> dict[str, float]:
        return {"position_percent_of_scale": self.position_percent_of_scale,
                "salience_points": self.salience_points, "capability_factor": self.capability_factor}


@dataclass(frozen=True)
class Step:
    """One direction of a lever: the changed value, the forecast, and its move from the baseline."""

    value: float
    forecast: float
    change: float

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "forecast": self.forecast, "change": self.change}


@dataclass(frozen=True)
class Lever:
    """One actor's attribute on one issue, stepped down and up."""

    actor: str
    attribute: str
    current: float
    down: Step
    up: Step

    @property
    def swing(self) -> float:
        """The larger of the two moves of the forecast."""
        return max(abs(self.down.change), abs(self.up.change))

    def strongest(self) -> tuple[Literal["down", "up"], Step]:
        """The direction that moves the forecast more (down on a tie)."""
        return ("up", self.up) if abs(self.up.change) > abs(self.down.change) else ("down", self.down)

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "attribute": self.attribute, "current": self.current,
                "down": self.down.to_dict(), "up": self.up.to_dict(), "swing": self.swing}


@dataclass
class IssueLevers:
    """Every lever of one issue, strongest first; ``target`` says what the steps move:
    the forecast, or ``P(agreement)`` (then ``baseline`` and each step's value are shares)."""

    issue: Issue
    baseline: float
    levers: list[Lever]
    target: Literal["forecast", "agreement"] = "forecast"
    draws: int | None = None

    def strongest(self) -> Lever | None:
        """The lever with the largest swing; None when no single step moves the forecast."""
        return self.levers[0] if self.levers and self.levers[0].swing > 0 else None

    def tied_with_strongest(self) -> list[Lever]:
        """The other levers whose swing equals the strongest one's (to 1e-9)."""
        lead = self.strongest()
        if lead is None:
            return []
        return [lever for lever in self.levers[1:] if abs(lever.swing - lead.swing) <= 1e-9 * max(1.0, lead.swing)]

    def sentence(self) -> str:
        """``"The single change that moves the ... forecast most is ..."`` in words, naming any equally strong."""
        lever = self.strongest()
        if self.target == "agreement":
            if lever is None:
                return (f"No single step change moves P(agreement) on {self.issue.name} "
                        f"({self.baseline:.0%} over {self.draws} draws).")
            direction, step = lever.strongest()
            text = (f"The single change that moves P(agreement) on {self.issue.name} most is {lever.actor}'s "
                    f"{lever.attribute} {direction} from {lever.current:.4g} to {step.value:.4g}: P(agreement) goes "
                    f"from {self.baseline:.0%} to {step.forecast:.0%} ({100 * step.change:+.0f} points, "
                    f"{self.draws} draws).")
            changed = round(abs(step.change) * (self.draws or 0))
            if changed < FEW_DRAWS:
                text += (f" Only {changed} of the {self.draws} draws change: too few to tell the levers apart "
                         "(raise --draws).")
        elif lever is None:
            return f"No single step change moves the {self.issue.name} forecast ({self.baseline:.1f})."
        else:
            direction, step = lever.strongest()
            text = (f"The single change that moves the {self.issue.name} forecast most is {lever.actor}'s "
                    f"{lever.attribute} {direction} from {lever.current:.4g} to {step.value:.4g}: the forecast goes "
                    f"from {self.baseline:.1f} to {step.forecast:.1f} ({step.change:+.1f}).")
        ties = self.tied_with_strongest()
        if ties:
            named = ", ".join(f"{tie.actor}'s {tie.attribute} {tie.strongest()[0]}" for tie in ties)
            text += f" Equally strong: {named}."
        return text

    def to_dict(self) -> dict[str, Any]:
        lever = self.strongest()
        strongest = None
        if lever is not None:
            direction, step = lever.strongest()
            strongest = {"actor": lever.actor, "attribute": lever.attribute, "direction": direction,
                         "from": lever.current, "to": step.value, "forecast": step.forecast, "change": step.change}
        return {"issue": self.issue.name, "title": self.issue.label, "target": self.target, "draws": self.draws,
                "baseline": self.baseline, "strongest": strongest,
                "equally_strong": [{"actor": tie.actor, "attribute": tie.attribute} for tie in self.tied_with_strongest()],
                "sentence": self.sentence(), "levers": [item.to_dict() for item in self.levers]}


def _stepped_tables(table: ValueTable, index: int, steps: LeverSteps) -> tuple[list[tuple], np.ndarray]:
    """Every step of issue ``index``: ``changes[c] = (actor, attribute, column, current, down, up)``
    and the tables ``(1 + 2C, F)``: the unchanged one, then each change down and up."""
    columns = table.issues[index]
    changes = []
    for participant, actor in enumerate(columns.actors):
        for attribute in ATTRIBUTES:
            column = int(getattr(columns, attribute)[participant])
            current = float(table.value[column])
            changes.append((actor, attribute, column, current, *steps.changed(attribute, current, columns.issue)))
    rows = np.repeat(table.value[None], 1 + 2 * len(changes), axis=0)
    for number, (_, _, column, _, down, up) in enumerate(changes):
        rows[1 + 2 * number, column] = down
        rows[2 + 2 * number, column] = up
    return changes, rows


def sweep_issue(scenario: Scenario, model: str, options: BaseModel, steps: LeverSteps, index: int,
                draws: int | None = None, seed: int = 0) -> IssueLevers:
    """The levers of issue ``index``: one batch of ``1 + 6N`` tables through the model, or, with
    ``draws``, of ``(1 + 6N) x draws`` perturbed tables ranked by ``P(agreement)``."""
    return sweep_issues(scenario, model, options, steps, [index], draws, seed)[0]


def sweep_issues(scenario: Scenario, model: str, options: BaseModel, steps: LeverSteps, indices: Sequence[int],
                 draws: int | None = None, seed: int = 0) -> list[IssueLevers]:
    """The levers of the issues ``indices`` (see :func:`sweep_issue`). A model that spans issues runs
    the changed tables of every issue as one batch; a one-issue model runs one batch per issue."""
    noise = Uncertainty() if draws is None else scenario.uncertainty or Uncertainty()
    table = ValueTable.of(scenario, noise)  # without draws only the values are used, not the sds
    stepped = [_stepped_tables(table, index, steps) for index in indices]
    if draws is not None:
        normal = np.random.default_rng(seed).standard_normal((draws, len(table.value)))
        stepped = [(changes, table.perturbed(centers, normal).reshape(-1, len(table.value)))
                   for changes, centers in stepped]
    if MODELS[model].run_issue is None:
        every = table.table_forecasts(np.concatenate([rows for _, rows in stepped]), model, options)
        bounds = np.cumsum([0] + [len(rows) for _, rows in stepped])
        forecasts = [every[start:end, index] for start, end, index in zip(bounds[:-1], bounds[1:], indices)]
    else:
        forecasts = [table.issue_forecasts(rows, index, model, options) for (_, rows), index in zip(stepped, indices)]
    return [_issue_levers(table, index, changes, rows, forecast, draws)
            for index, (changes, rows), forecast in zip(indices, stepped, forecasts)]


def _issue_levers(table: ValueTable, index: int, changes: list[tuple], rows: np.ndarray, forecast: np.ndarray,
                  draws: int | None) -> IssueLevers:
    """The levers of issue ``index`` from the forecasts of its changed tables (with ``draws``: of their
    perturbed copies, judged by the veto players)."""
    target: Literal["forecast", "agreement"] = "forecast"
    if draws is not None:
        columns = table.issues[index]
        decided = deal(columns.issue, forecast, rows[:, columns.veto_position])
        if decided is None:
            raise ValueError(f"issue '{columns.issue.name}' declares no veto players")
        forecast = decided[0].reshape(1 + 2 * len(changes), draws).mean(axis=1)
        target = "agreement"
    issue = table.issues[index].issue
    baseline = float(forecast[0])
    levers = [Lever(actor, attribute, current,
                    Step(down, float(forecast[1 + 2 * number]), float(forecast[1 + 2 * number]) - baseline),
                    Step(up, float(forecast[2 + 2 * number]), float(forecast[2 + 2 * number]) - baseline))
              for number, (actor, attribute, _, current, down, up) in enumerate(changes)]
    levers.sort(key=lambda lever: -lever.swing)
    return IssueLevers(issue, baseline, levers, target, draws)


@dataclass(frozen=True)
class AppliedChange:
    """What one shock did to one number."""

    shock: str
    actor: str
    attribute: str
    issue: str | None
    before: float
    after: float
    clipped: bool

    def to_dict(self) -> dict[str, Any]:
        return {"shock": self.shock, "actor": self.actor, "attribute": self.attribute, "issue": self.issue,
                "before": self.before, "after": self.after, "clipped": self.clipped}


def apply_shocks(scenario: Scenario, shocks: Sequence[Shock]) -> tuple[Scenario, list[AppliedChange]]:
    """The scenario after the shocks, in order, and every number they changed."""
    data = scenario.model_dump()
    actors = {actor["name"]: actor for actor in data["actors"]}
    changes: list[AppliedChange] = []

    def change(shock: Shock, issue: str | None, before: float, attribute: str) -> float:
        low, high = valid_range(scenario, attribute, issue) if issue else (0.0, float("inf"))
        wanted = shock.applied_to(before)
        after = min(max(wanted, low), high)
        changes.append(AppliedChange(shock.text, shock.actor, attribute, issue, before, after, after != wanted))
        return after

    for shock in shocks:
        actor = actors[shock.actor]
        if shock.attribute in ("position", "salience"):
            for issue in [shock.issue] if shock.issue else list(actor["stances"]):
                stance = actor["stances"][issue]
                stance[shock.attribute] = change(shock, issue, stance[shock.attribute], shock.attribute)
        elif shock.issue is None:
            actor["capability"] = change(shock, None, actor["capability"], "capability")
            for issue, override in actor["capability_by_issue"].items():
                override["value"] = change(shock, issue, override["value"], "capability")
        else:
            override = actor["capability_by_issue"].setdefault(
                shock.issue, {"value": actor["capability"], "capability_sd": actor["capability_sd"],
                              "rationale": None})
            override["value"] = change(shock, shock.issue, override["value"], "capability")
    return load_scenario_dict(data), changes


@dataclass
class ShockResult:
    """Every issue's forecast before and after a set of shocks."""

    changes: list[AppliedChange]
    issues: list[tuple[Issue, float, float]]

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [item.to_dict() for item in self.changes],
                "issues": [{"issue": issue.name, "title": issue.label, "baseline": baseline, "shocked": shocked,
                            "difference": shocked - baseline} for issue, baseline, shocked in self.issues]}


def shock_forecasts(scenario: Scenario, model: str, options: BaseModel, shocks: Sequence[Shock]) -> ShockResult:
    """Forecast every issue of ``scenario`` before and after ``shocks``."""
    shocked, changes = apply_shocks(scenario, shocks)
    before, after = (ValueTable.of(item, Uncertainty()) for item in (scenario, shocked))
    baseline = before.forecasts(before.value[None], model, options)[0]
    moved = after.forecasts(after.value[None], model, options)[0]
    return ShockResult(changes, [(columns.issue, float(baseline[index]), float(moved[index]))
                                 for index, columns in enumerate(before.issues)])


@dataclass
class LeverAnalysis:
    """The lever sweep of every issue, and the outcome of any shocks."""

    scenario: str
    model: str
    preset: str | None
    options: BaseModel
    steps: LeverSteps
    issues: list[IssueLevers]
    shocks: ShockResult | None

    def issue(self, name: str) -> IssueLevers:
        return next(item for item in self.issues if item.issue.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "model": self.model, "preset": self.preset,
                "options": self.options.model_dump(), "steps": self.steps.to_dict(),
                "issues": [item.to_dict() for item in self.issues],
                "shocks": self.shocks.to_dict() if self.shocks is not None else None}




class LeverRequestError(ValueError):
    """Levers asked of an issue that cannot give them; ``issue`` and ``field`` say where."""

    def __init__(self, message: str, issue: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.issue, self.field = issue, field


def swept_issues(scenario: Scenario, names: Sequence[str] | None, target: Literal["forecast", "agreement"]) -> list[int]:
    """The indices of the issues to sweep: ``names`` (all when None; with target agreement,
    all that declare veto players). Raises :class:`LeverRequestError` for an unknown issue,
    or target agreement on an issue without veto players."""
    known = [issue.name for issue in scenario.issues]
    for name in names or []:
        if name not in known:
            raise LeverRequestError(f"no issue '{name}' in the scenario (issues: {', '.join(known)})", name, "issue")
    chosen = [known.index(name) for name in names] if names else list(range(len(known)))
    if target == "agreement":
        if not names:
            chosen = [index for index in chosen if scenario.issues[index].veto_players]
            if not chosen:
                raise LeverRequestError("--target agreement needs veto players, and no issue declares any",
                                        None, "veto_players")
        for index in chosen:
            issue = scenario.issues[index]
            if not issue.veto_players or issue.reversion_point is None:
                raise LeverRequestError("--target agreement needs veto players and a reversion point on the issue "
                                        "(none declared)", issue.name, "veto_players")
    return chosen


def analyse_levers(scenario: Scenario, model: str = "eum", options: BaseModel | None = None, *,
                   preset: str | None = None, steps: LeverSteps | None = None,
                   shocks: Sequence[str | Shock] = (), client: Any = None,
                   progress: Callable[[int], None] | None = None, issues: Sequence[str] | None = None,
                   target: Literal["forecast", "agreement"] = "forecast", draws: int = AGREEMENT_DRAWS,
                   seed: int = 0) -> LeverAnalysis:
    """The lever sweep of the chosen issues (all by default; one Dask task per issue, or one for
    them all with a model that spans issues) and the shocks' outcome.

    ``shocks`` are expressions such as ``"Russia.salience[ceasefire]=40"``; ``client`` is a
    Dask client (an in-process one is started when None); ``progress(n)`` is called with
    the number of issues swept so far. With ``target="agreement"`` the steps are ranked by
    how far they move ``P(agreement)`` over ``draws`` draws (seeded by ``seed``).
    """
    if options is None:
        options = resolve_options(model, preset)
    # a forecast per actor, attribute (position, salience, capability) and direction, and the baseline
    runs = (6 * len(scenario.actors) + 1) * (draws if target == "agreement" else 1)
    budget.check(model, len(scenario.actors), len(scenario.issues), options, runs, what="the lever sweep")
    steps = steps or LeverSteps()
    parsed = [item if isinstance(item, Shock) else parse_shock(item, scenario) for item in shocks]
    sample = draws if target == "agreement" else None
    chosen = swept_issues(scenario, issues, target)
    # A model that spans issues sweeps them all as one batch (one task); others one task per issue.
    groups = [chosen] if MODELS[model].run_issue is None else [[index] for index in chosen]
    tasks = [(scenario, model, options, steps, group, sample, seed) for group in groups]
    finished = 0

    def done(task: int) -> None:
        nonlocal finished
        finished += len(groups[task])
        if progress is not None:
            progress(finished)

    with nullcontext(client) if client is not None else dask_client() as active:
        issues = [item for swept in map_in_order(active, sweep_issues, tasks, done) for item in swept]
    outcome = shock_forecasts(scenario, model, options, parsed) if parsed else None
    return LeverAnalysis(scenario.name, model, preset, options, steps, issues, outcome)
