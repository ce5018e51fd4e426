"""Readers and writers, one module per format.

:func:`load_scenario` opens any supported file, or a built-in scenario by name,
and raises :class:`realpolitik.scenario.ScenarioError` naming every problem.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from realpolitik.io.files import read_text
from realpolitik.scenario import Problem, Scenario, ScenarioError

#: A file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 64 * 1024 * 1024


def load_scenario(source: str | Path) -> Scenario:
    """A scenario from a path (YAML, JSON, CSV, XLSX, KTAB XML) or a built-in name."""
    from realpolitik.scenarios import builtin_names, load_builtin

    path = Path(source)
    if not path.exists() and str(source) in builtin_names():
        return load_builtin(str(source))
    if not path.exists():
        known = ", ".join(builtin_names())
        raise ScenarioError([Problem(f"no such file, and no built-in scenario of that name (built-ins: {known})",
                                     file=str(source))])
    if path.is_dir():
        raise ScenarioError([Problem("is a folder, not a scenario file", file=str(source))])
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError([Problem(f"file of {size / 1e6:.1f} MB is larger than the {MAX_FILE_BYTES // 2**20} MiB "
                                     "accepted", file=str(source))])
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        from realpolitik.io.native import read_native

        return read_native(path)
    if suffix == ".xlsx":
        from realpolitik.io.xlsx import read_xlsx

        return read_xlsx(path)
    if suffix == ".xml":
        from realpolitik.io.ktab import read_ktab_xml

        return read_ktab_xml(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv_by_layout(path)
    raise ScenarioError([Problem(f"unknown file type '{suffix}' (expected .yaml, .yml, .json, .csv, .xlsx or .xml)",
                                 file=str(path))])


def stated_options(source: str | Path) -> dict[str, BaseModel]:
    """The model options a scenario file states itself, by model name: for a KTAB XML file, the
    SMP's model parameters, seed and ideal adjustments (:meth:`KTABRun.smp_options`); else none."""
    path = Path(source)
    if path.suffix.lower() != ".xml" or not path.is_file():
        return {}
    from realpolitik.io.ktab import read_ktab_xml_run

    return {"smp": read_ktab_xml_run(path).smp_options()}


def _read_csv_by_layout(path: Path) -> Scenario:
    """Tell the CSV layouts apart by their first line."""
    first_line = read_text(path).lstrip("\ufeff").splitlines()[:1]
    head = first_line[0] if first_line else ""
    if head.startswith(("#A", "'#A'", '"#A"', "#P")) or "\t" in head and "#" in head.split("\t")[0]:
        from realpolitik.io.decide import read_decide

        return read_decide(path)
    cells = [cell.strip().lower() for cell in head.split(",")]
    if cells[:1] == ["actor"]:
        from realpolitik.io.scholz_csv import read_scholz_csv

        return read_scholz_csv(path)
    from realpolitik.io.ktab import read_ktab_csv

    return read_ktab_csv(path)
