"""The input format of ``decide-exchange-model``: one record per line, by its first field.

Tab-separated (';' and ',' are recognised too), cells quoted with ``'``::

    '#A'  actor  full name  [comment]                  an actor
    '#P'  issue  title      [description]              an issue
    '#M'  issue  value      [meaning]                  a scale point (two per issue: the bounds)
    '#D'  actor  issue  position  salience  power  [comment]   an actor's stance on an issue
    '#/'  text                                         a comment (ignored)

Conventions:

* each issue's scale runs from the smallest to the largest of its ``#M`` values; a
  ``#M`` line with a meaning becomes a labelled anchor;
* saliences are on 0..1 in the peer's files: when every salience in the file is at
  most 1 they are read as fractions and multiplied by 100; larger ones are read as 0..100
  only where that is plain, else refused (:mod:`realpolitik.io.salience_scale`); what was
  read is kept in :attr:`Scenario.inferences`;
* ``power`` is given per actor and issue: the actor's most common power (the first
  seen among equally common ones) becomes its ``capability``, and issues where it
  differs get a ``capability_by_issue`` override;
* rows are the lines of the file, counted from 1.

Every problem found (unknown record type, a ``#D`` naming an unknown actor or issue,
a value that is not a number, an issue without its two bounds, ...) is reported at
once in one :class:`~realpolitik.scenario.ScenarioError`.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from realpolitik.io.files import read_text
from realpolitik.io.salience_scale import inferred_salience_factor
from realpolitik.numbers import ascii_float
from realpolitik.scenario import MAX_ACTORS, MAX_ISSUES, Origin, Problem, Scenario, ScenarioError, load_scenario_dict

RECORD_TYPES = {"#A": "actor", "#P": "issue", "#M": "scale point", "#D": "stance", "#/": "comment"}
_QUOTES = "'\""


@dataclass
class _IssueRows:
    row: int
    name: str
    title: str
    description: str
    points: list[tuple[float, str, int]] = field(default_factory=list)


@dataclass
class _StanceRow:
    row: int
    actor: str
    issue: str
    position: float
    salience: float
    power: float


def _cells(line: str, delimiter: str) -> list[str]:
    cells = next(csv.reader([line], delimiter=delimiter, quotechar="'"), [])
    return [cell.strip().strip(_QUOTES).strip() for cell in cells]


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()][:20]
    for candidate in ("\t", ";", ","):
        if lines and all(candidate in line for line in lines):
            return candidate
    return "\t"


class _Reader:
    def __init__(self, path: Path):
        self.where = str(path)
        self.problems: list[Problem] = []

    def problem(self, message: str, row: int, actor: str | None = None, issue: str | None = None,
                field_name: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.where, row=row, actor=actor, issue=issue, field=field_name))

    def number(self, text: str, row: int, field_name: str, actor: str | None = None,
               issue: str | None = None) -> float | None:
        try:
            value = ascii_float(text)
        except ValueError:
            shown = f"'{text}'" if text else "an empty cell"
            self.problem(f"{shown} is not a number", row, actor, issue, field_name)
            return None
        if not math.isfinite(value):
            self.problem(f"{text} is not a finite number", row, actor, issue, field_name)
            return None
        return value


def read_decide(path: str | Path) -> Scenario:
    """Read a ``decide-exchange-model`` input file into a :class:`Scenario`."""
    path = Path(path)
    text = read_text(path)
    reader = _Reader(path)
    delimiter = _delimiter(text)
    actors: dict[str, tuple[int, str]] = {}
    issues: dict[str, _IssueRows] = {}
    scale_points: list[tuple[str, float, str, int]] = []
    stances: list[_StanceRow] = []
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cells = _cells(line, delimiter)
        except csv.Error as error:
            reader.problem(f"cannot be split into cells ({error})", row, field_name="record type")
            continue
        kind = cells[0] if cells else ""
        if kind not in RECORD_TYPES:
            known = ", ".join(f"'{key}' ({name})" for key, name in RECORD_TYPES.items())
            reader.problem(f"unknown record type '{kind}' (expected one of {known})", row, field_name="record type")
            continue
        if kind == "#/":
            continue
        if kind == "#A":
            _actor_row(reader, cells, row, actors)
        elif kind == "#P":
            _issue_row(reader, cells, row, issues)
        elif kind == "#M":
            if len(cells) < 3 or not cells[1]:
                reader.problem("a '#M' line needs an issue and a value", row, field_name="scale point")
                continue
            value = reader.number(cells[2], row, "scale point", issue=cells[1])
            if value is not None:
                scale_points.append((cells[1], value, " ".join(c for c in cells[3:] if c), row))
        else:
            stance = _stance_row(reader, cells, row)
            if stance is not None:
                stances.append(stance)
    if len(actors) > MAX_ACTORS or len(issues) > MAX_ISSUES:
        raise ScenarioError([Problem(f"{len(actors)} actors and {len(issues)} issues exceed the {MAX_ACTORS} actors "
                                     f"and {MAX_ISSUES} issues this tool accepts", file=reader.where)])
    for issue_name, value, meaning, row in scale_points:
        if issue_name not in issues:
            reader.problem("scale point for an issue without a '#P' line", row, issue=issue_name,
                           field_name="issue")
        else:
            issues[issue_name].points.append((value, meaning, row))
    bounds = _bounds(reader, issues)
    if not actors:
        reader.problem("has no actors ('#A' lines)", 1)
    if not issues:
        reader.problem("has no issues ('#P' lines)", 1)
    inferences: list[str] = []
    data = _scenario_data(reader, path, actors, issues, bounds, stances, inferences)
    if reader.problems:
        raise ScenarioError(reader.problems)
    return load_scenario_dict(data, Origin(file=reader.where, actor_rows={name: row for name, (row, _) in
                                                                          actors.items()},
                                           inferences=tuple(inferences)))


def _actor_row(reader: _Reader, cells: list[str], row: int, actors: dict) -> None:
    if len(cells) < 2 or not cells[1]:
        reader.problem("an '#A' line needs an actor name", row, field_name="actor")
        return
    name = cells[1]
    if name in actors:
        reader.problem(f"duplicate actor (first on row {actors[name][0]})", row, actor=name, field_name="actor")
        return
    actors[name] = (row, cells[2] if len(cells) > 2 else "")


def _issue_row(reader: _Reader, cells: list[str], row: int, issues: dict) -> None:
    if len(cells) < 2 or not cells[1]:
        reader.problem("a '#P' line needs an issue name", row, field_name="issue")
        return
    name = cells[1]
    if name in issues:
        reader.problem(f"duplicate issue (first on row {issues[name].row})", row, issue=name, field_name="issue")
        return
    title = cells[2] if len(cells) > 2 else ""
    issues[name] = _IssueRows(row, name, title, " ".join(c for c in cells[3:] if c))


def _stance_row(reader: _Reader, cells: list[str], row: int) -> _StanceRow | None:
    actor = cells[1] if len(cells) > 1 else ""
    issue = cells[2] if len(cells) > 2 else ""
    if len(cells) < 6 or not actor or not issue:
        reader.problem(f"a '#D' line needs actor, issue, position, salience and power; it has {len(cells) - 1} "
                       "cells", row, actor or None, issue or None, "stance")
        return None
    values = [reader.number(cells[3 + index], row, name, actor, issue)
              for index, name in enumerate(("position", "salience", "power"))]
    if any(value is None for value in values):
        return None
    position, salience, power = values
    if salience < 0:
        reader.problem(f"salience {salience:g} is negative", row, actor, issue, "salience")
    if power < 0:
        reader.problem(f"power {power:g} is negative", row, actor, issue, "power")
    return _StanceRow(row, actor, issue, position, salience, power)


def _bounds(reader: _Reader, issues: dict[str, _IssueRows]) -> dict[str, tuple[float, float]]:
    bounds = {}
    for name, issue in issues.items():
        values = sorted({value for value, _, _ in issue.points})
        if len(values) < 2:
            reader.problem("needs two '#M' lines giving the lower and upper bound of its scale", issue.row,
                           issue=name, field_name="scale")
            continue
        bounds[name] = (values[0], values[-1])
    return bounds


def _salience_factor(reader: _Reader, stances: list[_StanceRow], inferences: list[str]) -> float:
    """The factor onto 0..100: the format's own 0..1 where every salience is at most 1, else the
    scale :func:`inferred_salience_factor` infers (a problem where it cannot)."""
    saliences = [stance.salience for stance in stances]
    if not saliences:
        return 1.0
    if max(saliences) <= 1:
        inferences.append("saliences read on 0..1, the format's scale, and multiplied by 100")
        return 100.0
    try:
        return inferred_salience_factor(saliences, reader.where, inferences,
                                        "write them on 0..1, as decide-exchange-model does")
    except ScenarioError as error:
        reader.problems.extend(error.problems)
        return 1.0


def _scenario_data(reader: _Reader, path: Path, actors: dict, issues: dict[str, _IssueRows],
                   bounds: dict[str, tuple[float, float]], stances: list[_StanceRow], inferences: list[str]) -> dict:
    factor = _salience_factor(reader, stances, inferences)
    by_actor: dict[str, dict[str, _StanceRow]] = {name: {} for name in actors}
    for stance in stances:
        known = True
        if stance.actor not in actors:
            reader.problem("stance of an actor without an '#A' line", stance.row, stance.actor, stance.issue, "actor")
            known = False
        if stance.issue not in issues:
            reader.problem("stance on an issue without a '#P' line", stance.row, stance.actor, stance.issue, "issue")
            known = False
        if not known:
            continue
        earlier = by_actor[stance.actor].get(stance.issue)
        if earlier is not None:
            reader.problem(f"duplicate stance (first on row {earlier.row})", stance.row, stance.actor, stance.issue,
                           "stance")
            continue
        salience = stance.salience * factor
        if salience > 100:
            reader.problem(f"salience {stance.salience:g} is above 100", stance.row, stance.actor, stance.issue,
                           "salience")
        low_high = bounds.get(stance.issue)
        if low_high and not low_high[0] <= stance.position <= low_high[1]:
            reader.problem(f"position {stance.position:g} lies outside the scale {low_high[0]:g}..{low_high[1]:g}",
                           stance.row, stance.actor, stance.issue, "position")
        by_actor[stance.actor][stance.issue] = stance
    issue_list = []
    for name, issue in issues.items():
        low, high = bounds.get(name, (0.0, 100.0))
        issue_list.append({
            "name": name,
            "title": issue.title if issue.title and issue.title != name else None,
            "description": issue.description if issue.description and issue.description not in (name, issue.title)
            else None,
            "scale_min": low,
            "scale_max": high,
            "anchors": {value: meaning for value, meaning, _ in issue.points if meaning},
        })
    actor_list = []
    for name, (_, full_name) in actors.items():
        rows = by_actor[name]
        powers = Counter(stance.power for stance in rows.values())
        capability = powers.most_common(1)[0][0] if powers else 0.0
        actor_list.append({
            "name": name,
            "title": full_name if full_name and full_name != name else None,
            "capability": capability,
            "capability_by_issue": {issue: {"value": stance.power} for issue, stance in rows.items()
                                    if stance.power != capability},
            "stances": {issue: {"position": stance.position,
                                "salience": stance.salience * factor}
                        for issue, stance in rows.items()},
        })
    return {
        "name": path.stem,
        "description": f"Read from the decide-exchange-model input file {path.name}"
        + (" (saliences given on 0..1)" if factor == 100.0 else ""),
        "sources": [path.name],
        "issues": issue_list,
        "actors": actor_list,
    }
