"""The stakeholder table: actors, issues, positions, saliences and capabilities.

A :class:`Scenario` is what every reader produces and every model consumes.
Values on the native scales:

* ``position``: a point on the issue's numeric scale ``[scale_min, scale_max]``;
* ``salience``: how much the actor cares, ``0..100`` (models use ``salience/100``);
* ``capability``: the actor's clout, any non-negative number (only ratios matter),
  optionally overridden per issue.

Every number may carry a one-line ``*_rationale`` (its source or reasoning), and
position, salience and capability a standard deviation (``*_sd``), written in YAML
as ``position: 30 ± 10`` (or ``30 +- 10``, ``30 +/- 10``); values without one take the
scenario-wide default noise model of :class:`Uncertainty` (used by Monte Carlo runs).
An actor without a stance on an issue does not take part in that issue. An actor may name
its ``bloc`` (a group such as ``EU``), which charts colour it by.

An issue may name its ``veto_players`` (actors whose consent an agreement needs), its
``reversion`` point (what holds without agreement; the status quo when left out, see
:attr:`Issue.reversion_point`) and an ``agenda_setter`` (the actor that proposes), each
with a rationale; :class:`IssueArrays` gives their indices among the issue's participants.

Validation never stops at the first problem: :func:`load_scenario_dict` collects
every problem, each located by file, row, actor, issue and field, and raises one
:class:`ScenarioError` listing them all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, WithJsonSchema, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from realpolitik.names import normalise_texts, scenario_text_problems, visible
from realpolitik.numbers import NUMBER_PATTERN, number_texts_in_mapping

#: Largest scenario accepted; the expected-utility round costs O(N^2 log N).
MAX_ACTORS = 20_000
#: Largest number of issues accepted.
MAX_ISSUES = 1_000
#: Largest capability accepted: models multiply capabilities (only their ratios matter), and
#: products of numbers near the float limit (1.8e308) overflow.
MAX_CAPABILITY = 1e100
#: Largest magnitude of a scale end, and the narrowest scale relative to it: models square
#: distances on the scale, and a scale of 0..5e-324 has no room between its ends.
MAX_SCALE_MAGNITUDE = 1e12
MIN_RELATIVE_SCALE_WIDTH = 1e-6


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    row: int | None = None
    actor: str | None = None
    issue: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.actor is not None:
            where.append(f"actor '{visible(self.actor)}'")
        if self.issue is not None:
            where.append(f"issue '{visible(self.issue)}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return (", ".join(where) + ": " if where else "") + self.message


class ScenarioError(ValueError):
    """Raised when an input cannot become a valid scenario; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)


_NUMBER = NUMBER_PATTERN  # ASCII digits only: "١٢" and "1_000" are not numbers
#: ``value ± sd`` (also ``+-`` and ``+/-``), e.g. ``30 ± 10``.
UNCERTAIN_NUMBER = re.compile(rf"^\s*({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})\s*$")


def _uncertain(description: str) -> WithJsonSchema:
    """The JSON Schema of a number that may be written ``value ± sd``."""
    return WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": UNCERTAIN_NUMBER.pattern}],
                           "description": description + " A number, or 'value ± sd' (also '+-', '+/-')."})


def _split_uncertain(data: Any, fields: dict[str, str]) -> Any:
    """Turn each ``field: "value ± sd"`` of a mapping into ``field: value`` and ``sd_field: sd``.

    ``fields`` maps a value field to its standard-deviation field. Anything else is left
    for validation to judge (a malformed string is then reported as not a number).
    """
    if not isinstance(data, dict):
        return data
    result = dict(data)
    for name, sd_name in fields.items():
        match = UNCERTAIN_NUMBER.match(result[name]) if isinstance(result.get(name), str) else None
        if match is None:
            continue
        if result.get(sd_name) is not None:
            raise ValueError(f"{name} is written '{result[name]}' and {sd_name} is given as well: give the "
                             "standard deviation once")
        result[name], result[sd_name] = float(match.group(1)), float(match.group(2))
    return result


class Issue(_Strict):
    """One negotiated issue on a numeric scale with labelled anchors."""

    name: str = Field(min_length=1, description="Short identifier, e.g. 'ceasefire'.")
    title: str | None = Field(None, description="Human-readable title.")
    description: str | None = None
    scale_min: float = Field(0.0, description="Lower end of the scale.")
    scale_max: float = Field(100.0, description="Upper end of the scale.")
    anchors: dict[float, str] = Field(
        default_factory=dict, description="Scale points and what they mean, e.g. {0: 'no ceasefire'}."
    )
    status_quo: float | None = Field(None, description="Reference point (status quo / disagreement point).")
    status_quo_rationale: str | None = None
    veto_players: list[str] = Field(
        default_factory=list, description="Actors whose consent an agreement needs (each takes part in the issue).")
    veto_players_rationale: str | None = None
    reversion: float | None = Field(
        None, description="What holds without agreement, on the scale; the status quo when left out.")
    reversion_rationale: str | None = None
    agenda_setter: str | None = Field(
        None, description="The actor that proposes what the veto players accept or reject (veto-player model).")
    agenda_setter_rationale: str | None = None
    #: The names of the actors taking part, in the scenario's order; set by :class:`Scenario`.
    _participants: tuple[str, ...] | None = PrivateAttr(None)

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def participants(self) -> tuple[str, ...]:
        """The actors taking part in the issue, in the order of the scenario's actors (the
        order of :meth:`Scenario.issue_arrays` and of the arrays a model receives)."""
        if self._participants is None:
            raise LookupError(f"issue '{self.name}' belongs to no scenario: its participants are unknown")
        return self._participants

    def veto_player_indices(self, participants: list[str] | tuple[str, ...] | None = None) -> np.ndarray:
        """Indices of the veto players among ``participants`` (default: :attr:`participants`),
        in declared order; empty when none are declared."""
        if not self.veto_players:
            return np.zeros(0, dtype=int)
        names = list(self.participants if participants is None else participants)
        return np.array([names.index(name) for name in self.veto_players], dtype=int)

    def agenda_setter_index(self, participants: list[str] | tuple[str, ...] | None = None) -> int | None:
        """Index of the agenda setter among ``participants`` (default: :attr:`participants`), or None."""
        if self.agenda_setter is None:
            return None
        return list(self.participants if participants is None else participants).index(self.agenda_setter)

    @property
    def reversion_point(self) -> float | None:
        """What holds without agreement: ``reversion``, else the status quo (None when neither is given)."""
        return self.status_quo if self.reversion is None else self.reversion

    def anchor_text(self, value: float) -> str:
        """The label of the anchor nearest to ``value`` (empty when the issue has none)."""
        if not self.anchors:
            return ""
        point = min(self.anchors, key=lambda a: (abs(a - value), a))
        return self.anchors[point]


class Stance(_Strict):
    """An actor's position on one issue and how much it cares about it."""

    position: Annotated[float, _uncertain("On the issue's scale.")]
    salience: Annotated[float, Field(json_schema_extra={"minimum": 0, "maximum": 100}), _uncertain("0..100.")]
    position_sd: float | None = Field(None, ge=0, description="Standard deviation of the position (scale units).")
    salience_sd: float | None = Field(None, ge=0, description="Standard deviation of the salience (points).")
    position_rationale: str | None = None
    salience_rationale: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_uncertain_numbers(cls, data: Any) -> Any:
        return _split_uncertain(data, {"position": "position_sd", "salience": "salience_sd"})


class IssueCapability(_Strict):
    """A per-issue override of an actor's capability."""

    value: Annotated[float, Field(json_schema_extra={"minimum": 0, "maximum": MAX_CAPABILITY}),
                     _uncertain("Capability on this issue, >= 0.")]
    capability_sd: float | None = Field(None, ge=0, description="Standard deviation of the value.")
    rationale: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_uncertain_numbers(cls, data: Any) -> Any:
        return _split_uncertain(data, {"value": "capability_sd"})


class Actor(_Strict):
    """A stakeholder: its clout and its stances on the issues it takes part in."""

    name: str = Field(min_length=1)
    title: str | None = None
    bloc: str | None = Field(
        None, min_length=1, description="The group the actor belongs to, a short name such as 'EU' or 'Russia and "
        "allies'; when any actor has one, charts colour actors by bloc (one colour per bloc, grey for none).")
    capability: Annotated[float, Field(json_schema_extra={"minimum": 0, "maximum": MAX_CAPABILITY}),
                          _uncertain("Clout, >= 0; only ratios between actors matter.")]
    capability_sd: float | None = Field(None, ge=0, description="Standard deviation of the capability.")
    capability_rationale: str | None = None
    capability_by_issue: dict[str, IssueCapability] = Field(default_factory=dict)
    stances: dict[str, Stance] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _split_uncertain_numbers(cls, data: Any) -> Any:
        return _split_uncertain(data, {"capability": "capability_sd"})

    @field_validator("bloc", mode="before")
    @classmethod
    def _bloc_is_a_name(cls, value: Any) -> Any:
        """One message for a bloc that is not a name (a number, a list, an empty text)."""
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise PydanticCustomError("bloc_type", "a bloc is a short name written as text, such as 'EU' or "
                                      "'Russia and allies'; leave it out for an actor in no bloc")
        return value

    def capability_on(self, issue: str) -> float:
        override = self.capability_by_issue.get(issue)
        return self.capability if override is None else override.value


class Uncertainty(_Strict):
    """The scenario-wide default noise model: the standard deviation of every value that
    gives no ``*_sd`` of its own. A scenario without this block gets these defaults."""

    position_sd_percent_of_scale: float = Field(
        5.0, ge=0, le=100, description="Standard deviation of positions, in percent of each issue's scale width.")
    salience_sd: float = Field(10.0, ge=0, le=100, description="Standard deviation of saliences, in points of 0..100.")
    capability_sd_percent: float = Field(
        10.0, ge=0, le=1000, description="Standard deviation of capabilities, in percent of the value.")


class Event(_Strict):
    """A dated development and what it changed in the table, as shock expressions
    (``Russia.salience[ceasefire]-=20``, see :mod:`realpolitik.analysis.expressions`).

    Events on or before the scenario's ``date`` led to the table as written; later events
    change it (see :mod:`realpolitik.analysis.events`)."""

    date: str = Field(description="When it happened (ISO 8601 date, YYYY-MM-DD).",
                      json_schema_extra={"format": "date"})
    title: str = Field(min_length=1, description="What happened, in a line.")
    source: str | None = Field(None, description="Where it was reported (outlet, date).")
    shocks: list[str] = Field(default_factory=list, description="What it changed, e.g. 'USA.position[aid]-=30'.")

    @model_validator(mode="before")
    @classmethod
    def _date_as_text(cls, data: Any) -> Any:
        """YAML reads an unquoted ``2025-03-18`` as a date: keep it as ISO text."""
        if isinstance(data, dict) and hasattr(data.get("date"), "isoformat"):
            data = {**data, "date": data["date"].isoformat()}
        return data


class Scenario(_Strict):
    """A complete stakeholder table."""

    name: str = Field(min_length=1)
    title: str | None = None
    description: str | None = None
    date: str | None = Field(None, description="The date the table describes (ISO 8601).")
    kind: str | None = Field(
        None, min_length=1,
        description="What kind of negotiation the table describes, e.g. 'EU legislation' or 'ceasefire talks'. A "
                    "calibration fitted on the same kind (compared ignoring case) is not borrowed; any other is, and "
                    "forecasts say so.")
    sources: list[str] = Field(default_factory=list)
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    uncertainty: Uncertainty | None = Field(
        None, description="Default noise model for Monte Carlo runs (see Uncertainty); documented defaults if absent.")
    events: list[Event] = Field(default_factory=list, description="Dated developments and the shocks they bring.")
    _inferences: tuple[str, ...] = PrivateAttr(())

    @property
    def inferences(self) -> tuple[str, ...]:
        """What the reader of this scenario's file inferred rather than read, one sentence each
        (``realpolitik validate`` prints them); empty when the file stated everything."""
        return self._inferences

    @model_validator(mode="after")
    def _bind_participants(self) -> Scenario:
        for issue in self.issues:
            issue._participants = tuple(actor.name for actor in self.actors if issue.name in actor.stances)
        return self

    def issue(self, name: str) -> Issue:
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise KeyError(name)

    def actor(self, name: str) -> Actor:
        for actor in self.actors:
            if actor.name == name:
                return actor
        raise KeyError(name)

    def table_arrays(self) -> TableArrays:
        """Every actor on every issue as ``(N, K)`` arrays, for models that span issues.

        Where an actor has no stance the position is NaN and salience and capability are 0.
        """
        actors = [actor.name for actor in self.actors]
        issues = [issue.name for issue in self.issues]
        shape = (len(actors), len(issues))
        position, salience, capability = np.full(shape, np.nan), np.zeros(shape), np.zeros(shape)
        for n, actor in enumerate(self.actors):
            for k, name in enumerate(issues):
                stance = actor.stances.get(name)
                if stance is not None:
                    position[n, k] = stance.position
                    salience[n, k] = stance.salience / 100.0
                    capability[n, k] = actor.capability_on(name)
        return TableArrays(
            actors=actors,
            issues=issues,
            position=position,
            salience=salience,
            capability=capability,
            scale_min=np.array([issue.scale_min for issue in self.issues], dtype=float),
            scale_max=np.array([issue.scale_max for issue in self.issues], dtype=float),
        )

    def issue_arrays(self, issue: str) -> IssueArrays:
        """The participants of ``issue`` and their numbers, ready for a model kernel."""
        names, positions, saliences, capabilities = [], [], [], []
        for actor in self.actors:
            stance = actor.stances.get(issue)
            if stance is None:
                continue
            names.append(actor.name)
            positions.append(stance.position)
            saliences.append(stance.salience / 100.0)
            capabilities.append(actor.capability_on(issue))
        return IssueArrays(
            issue=self.issue(issue),
            actors=names,
            position=np.asarray(positions, dtype=float),
            salience=np.asarray(saliences, dtype=float),
            capability=np.asarray(capabilities, dtype=float),
        )


@dataclass
class TableArrays:
    """The whole table as ``(N, K)`` arrays over N actors and K issues (salience 0..1;
    NaN position, zero salience and capability where an actor takes no part)."""

    actors: list[str]
    issues: list[str]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray

    @property
    def participates(self) -> np.ndarray:
        return ~np.isnan(self.position)


@dataclass
class IssueArrays:
    """One issue as arrays over its participating actors (salience as 0..1)."""

    issue: Issue
    actors: list[str]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def veto_player_indices(self) -> np.ndarray:
        """Indices into ``actors`` of the issue's veto players, in declared order (empty when none)."""
        return self.issue.veto_player_indices(self.actors)

    @property
    def agenda_setter_index(self) -> int | None:
        """Index into ``actors`` of the issue's agenda setter, or None when none is declared."""
        return self.issue.agenda_setter_index(self.actors)


@dataclass(frozen=True)
class Origin:
    """Where a scenario came from, so that problems can name file and row.

    ``actor_rows`` maps an actor to its row in ``file`` (one row per actor, as in a
    CSV). ``rows`` maps ``("actor", name)``, ``("issue", name)`` and
    ``("stance", actor, issue)`` to ``(where, row)``: ``where`` names the file (and
    sheet, for a workbook), ``row`` the line of that entry.
    """

    file: str | None = None
    actor_rows: dict[str, int] = field(default_factory=dict)
    rows: dict[tuple, tuple[str, int]] = field(default_factory=dict)
    #: What the reader inferred rather than read (a scale, a type), one sentence each.
    inferences: tuple[str, ...] = ()

    def locate(self, actor: str | None, issue: str | None) -> tuple[str | None, int | None]:
        """The file and row that hold the value of ``actor`` on ``issue``, as best known."""
        keys = []
        if actor is not None and issue is not None:
            keys.append(("stance", actor, issue))
        if actor is not None:
            keys.append(("actor", actor))
        if issue is not None and actor is None:
            keys.append(("issue", issue))
        for key in keys:
            if key in self.rows:
                return self.rows[key]
        if actor in self.actor_rows:
            return self.file, self.actor_rows[actor]
        return self.file, None


def _locate(loc: tuple, data: dict, origin: Origin) -> Problem:
    """Turn a pydantic error location into file/row/actor/issue/field."""
    actor = issue = fld = None
    parts = list(loc)
    if parts[:1] == ["actors"] and len(parts) > 1 and isinstance(parts[1], int):
        try:
            actor = str(data["actors"][parts[1]].get("name", f"#{parts[1] + 1}"))
        except (KeyError, IndexError, TypeError, AttributeError):
            actor = f"#{parts[1] + 1}"
        rest = parts[2:]
        if rest[:1] in (["stances"], ["capability_by_issue"]) and len(rest) > 1:
            issue = str(rest[1])
            fld = ".".join(str(p) for p in rest[2:]) or rest[0]
        else:
            fld = ".".join(str(p) for p in rest) or None
    elif parts[:1] == ["issues"] and len(parts) > 1 and isinstance(parts[1], int):
        try:
            issue = str(data["issues"][parts[1]].get("name", f"#{parts[1] + 1}"))
        except (KeyError, IndexError, TypeError, AttributeError):
            issue = f"#{parts[1] + 1}"
        fld = ".".join(str(p) for p in parts[2:]) or None
    else:
        fld = ".".join(str(p) for p in parts) or None
    where, row = origin.locate(actor, issue)
    return Problem("", file=where, row=row, actor=actor, issue=issue, field=fld)


def _pydantic_problems(error: ValidationError, data: dict, origin: Origin) -> list[Problem]:
    problems = []
    for err in error.errors():
        where = _locate(tuple(err["loc"]), data, origin)
        message = err["msg"]
        if "input" in err and err["type"] not in ("missing", "extra_forbidden"):
            message = f"{message} (got {err['input']!r})"
        problems.append(Problem(message, where.file, where.row, where.actor, where.issue, where.field))
    return problems


def _semantic_problems(scenario: Scenario, origin: Origin) -> list[Problem]:
    """Checks that span fields: duplicates, ranges, references, empty issues, size."""
    problems: list[Problem] = []

    def add(message: str, actor: str | None = None, issue: str | None = None, fld: str | None = None) -> None:
        where, row = origin.locate(actor, issue)
        problems.append(Problem(message, where, row, actor, issue, fld))

    issues: dict[str, Issue] = {}
    for issue in scenario.issues:
        if issue.name in issues:
            add("duplicate issue name", issue=issue.name, fld="name")
        issues[issue.name] = issue
        if not issue.scale_min < issue.scale_max:
            add(f"scale_min {issue.scale_min:g} must be below scale_max {issue.scale_max:g}", issue=issue.name,
                fld="scale_min")
            continue
        magnitude = max(abs(issue.scale_min), abs(issue.scale_max))
        if magnitude > MAX_SCALE_MAGNITUDE or issue.scale_max - issue.scale_min < MIN_RELATIVE_SCALE_WIDTH * max(
                1.0, magnitude):
            add(f"the scale {issue.scale_min:g}..{issue.scale_max:g} cannot be computed with: its ends must lie "
                f"within ±{MAX_SCALE_MAGNITUDE:g} and be at least {MIN_RELATIVE_SCALE_WIDTH:g} of their size "
                "apart (rescale it, e.g. to 0..100)", issue=issue.name, fld="scale_max")
            continue
        for point in issue.anchors:
            if not issue.scale_min <= point <= issue.scale_max:
                add(f"anchor {point:g} lies outside the scale {issue.scale_min:g}..{issue.scale_max:g}",
                    issue=issue.name, fld="anchors")
        if issue.status_quo is not None and not issue.scale_min <= issue.status_quo <= issue.scale_max:
            add(f"status quo {issue.status_quo:g} lies outside the scale {issue.scale_min:g}..{issue.scale_max:g}",
                issue=issue.name, fld="status_quo")

    seen: set[str] = set()
    participants = {name: 0 for name in issues}
    for actor in scenario.actors:
        if actor.name in seen:
            add("duplicate actor name", actor=actor.name, fld="name")
        seen.add(actor.name)
        # Ranges are checked here rather than by the field types, so that they are
        # reported together with every other problem of the table.
        if actor.capability < 0:
            add(f"capability {actor.capability:g} is negative", actor=actor.name, fld="capability")
        if actor.capability > MAX_CAPABILITY:
            add(f"capability {actor.capability:g} is too large to compute with (at most {MAX_CAPABILITY:g}; only "
                "ratios between actors matter, so scale every capability down)", actor=actor.name, fld="capability")
        for name, override in actor.capability_by_issue.items():
            if override.value < 0:
                add(f"capability {override.value:g} is negative", actor=actor.name, issue=name,
                    fld="capability_by_issue")
            if override.value > MAX_CAPABILITY:
                add(f"capability {override.value:g} is too large to compute with (at most {MAX_CAPABILITY:g})",
                    actor=actor.name, issue=name, fld="capability_by_issue")
        for name in actor.capability_by_issue:
            if name not in issues:
                add("capability override for an unknown issue", actor=actor.name, issue=name,
                    fld="capability_by_issue")
        for name, stance in actor.stances.items():
            issue = issues.get(name)
            if issue is None:
                add("stance on an unknown issue", actor=actor.name, issue=name, fld="stances")
                continue
            participants[name] += 1
            if not 0 <= stance.salience <= 100:
                add(f"salience {stance.salience:g} is outside 0..100", actor=actor.name, issue=name, fld="salience")
            if issue.scale_min < issue.scale_max and not issue.scale_min <= stance.position <= issue.scale_max:
                add(f"position {stance.position:g} lies outside the scale {issue.scale_min:g}..{issue.scale_max:g}",
                    actor=actor.name, issue=name, fld="position")
    for message, actor, issue, fld in scenario_text_problems(scenario):
        add(message, actor=actor, issue=issue, fld=fld)
    for name, count in participants.items():
        if count == 0:
            add("no actor takes a position on this issue", issue=name)
    problems.extend(_procedure_problems(scenario, origin))
    problems.extend(_event_problems(scenario, origin))
    return problems


def _event_problems(scenario: Scenario, origin: Origin) -> list[Problem]:
    """Checks of the events' dates and shocks (see :func:`realpolitik.analysis.events.event_problems`)."""
    if not scenario.events:
        return []
    from realpolitik.analysis.events import event_problems

    return [Problem(message, file=origin.file, field=fld) for fld, message in event_problems(scenario)]


def _procedure_problems(scenario: Scenario, origin: Origin) -> list[Problem]:
    """Checks of each issue's veto players, reversion point and agenda setter."""
    problems: list[Problem] = []
    actors = {actor.name: actor for actor in scenario.actors}

    def add(message: str, issue: str, fld: str) -> None:
        where, row = origin.locate(None, issue)
        problems.append(Problem(message, where, row, None, issue, fld))

    def check_participant(name: str, role: str, issue: Issue, fld: str) -> None:
        if name not in actors:
            add(f"{role} '{name}' is not an actor of the scenario", issue.name, fld)
        elif issue.name not in actors[name].stances:
            add(f"{role} '{name}' takes no position on this issue", issue.name, fld)

    for issue in scenario.issues:
        seen: set[str] = set()
        for name in issue.veto_players:
            if name in seen:
                add(f"veto player '{name}' is named twice", issue.name, "veto_players")
            seen.add(name)
            check_participant(name, "veto player", issue, "veto_players")
        if issue.agenda_setter is not None:
            check_participant(issue.agenda_setter, "agenda setter", issue, "agenda_setter")
        if issue.reversion is not None and not issue.scale_min <= issue.reversion <= issue.scale_max:
            add(f"reversion point {issue.reversion:g} lies outside the scale {issue.scale_min:g}..{issue.scale_max:g}",
                issue.name, "reversion")
        elif (issue.veto_players or issue.agenda_setter is not None) and issue.reversion_point is None:
            add("veto players or an agenda setter are declared, but neither a reversion point nor a status quo: "
                "say what holds without agreement", issue.name, "reversion")
    return problems


def load_scenario_dict(data: Any, origin: Origin | None = None, *, json_types: bool = False) -> Scenario:
    """Validate a plain mapping (from YAML, JSON or a reader) into a :class:`Scenario`.

    With ``json_types`` (data sent as JSON, as the web API's schema describes it) every
    number must be a JSON number: ``"5"`` and ``true`` are refused, not read as 5 and 1.
    Raises :class:`ScenarioError` listing every problem found.
    """
    origin = origin or Origin()
    if not isinstance(data, dict):
        raise ScenarioError([Problem("the scenario must be a mapping with 'name', 'issues' and 'actors'",
                                     file=origin.file)])
    for key, limit in (("actors", MAX_ACTORS), ("issues", MAX_ISSUES)):
        if isinstance(data.get(key), list) and len(data[key]) > limit:
            raise ScenarioError([Problem(f"{len(data[key])} {key} is more than the {limit} this tool accepts",
                                         file=origin.file, field=key)])
    data = normalise_texts(data)
    text_numbers = []
    for loc, message in number_texts_in_mapping(data):
        where = _locate(loc, data, origin)
        text_numbers.append(Problem(message, where.file, where.row, where.actor, where.issue, where.field))
    try:
        scenario = (Scenario.model_validate_json(json.dumps(data), strict=True) if json_types
                    else Scenario.model_validate(data))
    except ValidationError as error:
        from realpolitik.partial_validation import range_problems_beside_type_errors

        raise ScenarioError(text_numbers + _pydantic_problems(error, data, origin)
                            + range_problems_beside_type_errors(data, origin, strict=json_types)) from None
    problems = text_numbers + _semantic_problems(scenario, origin)
    if problems:
        raise ScenarioError(problems)
    scenario._inferences = origin.inferences
    return scenario

