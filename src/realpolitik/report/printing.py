"""A report printed to PDF or drawn as a PNG by the local Chromium, headless, offline.

The HTML report is self-contained (plotly.js inlined, nothing fetched), so Chromium opens it from a
temporary file with name resolution switched off (``--host-resolver-rules``: every host name fails to
resolve), its background services off, and its JavaScript given :data:`SCRIPT_MILLISECONDS` of
virtual time to draw the charts before it prints (``--print-to-pdf``) or takes the picture
(``--screenshot``, one image of :data:`PNG_WIDTH` pixels wide and as tall as the report is
estimated to be: :data:`PNG_HEIGHT_BASE` plus :data:`PNG_HEIGHT_PER_ISSUE` per issue).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from realpolitik.forecast import ForecastRequestError

#: The Chromium commands looked for, in order.
CHROMIUM_COMMANDS = ("chromium", "chromium-browser", "google-chrome")
SCRIPT_MILLISECONDS = 10_000
PRINT_TIMEOUT_SECONDS = 120
PNG_WIDTH = 1280
PNG_HEIGHT_BASE = 2400
PNG_HEIGHT_PER_ISSUE = 1500
#: Chromium switches that keep it from reaching anything: no name resolution, no background services.
OFFLINE = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
           "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND")

Format = Literal["pdf", "png"]


class PrintingUnavailable(ForecastRequestError):
    """No Chromium to print with, or it failed."""


def chromium() -> str:
    """The local Chromium's path."""
    for command in CHROMIUM_COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    raise PrintingUnavailable("PDF and PNG reports need Chromium installed (Debian: apt-get install chromium); "
                              "the HTML report needs nothing")


def print_report(html: str, kind: Format, issues: int = 1) -> bytes:
    """``html`` printed as a PDF or drawn as a PNG by the local Chromium, offline."""
    program = chromium()
    with tempfile.TemporaryDirectory(prefix="realpolitik-print-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        output = Path(folder) / f"report.{kind}"
        if kind == "pdf":
            switches = ["--no-pdf-header-footer", f"--print-to-pdf={output}"]
        else:
            height = PNG_HEIGHT_BASE + PNG_HEIGHT_PER_ISSUE * issues
            switches = [f"--window-size={PNG_WIDTH},{height}", "--hide-scrollbars", f"--screenshot={output}"]
        command = [program, *OFFLINE, f"--user-data-dir={Path(folder) / 'profile'}",
                   f"--virtual-time-budget={SCRIPT_MILLISECONDS}", *switches, page.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise PrintingUnavailable(f"Chromium did not finish the {kind.upper()} within "
                                      f"{PRINT_TIMEOUT_SECONDS} s") from None
        if not output.exists() or output.stat().st_size == 0:
            raise PrintingUnavailable(f"Chromium ({program}) wrote no {kind.upper()}")
        return output.read_bytes()
