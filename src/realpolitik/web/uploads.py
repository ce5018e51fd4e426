"""Turning an uploaded file into a scenario: parsed by the readers, never executed, never kept.

The browser sends the file's bytes and its name; only the name's extension is
used, to pick the reader. The bytes go to a private temporary folder, are read
by :func:`realpolitik.io.load_scenario` and are deleted; problems name the
uploaded file, not the folder. The readers refuse what could expand without bound
(YAML aliases, deep nesting, workbooks that unpack to more than 64 MiB or declare
entities) in time linear in the file, for uploads as for files on disk.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from realpolitik.io import load_scenario
from realpolitik.scenario import Problem, Scenario, ScenarioError

#: The file types the web app imports.
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
#: Longest upload name kept, extension included, and longest extension kept.
MAX_NAME_LENGTH, MAX_SUFFIX_LENGTH = 100, 16
#: Base names Windows gives to devices, whatever their extension.
WINDOWS_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT")
                                                                   for n in "123456789")})


class UnsupportedUpload(ValueError):
    """A file of a type the web app does not import."""


def upload_name(filename: str | None) -> str:
    """The uploaded file's base name, reduced to safe characters (never a path).

    At most :data:`MAX_NAME_LENGTH` characters, shortened in the stem so that the
    extension (which picks the reader) survives; a name Windows reserves for a device
    (``CON``, ``NUL``, ``COM1``...) gets a trailing underscore on its stem.
    """
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    safe = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .") or "upload"
    stem, dot, suffix = safe.rpartition(".") if "." in safe.lstrip(".") else (safe, "", "")
    suffix = (dot + suffix)[:MAX_SUFFIX_LENGTH]
    stem = stem.rstrip(" .")[:MAX_NAME_LENGTH - len(suffix)] or "upload"
    device, dot_before_rest, rest = stem.partition(".")
    if device.upper() in WINDOWS_DEVICE_NAMES:
        stem = f"{device}_{dot_before_rest}{rest}"
    return stem + suffix


def parse_upload(filename: str | None, content: bytes) -> Scenario:
    """The scenario in an uploaded file; :class:`ScenarioError` naming the file if it is not a valid one."""
    name = upload_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UnsupportedUpload(f"{name}: cannot import '{suffix or 'no extension'}' files "
                                f"(use {', '.join(UPLOAD_SUFFIXES)})")
    if not content:
        raise ScenarioError([Problem("is empty", file=name)])
    with tempfile.TemporaryDirectory(prefix="realpolitik-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return load_scenario(path)
        except ScenarioError as error:
            prefix = f"{folder}{os.sep}"
            raise ScenarioError([dataclasses.replace(problem, file=problem.file.replace(prefix, ""))
                                 if problem.file else problem for problem in error.problems]) from None
