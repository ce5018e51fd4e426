"""Scholz-style CSV: one issue, one row per actor, columns ``Actor,Capability,Position,Salience``.

This is the layout of the EC emissions example tabulated by Scholz, Calbert &
Smith (2011). Conventions:

* a header may state a scale: ``Position (0..500)``, ``Salience (0..1)`` or
  ``Salience (0..100)``;
* the issue is named after the file; its scale is the one the ``Position`` header
  states, else 0..100, and a position outside it is an error (never a wider scale);
* saliences are on the scale the header states; without one, they are read as 0..1
  (and multiplied by 100) when every one is at most 1 and some are fractions, as
  0..100 when the largest exceeds 10, and refused as ambiguous otherwise (all 0 or 1,
  or a largest value between 1 and 10), with a message saying how to state the scale;
* what was inferred is kept in :attr:`Scenario.inferences` (``realpolitik validate`` prints it);
* rows are numbered as lines of the file (the header is row 1).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from realpolitik.io.files import csv_records, read_text
from realpolitik.io.salience_scale import inferred_salience_factor
from realpolitik.numbers import ascii_float
from realpolitik.scenario import MAX_ACTORS, Origin, Problem, Scenario, ScenarioError, load_scenario_dict

COLUMNS = ("Actor", "Capability", "Position", "Salience")
#: Salience scales a header may state, by their upper end, with the factor onto 0..100.
SALIENCE_SCALES = {1.0: 100.0, 100.0: 1.0}


def _number(text: str, where: str, row: int, actor: str, field: str, problems: list[Problem]) -> float | None:
    try:
        value = ascii_float(text)
    except (TypeError, ValueError):
        problems.append(Problem(f"'{text}' is not a number", file=where, row=row, actor=actor, field=field))
        return None
    if not math.isfinite(value):
        problems.append(Problem(f"{text} is not a finite number", file=where, row=row, actor=actor, field=field))
        return None
    return value


def _header_cell(text: str, where: str, problems: list[Problem]) -> tuple[str, tuple[float, float] | None]:
    """A column's name and the scale it states: ``"Position (0..500)"`` is ``("position", (0, 500))``."""
    name, bracket, rest = text.partition("(")
    if not bracket:
        return text.strip().lower(), None
    low, dots, high = rest.removesuffix(")").partition("..")
    try:
        if not rest.endswith(")") or not dots:
            raise ValueError
        scale = (ascii_float(low.strip()), ascii_float(high.strip()))
    except (TypeError, ValueError):
        problems.append(Problem(f"header '{text}': write a scale as 'NAME (LOW..HIGH)', e.g. 'Position (0..500)'",
                                file=where, row=1))
        return name.strip().lower(), None
    return name.strip().lower(), scale


def _salience_factor(saliences: list[float], stated: tuple[float, float] | None, where: str,
                     inferences: list[str]) -> float:
    """The factor onto 0..100 of saliences on the scale the header states, else on the one
    :func:`inferred_salience_factor` infers; a :class:`ScenarioError` where it cannot."""
    if stated is None:
        return inferred_salience_factor(saliences, where, inferences,
                                        "say which in the header: 'Salience (0..1)' or 'Salience (0..100)'")
    if stated[0] != 0 or stated[1] not in SALIENCE_SCALES:
        raise ScenarioError([Problem(f"salience scale {stated[0]:g}..{stated[1]:g}: write 'Salience (0..1)' or "
                                     "'Salience (0..100)'", file=where, row=1, field="Salience")])
    return SALIENCE_SCALES[stated[1]]


def read_scholz_csv(path: Path) -> Scenario:
    """Read a one-issue ``Actor,Capability,Position,Salience`` CSV file."""
    where = str(path)
    text = read_text(path)
    lines = csv_records(text, where)
    if not lines:
        raise ScenarioError([Problem("is empty", file=where)])
    header = [cell.strip() for cell in lines[0][1]]
    problems: list[Problem] = []
    columns = [_header_cell(cell, where, problems) for cell in header]
    lookup = {name: index for index, (name, _) in enumerate(columns)}
    scales = {name: scale for name, scale in columns if scale is not None}
    missing = [name for name in COLUMNS if name.lower() not in lookup]
    if missing:
        problems.append(Problem(f"missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})",
                                file=where, row=1))
    problems += [Problem(f"only Position and Salience take a scale, not {name}", file=where, row=1, field=name)
                 for name in scales if name not in ("position", "salience")]
    if problems:
        raise ScenarioError(problems)
    records, actor_rows = [], {}
    for row_number, cells in lines[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(records) >= MAX_ACTORS:
            raise ScenarioError([Problem(f"more than the {MAX_ACTORS} actors this tool accepts", file=where,
                                         row=row_number)])
        if len(cells) < len(header):
            problems.append(Problem(f"has {len(cells)} cells, the header has {len(header)}", file=where,
                                    row=row_number))
            continue
        actor = cells[lookup["actor"]].strip()
        if not actor:
            problems.append(Problem("actor name is empty", file=where, row=row_number, field="Actor"))
            continue
        values = {name: _number(cells[lookup[name.lower()]].strip(), where, row_number, actor, name, problems)
                  for name in COLUMNS[1:]}
        if actor in actor_rows:
            problems.append(Problem(f"duplicate actor (first on row {actor_rows[actor]})", file=where,
                                    row=row_number, actor=actor, field="Actor"))
            continue
        actor_rows[actor] = row_number
        if None not in values.values():  # a row with a cell that is not a number is reported, not read
            records.append((actor, values))
    if not records:
        raise ScenarioError(problems or [Problem("has no actor rows", file=where)])
    inferences: list[str] = []
    try:
        factor = _salience_factor([values["Salience"] for _, values in records], scales.get("salience"), where,
                                  inferences)
    except ScenarioError as error:
        raise ScenarioError(error.problems + problems) from None
    low, high = scales.get("position", (0.0, 100.0))
    if "position" not in scales:
        inferences.append("the issue's scale is 0..100 (the default); state another in the header, e.g. "
                          "'Position (0..500)'")
    issue = Path(path).stem
    data = {
        "name": issue,
        "issues": [{"name": issue, "scale_min": low, "scale_max": high}],
        "actors": [
            {
                "name": actor,
                "capability": values["Capability"],
                "stances": {issue: {"position": values["Position"], "salience": values["Salience"] * factor}},
            }
            for actor, values in records
        ],
    }
    origin = Origin(file=where, actor_rows=actor_rows, inferences=tuple(inferences))
    try:
        scenario = load_scenario_dict(data, origin)
    except ScenarioError as error:
        hint = "" if "position" in scales else "; state the scale in the header if it is another, e.g. 'Position (0..500)'"
        problems += [dataclasses.replace(problem, message=problem.message + hint)
                     if problem.field == "position" and "outside the scale" in problem.message else problem
                     for problem in error.problems]
    if problems:
        raise ScenarioError(sorted(problems, key=lambda problem: problem.row or 0))
    return scenario
