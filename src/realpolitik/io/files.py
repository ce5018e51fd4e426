"""Reading and writing files safely: UTF-8 checks and all-or-nothing writes."""

from __future__ import annotations

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
