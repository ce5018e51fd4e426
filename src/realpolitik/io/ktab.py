"""Readers for KTAB's scenario files: the SMP's CSV and XML formats.

KAPSARC's Toolkit for Behavioral Analysis (KTAB) describes a Spatial Model of
Politics scenario as

* **CSV** (``dummyData_3Dim.csv``)::

      <scenario name>, <description>, <number of actors>, <number of dimensions>[, ...]
      Actor, Description, <capability header>, <dim 1 header>, <salience 1 header>, ...
      <actor>, <description>, <capability>, <position 1>, <salience 1>, ...   (one row per actor)

  Positions and saliences are on 0..100; KTAB requires each actor's saliences
  to sum to at most 100. Trailing empty cells are ignored.

* **XML** (``smpExample.xml``, schema ``smpSchema.xsd``): ``name``, ``desc``,
  ``prngSeed``, optional ``ModelParameters`` (the nine SMP parameters by
  name), ``Dimensions/dName``, ``Actors/Actor`` with ``name``,
  ``description``, ``capability``, ``Position/dCoord`` and ``Salience/dSal``,
  and optional ``IdealAdjustment/iaPair`` entries (``adjustingIdeal``,
  ``referencePos``, ``adjust``) that fill KTAB's ideal-accommodation matrix,
  which starts as the identity.

Each dimension becomes an :class:`~realpolitik.scenario.Issue` on 0..100 named
after its header (CSV) or ``dName`` (XML); each actor an ``Actor`` with one
``Stance`` per dimension, salience kept on 0..100. Everything goes through
:func:`~realpolitik.scenario.load_scenario_dict`, so validation is shared;
anything wrong raises one :class:`~realpolitik.scenario.ScenarioError` listing
every problem with its file, row (line), actor, issue and field.

``read_ktab_xml`` returns the scenario; ``read_ktab_xml_run`` also returns
what the XML says about the run: the model parameters as
:class:`~realpolitik.models.smp.SMPOptions`, the seed and the accommodation
matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np

from ..models.smp.kernel import IdealAdjustment, SMPOptions
from ..numbers import ascii_float
from ..scenario import Origin, Problem, Scenario, ScenarioError, load_scenario_dict
from .files import csv_records, read_text

__all__ = ["KTABRun", "read_ktab_csv", "read_ktab_xml", "read_ktab_xml_run"]

MIN_ACTORS = 2
_SCALE = {"scale_min": 0.0, "scale_max": 100.0}


def _text(path: Path) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file is a ScenarioError."""
    if not path.exists():
        raise ScenarioError([Problem("file not found", file=str(path))])
    if path.is_dir():
        raise ScenarioError([Problem("is a folder, not a file", file=str(path))])
    return read_text(path)


def _number(text: str) -> float | None:
    """A finite float, or None when ``text`` is not one."""
    try:
        value = ascii_float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _integer(text: str) -> int | None:
    value = _number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def _trimmed(row: list[str]) -> list[str]:
    cells = [cell.strip() for cell in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _salience_totals(actors: list[dict], rows: dict[str, int], file: str) -> list[Problem]:
    """KTAB's rule: an actor's saliences may not add up to more than 100."""
    problems = []
    for actor in actors:
        saliences = [stance["salience"] for stance in actor["stances"].values()]
        total = sum(saliences)
        if all(0 <= s <= 100 for s in saliences) and total > 100 + 1e-9:
            problems.append(Problem(
                f"saliences add up to {total:g}, more than the 100 KTAB allows per actor",
                file=file, row=rows.get(actor["name"]), actor=actor["name"], field="salience",
            ))
    return problems


def _ktab_scenario(name: str, description: str | None, source: str, dimensions: list[str], actors: list[dict],
                   actor_rows: dict[str, int], file: str) -> Scenario:
    """Validate a KTAB table as a scenario, one issue per dimension on KTAB's 0..100 scale;
    the shared checks and KTAB's own (saliences summing to at most 100) reported together."""
    data = {
        "name": name,
        "description": description,
        "sources": [source],
        "issues": [{"name": dimension, **_SCALE} for dimension in dimensions],
        "actors": actors,
    }
    totals = _salience_totals(actors, actor_rows, file)
    try:
        scenario = load_scenario_dict(data, Origin(file=file, actor_rows=actor_rows))
    except ScenarioError as error:
        raise ScenarioError(error.problems + totals) from None
    if totals:
        raise ScenarioError(totals)
    return scenario


def read_ktab_csv(path: str | Path) -> Scenario:
    """Read a KTAB SMP scenario from CSV (layout in the module docstring)."""
    path = Path(path)
    file = str(path)
    text = _text(path)
    # each record with the physical line it starts on, for messages
    records = [(line, _trimmed(row)) for line, row in csv_records(text, file, skipinitialspace=True)]
    records = [(line, row) for line, row in records if row]
    problems: list[Problem] = []

    def problem(message: str, row: int | None = None, actor: str | None = None, issue: str | None = None,
                fld: str | None = None) -> None:
        problems.append(Problem(message, file=file, row=row, actor=actor, issue=issue, field=fld))

    if not records:
        raise ScenarioError([Problem("the file is empty; a KTAB CSV starts with "
                                     "'name, description, number of actors, number of dimensions'", file=file)])
    header_line, header = records[0]
    if len(header) < 4:
        raise ScenarioError([Problem(
            f"the first line needs 4 cells (name, description, number of actors, number of dimensions), "
            f"got {len(header)}", file=file, row=header_line, field="header",
        )])
    scenario_name, description = header[0], header[1]
    actor_count, dimension_count = _integer(header[2]), _integer(header[3])
    if actor_count is None:
        problem(f"the number of actors must be a whole number, got {header[2]!r}", header_line, fld="number of actors")
    elif actor_count < MIN_ACTORS:
        problem(f"a scenario needs at least {MIN_ACTORS} actors, the file declares {actor_count}",
                header_line, fld="number of actors")
    if dimension_count is None:
        problem(f"the number of dimensions must be a whole number, got {header[3]!r}", header_line,
                fld="number of dimensions")
    elif dimension_count < 1:
        problem(f"a scenario needs at least 1 dimension, the file declares {dimension_count}", header_line,
                fld="number of dimensions")
    if problems:
        raise ScenarioError(problems)
    assert actor_count is not None and dimension_count is not None
    columns = 3 + 2 * dimension_count

    if len(records) < 2:
        raise ScenarioError([Problem("the column-header line (Actor, Description, Power, ...) is missing",
                                     file=file, row=header_line + 1, field="columns")])
    names_line, names = records[1]
    if len(names) != columns:
        raise ScenarioError([Problem(
            f"the column-header line has {len(names)} columns; {dimension_count} dimensions need {columns} "
            "(actor, description, capability, then a position and a salience per dimension)",
            file=file, row=names_line, field="columns",
        )])
    dimensions = [names[3 + 2 * d] or f"dimension-{d + 1}" for d in range(dimension_count)]

    rows = records[2:]
    if len(rows) != actor_count:
        problem(f"the first line declares {actor_count} actors but the file has {len(rows)} actor rows",
                header_line, fld="number of actors")
    actors: list[dict] = []
    actor_rows: dict[str, int] = {}
    for line, row in rows:
        name = row[0] if row else ""
        label = name or None
        if len(row) != columns:
            problem(f"expected {columns} columns (actor, description, capability, then position and salience "
                    f"for each of {dimension_count} dimensions), got {len(row)}", line, label, fld="columns")
            continue
        if name in actor_rows:
            problem("duplicate actor name", line, name, fld="name")
            continue
        actor_rows[name] = line
        capability = _number(row[2])
        if capability is None:
            problem(f"capability must be a number, got {row[2]!r}", line, label, fld="capability")
        stances = {}
        for d, dimension in enumerate(dimensions):
            position, salience = _number(row[3 + 2 * d]), _number(row[4 + 2 * d])
            if position is None:
                problem(f"position must be a number, got {row[3 + 2 * d]!r}", line, label, dimension, "position")
            if salience is None:
                problem(f"salience must be a number, got {row[4 + 2 * d]!r}", line, label, dimension, "salience")
            stances[dimension] = {"position": position, "salience": salience}
        actors.append({"name": name, "title": row[1] or None, "capability": capability, "stances": stances})
    if problems:
        raise ScenarioError(problems)

    return _ktab_scenario(scenario_name or path.stem, description or None, f"KTAB CSV {path.name}", dimensions,
                          actors, actor_rows, file)


# --------------------------------------------------------------------------- XML


@dataclass
class _Node:
    tag: str
    line: int
    parts: list[str] = field(default_factory=list)  # the text, in the pieces the parser gave it
    children: list[_Node] | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def child(self, tag: str) -> _Node | None:
        return next((c for c in self.children or [] if c.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children or [] if c.tag == tag]


def _parse_xml(text: str, file: str) -> _Node:
    parser = expat.ParserCreate()
    root = _Node("#document", 0, children=[])
    stack = [root]

    def start(tag, attributes):
        node = _Node(tag, parser.CurrentLineNumber, children=[])
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag):
        stack.pop()

    def characters(data):
        stack[-1].parts.append(data)  # joined once: appending to a string would cost quadratic time

    def refuse_declarations(*_):
        raise ScenarioError([Problem("declares a document type or entities (<!DOCTYPE>, <!ENTITY>), which a KTAB "
                                     "scenario never needs", file=file, row=parser.CurrentLineNumber)])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse_declarations
    parser.EntityDeclHandler = refuse_declarations
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ScenarioError([Problem(f"not well-formed XML: {expat.errors.messages.get(error.code, error)}",
                                     file=file, row=error.lineno)]) from None
    document = root.child("Scenario")
    if document is None:
        raise ScenarioError([Problem("the root element must be <Scenario>", file=file, row=1)])
    return document


@dataclass
class KTABRun:
    """A KTAB XML scenario and what it says about the run."""

    scenario: Scenario
    options: SMPOptions | None  # None when the file has no <ModelParameters>
    seed: int | None  # <prngSeed>
    accommodation: np.ndarray | None  # (N, N) in scenario actor order; None when no <IdealAdjustment>
    ideal_adjustment: tuple[IdealAdjustment, ...] = ()  # the <iaPair> entries, by actor name

    def smp_options(self) -> SMPOptions:
        """The SMP options the file states: its model parameters (KTAB's defaults where it
        has no <ModelParameters>), its seed and its ideal adjustments."""
        return (self.options or SMPOptions()).model_copy(update={"seed": self.seed,
                                                                 "ideal_adjustment": list(self.ideal_adjustment)})


def read_ktab_xml_run(path: str | Path) -> KTABRun:
    """Read a KTAB SMP scenario from XML, with its model parameters, seed and accommodation matrix."""
    path = Path(path)
    file = str(path)
    document = _parse_xml(_text(path), file)
    problems: list[Problem] = []

    def problem(message: str, row: int | None, actor: str | None = None, issue: str | None = None,
                fld: str | None = None) -> None:
        problems.append(Problem(message, file=file, row=row, actor=actor, issue=issue, field=fld))

    def text_of(node: _Node | None) -> str:
        return node.text.strip() if node is not None else ""

    name_node = document.child("name")
    scenario_name = text_of(name_node) or path.stem

    seed = None
    seed_node = document.child("prngSeed")
    if seed_node is not None and text_of(seed_node):
        seed_text = text_of(seed_node)
        if len(seed_text) <= 20 and seed_text.isascii() and seed_text.isdigit() and int(seed_text) < 2**64:
            seed = int(seed_text)
        else:
            shown = seed_text if len(seed_text) <= 30 else f"{seed_text[:20]}... ({len(seed_text)} characters)"
            problem(f"prngSeed must be a whole number in 0..2^64-1, got {shown!r}", seed_node.line, fld="prngSeed")

    options = None
    parameters_node = document.child("ModelParameters")
    if parameters_node is not None:
        names = {child.tag: text_of(child) for child in parameters_node.children or []}
        try:
            options = SMPOptions.from_ktab_names(names)
        except (ValueError, TypeError) as error:
            problem(f"model parameters: {error}", parameters_node.line, fld="ModelParameters")

    actors_node = document.child("Actors")
    actor_nodes = actors_node.all("Actor") if actors_node is not None else []
    dimensions_node = document.child("Dimensions")
    if dimensions_node is not None:
        dimensions = [text_of(d) or f"dimension-{k + 1}" for k, d in enumerate(dimensions_node.all("dName"))]
    else:
        first = actor_nodes[0].child("Position") if actor_nodes else None
        dimensions = [f"dimension-{k + 1}" for k in range(len(first.all("dCoord")) if first else 0)]
    structural = len(problems)
    if not dimensions:
        problem("no dimensions: <Dimensions> needs at least one <dName>", document.line, fld="Dimensions")
    if len(actor_nodes) < MIN_ACTORS:
        problem(f"a scenario needs at least {MIN_ACTORS} actors, the file has {len(actor_nodes)}",
                actors_node.line if actors_node is not None else document.line, fld="Actors")
    if len(problems) > structural:
        raise ScenarioError(problems)

    actors: list[dict] = []
    actor_rows: dict[str, int] = {}
    for number, node in enumerate(actor_nodes, start=1):
        name = text_of(node.child("name"))
        label = name or f"#{number}"
        if not name:
            problem("the actor has no <name>", node.line, label, fld="name")
            continue
        if name in actor_rows:
            problem("duplicate actor name", node.line, name, fld="name")
            continue
        actor_rows[name] = node.line
        capability_node = node.child("capability")
        capability = _number(text_of(capability_node))
        if capability is None:
            problem(f"capability must be a number, got {text_of(capability_node)!r}",
                    (capability_node or node).line, name, fld="capability")
        stances: dict[str, dict] = {d: {} for d in dimensions}
        for container, element, key in (("Position", "dCoord", "position"), ("Salience", "dSal", "salience")):
            holder = node.child(container)
            values = holder.all(element) if holder is not None else []
            if len(values) != len(dimensions):
                problem(f"<{container}> has {len(values)} <{element}> values for {len(dimensions)} dimensions",
                        (holder or node).line, name, fld=key)
                continue
            for dimension, value_node in zip(dimensions, values):
                value = _number(text_of(value_node))
                if value is None:
                    problem(f"{key} must be a number, got {text_of(value_node)!r}", value_node.line, name,
                            dimension, key)
                stances[dimension][key] = value
        actors.append({"name": name, "title": text_of(node.child("description")) or None,
                       "capability": capability, "stances": stances})

    accommodation = None
    adjustments: list[IdealAdjustment] = []
    adjustment_node = document.child("IdealAdjustment")
    if adjustment_node is not None:
        order = [actor["name"] for actor in actors]
        accommodation = np.eye(len(order))
        for pair in adjustment_node.all("iaPair"):
            adjusting, reference = text_of(pair.child("adjustingIdeal")), text_of(pair.child("referencePos"))
            amount = _number(text_of(pair.child("adjust")))
            for who, fld in ((adjusting, "adjustingIdeal"), (reference, "referencePos")):
                if who not in actor_rows:
                    problem(f"iaPair names an unknown actor {who!r}", pair.line, who or None, fld=fld)
            if amount is None or not 0 <= amount <= 1:
                problem(f"adjust must be a number in 0..1, got {text_of(pair.child('adjust'))!r}", pair.line,
                        adjusting or None, fld="adjust")
            if adjusting in actor_rows and reference in actor_rows and amount is not None and 0 <= amount <= 1:
                accommodation[order.index(adjusting), order.index(reference)] = amount
                adjustments.append(IdealAdjustment(adjusting=adjusting, reference=reference, adjust=amount))
        for row_index, total in enumerate(accommodation.sum(axis=1)):
            if total > 1 + 1e-10:
                who = order[row_index]
                problem(f"the ideal adjustments of this actor add up to {total:g}, more than 1",
                        adjustment_node.line, who, fld="IdealAdjustment")
    if problems:
        raise ScenarioError(problems)

    scenario = _ktab_scenario(scenario_name, text_of(document.child("desc")) or None, f"KTAB XML {path.name}",
                              dimensions, actors, actor_rows, file)
    return KTABRun(scenario=scenario, options=options, seed=seed, accommodation=accommodation,
                   ideal_adjustment=tuple(adjustments))


def read_ktab_xml(path: str | Path) -> Scenario:
    """Read a KTAB SMP scenario from XML (the stakeholder table only; see :func:`read_ktab_xml_run`)."""
    return read_ktab_xml_run(path).scenario
