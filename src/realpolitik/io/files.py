"""Reading and writing files safely: UTF-8 checks and all-or-nothing writes."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from realpolitik.scenario import Problem, ScenarioError


def read_text(path: Path) -> str:
    """The file's text; a precise :class:`ScenarioError` if it is unreadable or not UTF-8."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ScenarioError([Problem(f"cannot be read ({error.strerror})", file=str(path))]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError([Problem(f"is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})",
                                     file=str(path), row=line)]) from None


#: Longest cell a CSV file may hold (the limit of Python's csv module).
MAX_CELL_CHARACTERS = csv.field_size_limit()


def csv_records(text: str, file: str, **dialect: object) -> list[tuple[int, list[str]]]:
    """Every record of CSV ``text`` with the line it starts on.

    Lines may end in LF, CRLF or a lone CR (old Mac spreadsheets). A cell longer than
    :data:`MAX_CELL_CHARACTERS` or a malformed quote is a :class:`ScenarioError` naming the line.
    """
    reader = csv.reader(io.StringIO(text, newline=""), **dialect)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = (f"a cell is longer than the {MAX_CELL_CHARACTERS} characters accepted"
                  if "field larger than field limit" in str(error) else f"cannot be split into cells ({error})")
        raise ScenarioError([Problem(reason, file=file, row=start)]) from None
    return records


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
