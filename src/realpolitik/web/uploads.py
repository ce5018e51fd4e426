"""Turning an uploaded file into a scenario: parsed by the readers, never executed, never kept.

The browser sends the file's bytes and its name; only the name's extension is
used, to pick the reader. The bytes go to a private temporary folder, are read
by :func:`realpolitik.io.load_scenario` and are deleted; problems name the
uploaded file, not the folder.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml

from realpolitik.io import load_scenario
from realpolitik.scenario import Problem, Scenario, ScenarioError

#: Largest total size an uploaded workbook may unpack to (an .xlsx is a zip archive).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: The file types the web app imports.
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
NATIVE_SUFFIXES = (".yaml", ".yml", ".json")
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


def _refuse_yaml_aliases(content: bytes, name: str) -> None:
    """Refuse YAML aliases: a scenario never needs them, and nested ones can expand without bound."""
    try:
        text = content.decode("utf-8-sig")
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise ScenarioError([Problem("uses a YAML alias (*name); write the values out instead", file=name,
                                             row=line)])
    except (UnicodeDecodeError, yaml.YAMLError):
        return  # the reader reports these with their line


def _refuse_zip_bombs(content: bytes, name: str) -> None:
    """Refuse a workbook that would unpack to more than :data:`MAX_UNPACKED_BYTES`."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        return  # the reader reports it
    if unpacked > MAX_UNPACKED_BYTES:
        raise ScenarioError([Problem(f"unpacks to {unpacked / 1e6:.0f} MB, more than the "
                                     f"{MAX_UNPACKED_BYTES // 2**20} MiB accepted", file=name)])


def parse_upload(filename: str | None, content: bytes) -> Scenario:
    """The scenario in an uploaded file; :class:`ScenarioError` naming the file if it is not a valid one."""
    name = upload_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UnsupportedUpload(f"{name}: cannot import '{suffix or 'no extension'}' files "
                                f"(use {', '.join(UPLOAD_SUFFIXES)})")
    if not content:
        raise ScenarioError([Problem("is empty", file=name)])
    if suffix in NATIVE_SUFFIXES:
        _refuse_yaml_aliases(content, name)
    if suffix == ".xlsx":
        _refuse_zip_bombs(content, name)
    with tempfile.TemporaryDirectory(prefix="realpolitik-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return load_scenario(path)
        except ScenarioError as error:
            prefix = f"{folder}{os.sep}"
            raise ScenarioError([dataclasses.replace(problem, file=problem.file.replace(prefix, ""))
                                 if problem.file else problem for problem in error.problems]) from None
