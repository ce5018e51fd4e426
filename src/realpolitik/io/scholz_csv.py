"""Scholz-style CSV: one issue, one row per actor, columns ``Actor,Capability,Position,Salience``.

This is the layout of the EC emissions example tabulated by Scholz, Calbert &
Smith (2011). Conventions:

* saliences on 0..1 (as in the source) or on 0..100: when every salience is at
  most 1 the file is read as fractions and multiplied by 100;
* the issue is named after the file and its scale is 0..100, or the range of the
  positions where they leave 0..100;
* rows are numbered as lines of the file (the header is row 1).
"""

from __future__ import annotations

import math
from pathlib import Path

from realpolitik.io.files import csv_records, read_text
from realpolitik.numbers import ascii_float
from realpolitik.scenario import MAX_ACTORS, Origin, Problem, Scenario, ScenarioError, load_scenario_dict

COLUMNS = ("Actor", "Capability", "Position", "Salience")


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


def read_scholz_csv(path: Path) -> Scenario:
    """Read a one-issue ``Actor,Capability,Position,Salience`` CSV file."""
    where = str(path)
    text = read_text(path)
    lines = csv_records(text, where)
    if not lines:
        raise ScenarioError([Problem("is empty", file=where)])
    header = [cell.strip() for cell in lines[0][1]]
    lookup = {name.lower(): index for index, name in enumerate(header)}
    missing = [name for name in COLUMNS if name.lower() not in lookup]
    if missing:
        raise ScenarioError([Problem(f"missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})",
                                     file=where, row=1)])
    problems: list[Problem] = []
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
        records.append((actor, values))
    if problems:
        raise ScenarioError(problems)
    if not records:
        raise ScenarioError([Problem("has no actor rows", file=where)])
    saliences = [values["Salience"] for _, values in records]
    factor = 100.0 if max(saliences) <= 1.0 else 1.0
    positions = [values["Position"] for _, values in records]
    low, high = min(0.0, min(positions)), max(100.0, max(positions))
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
    return load_scenario_dict(data, Origin(file=where, actor_rows=actor_rows))
