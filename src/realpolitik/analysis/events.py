"""A scenario's timeline: its table as of any date, from its dated events.

A scenario's table describes the situation on its ``date``. Each event
(:class:`realpolitik.scenario.Event`) says what a dated development changed, as
shock expressions of :mod:`realpolitik.analysis.expressions`. Two kinds of event:

* **after the scenario's date** (or every event, when the scenario has no date): a
  development the table does not yet hold. As of date ``D`` the table is the
  scenario's with every such event dated ``<= D`` applied, in date order (events of
  one day in the order written), by :func:`realpolitik.analysis.levers.apply_shocks`.
* **on or before the scenario's date**: a development that led to the table. As of
  ``D`` the table is the scenario's with every such event dated ``> D`` undone, the
  latest first: ``x += v`` is undone by ``x -= v``, ``x -= v`` by ``x += v``,
  ``x *= f`` by ``x *= 1/f``. An absolute ``x = v`` cannot be undone (what ``x`` was
  before is not known), nor a change the valid range clipped, so both are refused
  when the scenario is read.

So the table as of a date before every event is the situation before all of them,
and as of the last event's date every event holds; for a scenario whose events all
follow its date, the first is the table as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from realpolitik.analysis.expressions import ExpressionError, Shock, parse_shock
from realpolitik.scenario import Event, Problem, Scenario, ScenarioError

#: Operators that can be undone, and the operator that undoes each.
INVERSE_OPERATORS = {"+=": "-=", "-=": "+=", "*=": "*="}


def parse_date(text: str, what: str = "date") -> dt.date:
    """``YYYY-MM-DD`` as a date; :class:`ExpressionError` naming ``what`` otherwise."""
    try:
        if not isinstance(text, str) or len(text.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ExpressionError(f"{what} '{text}' is not a date of the form YYYY-MM-DD (e.g. 2025-03-18)") from None


def scenario_date(scenario: Scenario) -> dt.date | None:
    """The date the table describes, or None when the scenario gives none (or none that reads as a date)."""
    try:
        return parse_date(scenario.date) if scenario.date else None
    except ExpressionError:
        return None


@dataclass(frozen=True)
class DatedEvent:
    """An event with its date read and its shocks parsed; ``index`` is its place in the scenario's list."""

    index: int
    date: dt.date
    event: Event
    shocks: tuple[Shock, ...]
    past: bool

    def undoing(self) -> list[Shock]:
        """The shocks that undo this event, in the order to apply them (the last shock undone first);
        each keeps the text of the shock it undoes."""
        return [Shock(shock.text, shock.actor, shock.attribute, shock.issue,
                      INVERSE_OPERATORS[shock.operator],
                      1.0 / shock.value if shock.operator == "*=" else shock.value)
                for shock in reversed(self.shocks)]


def _without_events(scenario: Scenario) -> Scenario:
    return scenario.model_copy(update={"events": []})


def event_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Every problem of the scenario's events as ``(field, message)``: a date that is not
    ``YYYY-MM-DD``, a shock that does not parse or names an unknown actor or issue, and a
    shock of an event on or before the scenario's date that cannot be undone."""
    problems: list[tuple[str, str]] = []
    table = _without_events(scenario)
    dated: list[DatedEvent] = []
    on = scenario_date(scenario)
    for index, event in enumerate(scenario.events):
        label = f"event '{event.title}'"
        try:
            when = parse_date(event.date, f"{label}: date")
        except ExpressionError as error:
            problems.append((f"events[{index}].date", str(error)))
            when = None
        shocks = []
        for number, text in enumerate(event.shocks):
            fld = f"events[{index}].shocks[{number}]"
            try:
                shock = parse_shock(text, table)
            except ExpressionError as error:
                problems.append((fld, f"{label}: {error}"))
                continue
            past = when is not None and on is not None and when <= on
            if past and shock.operator not in INVERSE_OPERATORS:
                problems.append((fld, f"{label} ({when}, on or before the scenario's date {on}): shock "
                                      f"'{shock.text}' sets a value with '=', so the table before the event is "
                                      "unknown; write the change as +=, -= or *="))
            elif past and shock.operator == "*=" and shock.value == 0:
                problems.append((fld, f"{label}: shock '{shock.text}' multiplies by 0, which cannot be undone"))
            else:
                shocks.append(shock)
        if when is not None:
            dated.append(DatedEvent(index, when, event, tuple(shocks),
                                    on is not None and when <= on))
    if not problems:
        problems.extend(_undo_problems(table, dated))
    return problems


def _undo_problems(table: Scenario, dated: Sequence[DatedEvent]) -> list[tuple[str, str]]:
    """Undo every past event, latest first; a change that leaves the valid range is a problem."""
    from realpolitik.analysis.levers import apply_shocks

    for item in sorted((item for item in dated if item.past), key=lambda item: (item.date, item.index),
                       reverse=True):
        table, changes = apply_shocks(table, item.undoing())
        for change in changes:
            if change.clipped:
                where = f"[{change.issue}]" if change.issue else ""
                return [(f"events[{item.index}].shocks",
                         f"event '{item.event.title}' ({item.date}): undoing '{change.shock}' would take "
                         f"{change.actor}.{change.attribute}{where} outside its valid range (to before the event "
                         f"it would have been beyond {change.after:g}); the table and the event's shocks disagree")]
    return []


def dated_events(scenario: Scenario) -> list[DatedEvent]:
    """The scenario's events in date order (one day's in the order written), dates and shocks read."""
    on = scenario_date(scenario)
    table = _without_events(scenario)
    events = [DatedEvent(index, parse_date(event.date), event,
                         tuple(parse_shock(text, table) for text in event.shocks),
                         on is not None and parse_date(event.date) <= on)
              for index, event in enumerate(scenario.events)]
    return sorted(events, key=lambda item: (item.date, item.index))


def scenario_as_of(scenario: Scenario, as_of: dt.date) -> Scenario:
    """The table as of ``as_of``: later past events undone, earlier future events applied.

    The result has ``date`` set to ``as_of``, its title says so, and it has no events (its
    table holds them).
    """
    from realpolitik.analysis.levers import apply_shocks

    events = dated_events(scenario)
    shocks: list[Shock] = []
    for item in reversed(events):
        if item.past and item.date > as_of:
            shocks.extend(item.undoing())
    for item in events:
        if not item.past and item.date <= as_of:
            shocks.extend(item.shocks)
    table, _ = apply_shocks(_without_events(scenario), shocks) if shocks else (_without_events(scenario), [])
    title = f"{scenario.title or scenario.name}, as of {as_of.isoformat()}"
    return table.model_copy(update={"date": as_of.isoformat(), "title": title})


def event_dates(scenario: Scenario) -> list[dt.date]:
    """The distinct dates of the scenario's events, earliest first."""
    return sorted({item.date for item in dated_events(scenario)})


def as_of_scenario(scenario: Scenario, text: str) -> Scenario:
    """:func:`scenario_as_of` for a date given as text; :class:`ScenarioError` for a malformed date."""
    try:
        when = parse_date(text, "--as-of date")
    except ExpressionError as error:
        raise ScenarioError([Problem(str(error))]) from None
    return scenario_as_of(scenario, when)
