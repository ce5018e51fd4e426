"""``realpolitik report RUN_ID``: an HTML report of a stored run, and its charts as PNG files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from realpolitik.cli import UsageError, app, console, guarded
from realpolitik.cli.store_commands import DbOption, RunId, store_errors_as_usage


@app.command()
@guarded
@store_errors_as_usage
def report(
    run_id: RunId,
    html: Annotated[Path | None, typer.Option("--html", help="Write one self-contained HTML file here.")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Write the charts as PNG files into this folder.")]
    = None,
    db: DbOption = None,
) -> None:
    """Report a stored run: charts, tables, inputs and provenance, readable offline."""
    from realpolitik.store import get_run

    if html is None and png is None:
        raise UsageError("say what to write: --html FILE and/or --png DIR")
    if html is not None and not html.parent.exists():
        raise UsageError(f"{html}: folder {html.parent} does not exist")
    if png is not None and png.exists() and not png.is_dir():
        raise UsageError(f"{png} exists and is not a folder")
    stored = get_run(run_id, db)
    from realpolitik.report.analysis_report import ANALYSIS_KINDS

    if png is not None and stored.kind in ANALYSIS_KINDS:
        raise UsageError(f"run {run_id} is a {stored.kind} run: its charts are in the HTML report (--html FILE); "
                         "PNG files are drawn for forecast runs")
    if stored.kind == "forecast":
        _compute_missing_analyses(stored, db)
    if html is not None:
        from realpolitik.report.html import write_html_report

        write_html_report(stored, html, db)
        console.print(f"wrote {html}", highlight=False)
    if png is not None:
        from realpolitik.report.png import write_png_charts

        for path in write_png_charts(stored, png, db):
            console.print(f"wrote {path}", highlight=False)


def _compute_missing_analyses(stored, db: str | None) -> None:
    """A forecast run made here has no analyses yet: compute and store them once (the report reads them)."""
    from realpolitik.analysis.run_analyses import compute_analyses, plan
    from realpolitik.cli.uncertainty_commands import _progress
    from realpolitik.store.analyses import queue_analyses

    planned = plan(stored)
    if not queue_analyses(stored.id, planned, db):
        return
    with _progress(f"analyses of run {stored.id}", len(planned)) as update:
        compute_analyses(stored, db, finished=update)
