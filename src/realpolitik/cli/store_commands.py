"""Commands on the run store: ``realpolitik runs list|show|diff|export|rerun``.

Also :func:`record_forecast`, which the forecast command calls to store its run.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Literal

import typer

from realpolitik.cli import UsageError, app, console, emit_json, errors, guarded
from realpolitik.terminal import PlainTable, escape

if TYPE_CHECKING:
    from realpolitik.forecast import Forecast
    from realpolitik.scenario import Scenario

runs_app = typer.Typer(help="Stored runs: list, show, diff, export and run again.", no_args_is_help=True,
                       rich_markup_mode=None)
app.add_typer(runs_app, name="runs")

DbOption = Annotated[str | None, typer.Option(
    "--db", help="The run store: an SQLite file or an SQLAlchemy URL (default: $REALPOLITIK_DB, else "
    "$XDG_DATA_HOME/realpolitik/runs.sqlite or ~/.local/share/realpolitik/runs.sqlite).")]
RunId = Annotated[int, typer.Argument(help="A run id, as `realpolitik runs list` shows it.")]
NoStoreOption = Annotated[bool, typer.Option("--no-store", help="Print the result without storing the run.")]


def store_errors_as_usage(command: Callable[..., Any]) -> Callable[..., Any]:
    """Report a store that cannot be opened, or a missing run, as a usage error (exit code 2)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from realpolitik.store import RunNotFound, StoreError

        try:
            return command(*args, **kwargs)
        except (StoreError, RunNotFound) as error:
            raise UsageError(str(error)) from None

    return wrapper


@store_errors_as_usage
def store_run(kind: str, scenario: Scenario | None, options: dict[str, Any], document: dict[str, Any], *,
              db: str | None, no_store: bool = False, **fields: Any) -> int | None:
    """Store a run (see :func:`realpolitik.store.record_run`) and say so on standard error; returns its id.

    With ``no_store`` nothing is stored. A store that cannot be written (a server that does
    not answer, a full disk, a read-only file) costs the run its record, not its result: a
    warning says why and the command goes on. A store refused outright (one in memory, a
    malformed URL) is a usage error, as the user must change it.
    """
    if no_store:
        return None
    from realpolitik.store import StoreError, database_url, record_run
    from realpolitik.store.database import StoreAddressError, shown_url

    url = shown_url(database_url(db))
    try:
        run_id = record_run(kind, scenario, options, document, db=db, **fields)
    except StoreAddressError:
        raise
    except StoreError as error:
        errors.print(f"[bold yellow]warning:[/] the run was not stored: {escape(str(error))} (give another --db, "
                     "or --no-store to skip storing)", highlight=False, soft_wrap=True)
        return None
    errors.print(f"[dim]stored as run {run_id} in {escape(url)}[/]", highlight=False)
    return run_id


def record_forecast(scenario: Scenario, forecasts: list[Forecast], document: dict[str, Any], preset: str | None,
                    db: str | None, no_store: bool = False, seed: int | None = None,
                    parameters: dict[str, Any] | None = None) -> int | None:
    """Store a forecast run and say so on standard error; returns the run id (None when not stored).
    ``seed`` and ``parameters`` (the draws for P(agreement)) let the run be made again."""
    return store_run("forecast", scenario, {forecast.model: forecast.options for forecast in forecasts}, document,
                     preset=preset, db=db, no_store=no_store, seed=seed, parameters=parameters)


@runs_app.command("list")
@guarded
@store_errors_as_usage
def list_command(
    db: DbOption = None,
    kind: Annotated[str | None, typer.Option(help="Only runs of this kind (forecast, simulate, levers, backtest).")] = None,
    scenario: Annotated[str | None, typer.Option(help="Only runs of this scenario.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many runs, newest first.")] = 50,
    format: Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """List stored runs, newest first."""
    from realpolitik.store import list_runs

    runs = list_runs(db, kind=kind, scenario=scenario, limit=limit)
    if format == "json":
        emit_json([run.summary() for run in runs])
        return
    table = PlainTable(show_edge=False, pad_edge=False)
    for column in ("id", "kind", "when (UTC)", "scenario", "models", "preset", "seed", "version"):
        table.add_column(column, justify="right" if column in ("id", "seed") else "left",
                         no_wrap=column in ("id", "kind", "when (UTC)", "scenario"))
    for run in runs:
        table.add_row(str(run.id), run.kind, run.created_at.strftime("%Y-%m-%d %H:%M"), run.scenario_name or "",
                      ",".join(run.models), run.preset or "", "" if run.seed is None else str(run.seed),
                      run.package_version)
    console.print(table)


@runs_app.command("show")
@guarded
@store_errors_as_usage
def show_command(run_id: RunId, db: DbOption = None) -> None:
    """Print a stored run as JSON: provenance, scenario, options, parameters and result."""
    from realpolitik.store import export_run, get_run

    emit_json(export_run(get_run(run_id, db)))


@runs_app.command("export")
@guarded
@store_errors_as_usage
def export_command(
    run_id: RunId,
    output: Annotated[Path, typer.Option("--output", "-o", help="The JSON file to write.")],
    db: DbOption = None,
) -> None:
    """Write a stored run to a JSON file (all or nothing)."""
    from realpolitik.io.files import write_atomically
    from realpolitik.store import export_run, get_run

    if not output.parent.exists():
        raise UsageError(f"{output}: folder {output.parent} does not exist")
    document = export_run(get_run(run_id, db))
    write_atomically(output, json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    console.print(f"wrote {output}", highlight=False)


def _print_changes(title: str, changes: list[dict[str, Any]]) -> None:
    if not changes:
        return
    table = PlainTable(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in ("field", "a", "b"):
        table.add_column(column)
    for change in changes:
        table.add_row(change["field"], json.dumps(change["a"]), json.dumps(change["b"]))
    console.print(table)


@runs_app.command("diff")
@guarded
@store_errors_as_usage
def diff_command(
    run_a: Annotated[int, typer.Argument(help="The first run id.")],
    run_b: Annotated[int, typer.Argument(help="The second run id.")],
    db: DbOption = None,
    format: Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """Show what differs between two runs: inputs, options and forecasts."""
    from realpolitik.store import diff_runs, get_run

    difference = diff_runs(get_run(run_a, db), get_run(run_b, db))
    if format == "json":
        emit_json(difference)
        return
    console.print(f"[bold]run {run_a}[/] ({escape(difference['a']['scenario'])}, "
                  f"{escape(','.join(difference['a']['models']))}) vs [bold]run {run_b}[/] "
                  f"({escape(difference['b']['scenario'])}, {escape(','.join(difference['b']['models']))})",
                  highlight=False)
    for key in ("inputs", "options", "parameters", "results"):
        _print_changes(key, difference.get(key, []))
    if not any(difference.get(key) for key in ("inputs", "options", "parameters")):
        console.print("same inputs, options and parameters", highlight=False)
    if difference["forecasts"]:
        table = PlainTable(title="forecasts", title_justify="left", show_edge=False, pad_edge=False)
        for column in ("model", "issue", f"run {run_a}", f"run {run_b}", "change"):
            table.add_column(column, justify="left" if column in ("model", "issue") else "right")
        for row in difference["forecasts"]:
            cells = ["-" if row[key] is None else f"{row[key]:+.1f}" if key == "change" else f"{row[key]:.1f}"
                     for key in ("a", "b", "change")]
            table.add_row(row["model"], row["issue"], *cells)
        console.print(table)


@runs_app.command("rerun")
@guarded
@store_errors_as_usage
def rerun_command(run_id: RunId, db: DbOption = None) -> None:
    """Run a stored run again from its stored inputs; exit code 1 if any number differs."""
    from realpolitik.store import get_run, reproduction_differences

    differences = reproduction_differences(get_run(run_id, db))
    if not differences:
        console.print(f"run {run_id} reproduced: every number is identical", highlight=False)
        return
    _print_changes(f"run {run_id} did not reproduce", differences)
    raise typer.Exit(1)
