"""How a scenario's forecast moved with its events: a forecast at every event date.

The points of the timeline are the day before the first event (the table before all
of them) and each date with events, the table as of that date
(:func:`realpolitik.analysis.events.scenario_as_of`). At each point every issue gets
the model's point forecast and, with ``draws > 0``, a Monte Carlo run
(:func:`realpolitik.analysis.montecarlo.simulate`, the same seed at every point) gives
its median, central 80% interval and, on issues with veto players, P(agreement): the
share of draws whose settlement every veto player accepts.

A timeline costs a forecast (or ``draws`` of them) at every point; the whole is checked
against the budget in force before any work (:func:`realpolitik.budget.check`), and each
model round is a point where a cancelled timeline stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from realpolitik import budget
from realpolitik.analysis.events import dated_events, event_dates, scenario_as_of
from realpolitik.analysis.montecarlo import ValueTable, simulate
from realpolitik.scenario import Scenario, Uncertainty


class TimelineRequestError(ValueError):
    """A timeline that cannot be drawn (a scenario without events); the message says why."""


@dataclass(frozen=True)
class IssuePoint:
    """One issue at one date: the point forecast and, from Monte Carlo draws, median, 80% interval, P(agreement)."""

    issue: str
    forecast: float
    median: float | None = None
    interval_80: tuple[float, float] | None = None
    agreement: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue, "forecast": self.forecast, "median": self.median,
                "interval_80": list(self.interval_80) if self.interval_80 else None, "agreement": self.agreement}


@dataclass(frozen=True)
class TimelinePoint:
    """The forecast as of ``date``, after the events of that day (none for the starting point)."""

    date: dt.date
    events: list[dict[str, Any]]
    issues: list[IssuePoint]

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "events": self.events, "issues": [item.to_dict() for item in self.issues]}


@dataclass
class Timeline:
    """The forecasts of a scenario at the start and at every event date."""

    scenario: str
    model: str
    options: BaseModel
    draws: int
    seed: int
    points: list[TimelinePoint]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "model": self.model, "options": self.options.model_dump(mode="json"),
                "draws": self.draws, "seed": self.seed, "points": [point.to_dict() for point in self.points]}


def _issue_points(scenario: Scenario, model: str, options: BaseModel, draws: int, seed: int,
                  client: Any) -> list[IssuePoint]:
    table = ValueTable.of(scenario, Uncertainty())
    point = table.forecasts(table.value[None], model, options)[0]
    if draws == 0:
        return [IssuePoint(columns.issue.name, float(point[index])) for index, columns in enumerate(table.issues)]
    result = simulate(scenario, model, options, draws=draws, seed=seed, client=client)
    return [IssuePoint(item.issue.name, float(point[index]), item.median, item.interval(80),
                       item.agreement_probability)
            for index, item in enumerate(result.issues)]


def scenario_timeline(scenario: Scenario, model: str, options: BaseModel, *, draws: int = 0, seed: int = 0,
                      client: Any = None, progress: Callable[[int], None] | None = None) -> Timeline:
    """The forecast of every issue before the first event and at every event date; ``progress(n)``
    is called with the number of dates done (the starting point and every event date: :func:`event_dates` + 1)."""
    dates = event_dates(scenario)
    if not dates:
        raise TimelineRequestError(f"scenario '{scenario.name}' has no events: add 'events' with dates and shocks "
                                   "to draw its timeline")
    by_date: dict[dt.date, list[dict[str, Any]]] = {}
    for item in dated_events(scenario):
        by_date.setdefault(item.date, []).append(
            {"title": item.event.title, "source": item.event.source, "shocks": list(item.event.shocks)})
    budget.check(model, len(scenario.actors), len(scenario.issues), options, (len(dates) + 1) * max(draws, 1),
                 what=f"the timeline ({len(dates) + 1} dates)", unit="forecasts")
    start = dates[0] - dt.timedelta(days=1)
    points = []
    for when in [start, *dates]:
        points.append(TimelinePoint(when, by_date.get(when, []),
                                    _issue_points(scenario_as_of(scenario, when), model, options, draws, seed, client)))
        if progress is not None:
            progress(len(points))
    return Timeline(scenario.name, model, options, draws, seed, points)
