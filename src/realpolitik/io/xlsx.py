"""Excel workbooks (.xlsx) in a layout an analyst fills in by hand.

One sheet per kind of thing, a header row, then one row per entry:

``Scenario`` (optional)
    two columns ``field | value`` with rows ``name``, ``title``, ``date``, ``kind``, ``description``,
    one ``source`` row per source, and optionally the default noise model as rows
    ``uncertainty.position_sd_percent_of_scale``, ``uncertainty.salience_sd``,
    ``uncertainty.capability_sd_percent``.
``Issues``
    ``name | title | scale_min | scale_max | anchors | status_quo | status_quo_rationale | reversion |
    reversion_rationale | veto_players | veto_players_rationale | agenda_setter | agenda_setter_rationale |
    description``; ``anchors`` one per line within the cell (``0 = no ceasefire``, new line,
    ``25 = limited moratoria``, ...); in a cell without line breaks ``;`` separates them. ``veto_players``
    likewise: one actor name per line, or separated by ``;``.
``Actors``
    ``name | title | bloc | capability | capability_sd | capability_rationale`` (``bloc``, optional: the
    group the actor belongs to, e.g. ``EU``, by which charts colour it).
``Stances``
    ``actor | issue | position | position_sd | salience | salience_sd | position_rationale | salience_rationale``
    (salience 0..100; leave an actor out of an issue by giving it no row).
``Capability overrides`` (optional)
    ``actor | issue | capability | capability_sd | rationale``.
``Events`` (optional)
    ``date | title | source | shocks``: dated developments (``date`` as YYYY-MM-DD or a date
    cell), ``shocks`` one expression per line within the cell (or separated by ``;``).

The ``*_sd`` columns (standard deviations, for Monte Carlo runs) may be left out or empty.

Only ``name`` columns and the numbers are required; the others may be left empty or
left out. ``docs/examples/ukraine-2025-03.xlsx`` is a filled-in example, written by
:func:`write_xlsx`. Problems name the sheet and row.
"""

from __future__ import annotations

import difflib
import io
import zipfile
import zlib
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from realpolitik.io.files import write_atomically
from realpolitik.numbers import ascii_float
from realpolitik.scenario import Origin, Problem, Scenario, ScenarioError, load_scenario_dict

SHEETS: dict[str, tuple[str, ...]] = {
    "Scenario": ("field", "value"),
    "Issues": ("name", "title", "scale_min", "scale_max", "anchors", "status_quo", "status_quo_rationale",
               "reversion", "reversion_rationale", "veto_players", "veto_players_rationale", "agenda_setter",
               "agenda_setter_rationale", "description"),
    "Actors": ("name", "title", "bloc", "capability", "capability_sd", "capability_rationale"),
    "Stances": ("actor", "issue", "position", "position_sd", "salience", "salience_sd", "position_rationale",
                "salience_rationale"),
    "Capability overrides": ("actor", "issue", "capability", "capability_sd", "rationale"),
    "Events": ("date", "title", "source", "shocks"),
}
#: Sheets a workbook may leave out.
OPTIONAL_SHEETS = ("Scenario", "Capability overrides", "Events")
REQUIRED = {
    "Issues": ("name",),
    "Actors": ("name", "capability"),
    "Stances": ("actor", "issue", "position", "salience"),
    "Capability overrides": ("actor", "issue", "capability"),
    "Events": ("date", "title"),
}
NUMBERS = {"scale_min", "scale_max", "status_quo", "reversion", "capability", "position", "salience", "capability_sd",
           "position_sd", "salience_sd"}
#: Rows of sheet ``Scenario`` that set the default noise model, and the field each sets.
UNCERTAINTY_ROWS = {f"uncertainty.{name}": name
                    for name in ("position_sd_percent_of_scale", "salience_sd", "capability_sd_percent")}


def _text(value: Any) -> str | None:
    """A cell's text as written; None for an empty or blank cell."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _name(value: Any) -> str | None:
    """A cell naming something (actor, issue, field), without surrounding blanks."""
    text = _text(value)
    return text.strip() if text is not None else None


def _parse_anchors(text: str, where: str, row: int, problems: list[Problem]) -> dict[float, str]:
    anchors: dict[float, str] = {}
    for part in text.splitlines() if "\n" in text else text.split(";"):
        if not part.strip():
            continue
        point, separator, label = part.partition("=")
        try:
            anchors[ascii_float(point)] = label.strip()
            if not separator:
                raise ValueError
        except ValueError:
            problems.append(Problem(f"anchor '{part.strip()}' is not of the form 'number = label'", file=where,
                                    row=row, field="anchors"))
    return anchors


def _did_you_mean(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"


def _records(workbook, sheet: str, path: str, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's rows as ``(row number, {column: value})``, numbers checked."""
    if sheet not in workbook.sheetnames:
        if sheet not in OPTIONAL_SHEETS:
            problems.append(Problem(f"has no sheet '{sheet}' (sheets: {', '.join(workbook.sheetnames)})", file=path))
        return []
    where = f"{path}, sheet '{sheet}'"
    worksheet = workbook[sheet]
    if hasattr(worksheet, "reset_dimensions"):
        # Read every row and column, whatever extent the file declares: some tools write a stale one.
        worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header = [(_name(cell) or "").lower() for cell in next(rows, ())]
    problems += [Problem(f"unknown column '{name}' in the header{_did_you_mean(name, SHEETS[sheet])}", file=where,
                         row=1, field=name) for name in header if name and name not in SHEETS[sheet]]
    missing = [name for name in REQUIRED.get(sheet, SHEETS[sheet]) if name not in header]
    if missing:
        problems.append(Problem(f"missing column(s) {', '.join(missing)} in the header", file=where, row=1))
        return []
    records = []
    for number, cells in enumerate(rows, start=2):
        record = {name: cells[index] for index, name in enumerate(header) if name and index < len(cells)}
        if all(_text(value) is None for value in record.values()):
            continue
        for name in REQUIRED.get(sheet, ()):
            if _text(record.get(name)) is None:
                problems.append(Problem("is empty", file=where, row=number, field=name))
        for name in NUMBERS & record.keys():
            value = record[name]
            if value is None or isinstance(value, bool):
                continue
            if isinstance(value, (int, float)):
                record[name] = float(value)
                continue
            try:
                record[name] = ascii_float(str(value).strip())
            except ValueError:
                problems.append(Problem(f"'{value}' is not a number", file=where, row=number, field=name))
                record[name] = None
        records.append((number, record))
    return records


#: Largest total size a workbook may unpack to (an .xlsx is a zip archive of XML files).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _check_archive(path: Path, label: str) -> None:
    """Refuse a workbook that unpacks to more than :data:`MAX_UNPACKED_BYTES` or whose XML declares a
    document type or entities (the way to expand a few bytes into gigabytes, or to read other files)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_UNPACKED_BYTES:
                raise ScenarioError([Problem(f"unpacks to {unpacked / 1e6:.0f} MB, more than the "
                                             f"{MAX_UNPACKED_BYTES // 2**20} MiB accepted", file=label)])
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(entry) as member:
                    tail = b""
                    while chunk := member.read(1 << 16):
                        if any(declaration in tail + chunk for declaration in _DECLARATIONS):
                            raise ScenarioError([Problem(
                                f"part {entry.filename} declares a document type or entities (<!DOCTYPE>, "
                                "<!ENTITY>), which a workbook never needs", file=label)])
                        tail = chunk[-16:]
    except ScenarioError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        raise ScenarioError([Problem("cannot be opened (not an .xlsx workbook)", file=label)]) from None


def read_xlsx(path: Path) -> Scenario:
    """Read a workbook in the layout above."""
    label = str(path)
    _check_archive(path, label)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        reason = "not an .xlsx workbook" if not isinstance(error, OSError) else error.strerror
        raise ScenarioError([Problem(f"cannot be opened ({reason})", file=label)]) from None
    except Exception as error:  # noqa: BLE001 - a damaged part: openpyxl and its XML parser raise many kinds
        raise ScenarioError([Problem(f"cannot be read (damaged workbook: {type(error).__name__}: {error})",
                                     file=label)]) from None
    problems: list[Problem] = []
    try:
        sheets = {sheet: _records(workbook, sheet, label, problems) for sheet in SHEETS}
    except Exception as error:  # noqa: BLE001 - a damaged part: openpyxl and its XML parser raise many kinds
        raise ScenarioError([Problem(f"cannot be read (damaged workbook: {type(error).__name__}: {error})",
                                     file=label)]) from None
    finally:
        workbook.close()
    if any(problem.row in (None, 1) for problem in problems):  # a missing sheet or column: nothing to read on
        raise ScenarioError(problems)

    rows: dict[tuple, tuple[str, int]] = {}
    data: dict[str, Any] = {"name": Path(path).stem}
    scenario_fields = ["name", "title", "date", "kind", "description", "source", *UNCERTAINTY_ROWS]
    for number, record in sheets["Scenario"]:
        field = (_name(record.get("field")) or "").lower()
        if field and field not in scenario_fields:
            problems.append(Problem(f"unknown field '{field}'{_did_you_mean(field, scenario_fields)}",
                                    file=f"{label}, sheet 'Scenario'", row=number, field="field"))
        if field in ("name", "title", "date", "kind", "description"):
            data[field] = _text(record.get("value"))
        elif field == "source" and _text(record.get("value")):
            data.setdefault("sources", []).append(_text(record.get("value")))
        elif field in UNCERTAINTY_ROWS and _text(record.get("value")) is not None:
            data.setdefault("uncertainty", {})[UNCERTAINTY_ROWS[field]] = record.get("value")
    issues = []
    for number, record in sheets["Issues"]:
        name = _name(record["name"])
        rows[("issue", name)] = (f"{label}, sheet 'Issues'", number)
        issue = {key: record.get(key) for key in ("title", "description", "status_quo_rationale",
                                                  "reversion_rationale", "veto_players_rationale",
                                                  "agenda_setter_rationale")}
        issue = {key: _text(value) for key, value in issue.items()}
        issue.update(name=name, scale_min=record.get("scale_min"), scale_max=record.get("scale_max"),
                     status_quo=record.get("status_quo"), reversion=record.get("reversion"),
                     agenda_setter=_name(record.get("agenda_setter")))
        veto_players = _text(record.get("veto_players"))
        if veto_players:
            issue["veto_players"] = _split_names(veto_players)
        anchors = _text(record.get("anchors"))
        if anchors:
            issue["anchors"] = _parse_anchors(anchors, f"{label}, sheet 'Issues'", number, problems)
        issues.append({key: value for key, value in issue.items() if value is not None})
    actors: dict[str, dict[str, Any]] = {}
    actor_list = []
    for number, record in sheets["Actors"]:
        name = _name(record["name"])
        rows.setdefault(("actor", name), (f"{label}, sheet 'Actors'", number))
        actor = {"name": name, "title": _text(record.get("title")), "bloc": _name(record.get("bloc")),
                 "capability": record.get("capability"),
                 "capability_sd": record.get("capability_sd"),
                 "capability_rationale": _text(record.get("capability_rationale")), "stances": {},
                 "capability_by_issue": {}}
        actor_list.append(actor)
        actors.setdefault(name, actor)
    for sheet, target in (("Stances", "stances"), ("Capability overrides", "capability_by_issue")):
        where = f"{label}, sheet '{sheet}'"
        for number, record in sheets[sheet]:
            actor_name, issue_name = _name(record["actor"]), _name(record["issue"])
            if actor_name not in actors:
                problems.append(Problem("names an actor missing from sheet 'Actors'", file=where, row=number,
                                        actor=actor_name, issue=issue_name, field="actor"))
                continue
            if issue_name in actors[actor_name][target]:
                problems.append(Problem(f"second row for this actor and issue in sheet '{sheet}'", file=where,
                                        row=number, actor=actor_name, issue=issue_name))
                continue
            if target == "stances":
                rows[("stance", actor_name, issue_name)] = (where, number)
                entry = {"position": record["position"], "salience": record["salience"],
                         "position_sd": record.get("position_sd"), "salience_sd": record.get("salience_sd"),
                         "position_rationale": _text(record.get("position_rationale")),
                         "salience_rationale": _text(record.get("salience_rationale"))}
            else:
                entry = {"value": record["capability"], "capability_sd": record.get("capability_sd"),
                         "rationale": _text(record.get("rationale"))}
            actors[actor_name][target][issue_name] = {k: v for k, v in entry.items() if v is not None}
    data["issues"] = issues
    data["actors"] = [{k: v for k, v in actor.items() if v is not None} for actor in actor_list]
    data["events"] = [_event(record) for _, record in sheets["Events"]]
    try:
        scenario = load_scenario_dict(data, Origin(file=label, rows=rows))
    except ScenarioError as error:
        # Every problem at once: the table's own checks too, but none again for a row already reported.
        reported = {(problem.file, problem.row) for problem in problems}
        problems += [problem for problem in error.problems if (problem.file, problem.row) not in reported]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _event(record: dict[str, Any]) -> dict[str, Any]:
    """An event from its row; a date cell becomes ISO text."""
    date = record.get("date")
    date = date.date().isoformat() if hasattr(date, "date") else _name(date)
    shocks = _text(record.get("shocks"))
    return {"date": date, "title": _text(record.get("title")), "source": _text(record.get("source")),
            "shocks": _split_names(shocks) if shocks else []}


def _split_names(text: str) -> list[str]:
    """Names written one per line in a cell, or separated by ``;`` in a cell without line breaks."""
    parts = text.splitlines() if "\n" in text else text.split(";")
    return [part.strip() for part in parts if part.strip()]


def _format_anchors(anchors: dict[float, str]) -> str:
    return "\n".join(f"{point:g} = {label}" for point, label in sorted(anchors.items()))


def workbook_bytes(scenario: Scenario) -> bytes:
    """The scenario as an .xlsx workbook in the layout above."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    content: dict[str, list[tuple]] = {
        "Scenario": [(key, getattr(scenario, key)) for key in ("name", "title", "date", "kind", "description")]
        + [("source", source) for source in scenario.sources]
        + [(row, getattr(scenario.uncertainty, name)) for row, name in UNCERTAINTY_ROWS.items()
           if scenario.uncertainty is not None],
        "Issues": [(i.name, i.title, i.scale_min, i.scale_max, _format_anchors(i.anchors), i.status_quo,
                    i.status_quo_rationale, i.reversion, i.reversion_rationale, "\n".join(i.veto_players) or None,
                    i.veto_players_rationale, i.agenda_setter, i.agenda_setter_rationale, i.description)
                   for i in scenario.issues],
        "Actors": [(a.name, a.title, a.bloc, a.capability, a.capability_sd, a.capability_rationale)
                   for a in scenario.actors],
        "Stances": [(a.name, issue, s.position, s.position_sd, s.salience, s.salience_sd, s.position_rationale,
                     s.salience_rationale) for a in scenario.actors for issue, s in a.stances.items()],
        "Capability overrides": [(a.name, issue, o.value, o.capability_sd, o.rationale)
                                 for a in scenario.actors for issue, o in a.capability_by_issue.items()],
        "Events": [(e.date, e.title, e.source, "\n".join(e.shocks) or None) for e in scenario.events],
    }
    for sheet, records in content.items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(SHEETS[sheet])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for record in records:
            worksheet.append(record)
        for column, name in zip(worksheet.columns, SHEETS[sheet]):
            wide = name.endswith(("rationale", "description", "anchors")) or name == "value"
            worksheet.column_dimensions[column[0].column_letter].width = 60 if wide else 16
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=wide, vertical="top")
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(scenario: Scenario, path: Path) -> None:
    """Write the scenario as a workbook, all or nothing."""
    write_atomically(Path(path), workbook_bytes(scenario))
