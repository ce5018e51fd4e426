"""The DEU III dataset: 353 real EU legislative issues with their observed outcomes.

Source: Arregui, J. & Perarnaud, C. (2021). "A new dataset on legislative
decision-making in the European Union: the DEU III dataset". *Journal of European
Public Policy*. Data: https://doi.org/10.34810/data53 (open access; cite it).

The reader takes the tab-separated layout of the public validation copy described
in ``data/deu3/NOTICE.md``:

* line 1 is the header; columns are found by name, so their order does not matter;
* line 2 is not an issue: it holds a GDP figure under each of the 30 position
  columns (Commission, Parliament, 28 member states), the capability proxy;
* every further line is one issue: ``prnr`` (dossier), ``isnr`` (issue), ``proc``
  (procedure, COD or CNS), ``counvte`` (Council voting rule), positions ``pcom pep
  pat ... puk`` and saliences ``scom sep sat ... suk`` on 0..100, ``rp`` (reference
  point, often empty) and ``out`` (the observed outcome).

Rules, applied cell by cell:

* an empty position means the actor takes no part in that issue (its salience,
  usually recorded as 0, is then ignored);
* an empty salience beside a recorded position counts as 50, the middle of the
  scale. This is the rule under which the baselines of the NOTICE are reproduced
  (GDP x salience compromise 23.09, salience-weighted mean 23.61);
* an issue is usable when it has an outcome and at least one position; rows without
  an outcome are skipped and counted (the copy has 364 issue rows, 353 usable);
* every number must lie on the 0..100 scale; anything else in a numeric cell is an
  error naming the file, row (line of the file), issue and column.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from realpolitik.io.files import csv_records, read_text
from realpolitik.numbers import ascii_float
from realpolitik.scenario import Issue, IssueArrays, Problem, ScenarioError

#: The 30 actors, in the dataset's own codes: Commission, Parliament, then the 28 member states.
ACTORS = ("com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie",
          "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk")
POSITION_COLUMNS = tuple(f"p{actor}" for actor in ACTORS)
SALIENCE_COLUMNS = tuple(f"s{actor}" for actor in ACTORS)
DOSSIER, ISSUE, PROCEDURE, VOTING_RULE = "prnr", "isnr", "proc", "counvte"
REFERENCE_POINT, OUTCOME = "rp", "out"
REQUIRED_COLUMNS = (DOSSIER, ISSUE, PROCEDURE, VOTING_RULE, *POSITION_COLUMNS, *SALIENCE_COLUMNS, REFERENCE_POINT,
                    OUTCOME)
#: The salience given to an actor whose position is recorded but whose salience is not.
MISSING_SALIENCE = 50.0
SCALE_MIN, SCALE_MAX = 0.0, 100.0


@dataclass(frozen=True)
class Deu3Issue:
    """One usable issue: its participants as arrays, where it was decided, and what came out.

    ``arrays.capability`` holds the file's GDP row; ``arrays.issue.status_quo`` the
    reference point (None where the file has none).
    """

    arrays: IssueArrays
    dossier: str
    procedure: str
    voting_rule: str
    outcome: float
    row: int

    @property
    def name(self) -> str:
        return self.arrays.issue.name


@dataclass(frozen=True)
class Deu3Dataset:
    """The usable issues of a DEU III file, the GDP of every actor, and how many rows were skipped."""

    path: str
    gdp: dict[str, float]
    issues: list[Deu3Issue]
    skipped_without_outcome: int
    skipped_without_positions: int

    @property
    def dossiers(self) -> list[str]:
        """The dossier ids, in order of first appearance."""
        return list(dict.fromkeys(issue.dossier for issue in self.issues))


def _cell_number(text: str, problems: list[Problem], *, file: str, row: int, column: str,
                 issue: str | None = None, actor: str | None = None,
                 low: float = SCALE_MIN, high: float = SCALE_MAX) -> float | None:
    """The number in a cell, None when it is empty; a problem when it is not a number in ``low..high``."""
    text = text.strip()
    if not text:
        return None
    try:
        value = ascii_float(text)
    except ValueError:
        problems.append(Problem(f"'{text}' is not a number", file=file, row=row, actor=actor, issue=issue,
                                field=column))
        return None
    if not math.isfinite(value) or not low <= value <= high:
        bounds = f"{low:g}..{high:g}" if math.isfinite(high) else f"at least {low:g}"
        problems.append(Problem(f"{text} is not a number in {bounds}", file=file, row=row, actor=actor,
                                issue=issue, field=column))
        return None
    return value


def _header(rows: list[list[str]], file: str) -> dict[str, int]:
    if not rows:
        raise ScenarioError([Problem("is empty", file=file)])
    header = {name.strip().lower(): index for index, name in enumerate(rows[0])}
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ScenarioError([Problem(f"missing column(s) {', '.join(missing)} (see the DEU III layout in the "
                                     "README)", file=file, row=1)])
    return header


def _gdp_row(rows: list[list[str]], columns: dict[str, int], file: str, problems: list[Problem]) -> dict[str, float]:
    if len(rows) < 2:
        raise ScenarioError([Problem("has no GDP row (line 2) and no issues", file=file)])
    cells = rows[1]
    gdp = {}
    for actor, column in zip(ACTORS, POSITION_COLUMNS):
        text = cells[columns[column]] if columns[column] < len(cells) else ""
        value = _cell_number(text, problems, file=file, row=2, column=column, actor=actor, high=math.inf)
        if value is None and text.strip() == "":
            problems.append(Problem("the GDP row has no figure for this actor", file=file, row=2, actor=actor,
                                    field=column))
        gdp[actor] = value if value is not None else math.nan
    if all(value == 0 for value in gdp.values()):
        problems.append(Problem("every GDP figure is 0: capabilities need at least one positive figure", file=file,
                                row=2, field="gdp"))
    return gdp


def _issue(cells: list[str], row: int, name: str, columns: dict[str, int], gdp: dict[str, float], file: str,
           problems: list[Problem]) -> Deu3Issue | str:
    """One issue row: the issue, or why it is not usable (``"no outcome"``, ``"no position"``)."""

    def number(column: str, actor: str | None = None) -> float | None:
        return _cell_number(cells[columns[column]], problems, file=file, row=row, column=column, issue=name,
                            actor=actor)

    outcome, reference_point = number(OUTCOME), number(REFERENCE_POINT)
    actors, positions, saliences = [], [], []
    for actor, position_column, salience_column in zip(ACTORS, POSITION_COLUMNS, SALIENCE_COLUMNS):
        position, salience = number(position_column, actor), number(salience_column, actor)
        if position is not None:
            actors.append(actor)
            positions.append(position)
            saliences.append(MISSING_SALIENCE if salience is None else salience)
    if outcome is None:
        return "no outcome"
    if not actors:
        return "no position"
    issue = Issue(name=name, scale_min=SCALE_MIN, scale_max=SCALE_MAX, status_quo=reference_point)
    arrays = IssueArrays(issue=issue, actors=actors, position=np.asarray(positions),
                         salience=np.asarray(saliences) / 100.0,
                         capability=np.asarray([gdp[actor] for actor in actors]))
    return Deu3Issue(arrays, cells[columns[DOSSIER]].strip(), cells[columns[PROCEDURE]].strip(),
                     cells[columns[VOTING_RULE]].strip(), outcome, row)


def read_deu3(path: str | Path) -> Deu3Dataset:
    """Read a DEU III file; raises :class:`ScenarioError` listing every problem found."""
    file = str(path)
    if not Path(path).is_file():
        raise ScenarioError([Problem("no such file", file=file)])
    rows = [record for _, record in csv_records(read_text(Path(path)), file, delimiter="\t")]
    columns = _header(rows, file)
    problems: list[Problem] = []
    gdp = _gdp_row(rows, columns, file, problems)
    issues: list[Deu3Issue] = []
    skipped: Counter[str] = Counter()
    first_row_of_issue: dict[str, int] = {}
    for row, cells in enumerate(rows[2:], start=3):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(rows[0]):
            problems.append(Problem(f"has {len(cells)} cells, the header has {len(rows[0])}", file=file, row=row))
            continue
        name = cells[columns[ISSUE]].strip() or f"row {row}"
        if name in first_row_of_issue:
            problems.append(Problem(f"duplicate issue id (first on row {first_row_of_issue[name]})", file=file,
                                    row=row, issue=name, field=ISSUE))
            continue
        first_row_of_issue[name] = row
        issue = _issue(cells, row, name, columns, gdp, file, problems)
        if isinstance(issue, str):
            skipped[issue] += 1
        else:
            issues.append(issue)
    if problems:
        raise ScenarioError(problems)
    if not issues:
        raise ScenarioError([Problem(f"no usable issues: none of its {len(first_row_of_issue)} issue row(s) has "
                                     f"both an outcome ('{OUTCOME}') and a position", file=file)])
    return Deu3Dataset(file, gdp, issues, skipped["no outcome"], skipped["no position"])
