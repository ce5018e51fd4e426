"""``realpolitik timeline SCENARIO``: how each issue's forecast moved with the scenario's events."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.table import Table

from realpolitik.cli import UsageError, app, console, emit_json, guarded
from realpolitik.cli.model_options import MaxMemoryOption, apply_max_memory
from realpolitik.cli.store_commands import DbOption, NoStoreOption, store_run
from realpolitik.choices import MODEL_NAMES
from realpolitik.terminal import escape


def _cell(item) -> str:
    text = f"{item.forecast:.1f}"
    if item.agreement is not None:
        text += f"\nP(deal) {item.agreement:.2f}"
    return text


def _print_timeline(scenario, timeline) -> None:
    from realpolitik.forecast import MODELS

    console.print(f"[bold]{escape(scenario.title or scenario.name)}[/] — {MODELS[timeline.model].title}, "
                  f"at every event date" + (f"; {timeline.draws:,} draws, seed {timeline.seed}"
                                            if timeline.draws else ""), highlight=False)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("as of", no_wrap=True)
    for item in timeline.points[0].issues:
        table.add_column(item.issue, justify="right")
    for point in timeline.points:
        table.add_row(point.date.isoformat(), *(_cell(item) for item in point.issues))
    console.print(table)
    if timeline.draws:
        console.print("[dim]each cell: the model's settlement; P(deal): the share of draws whose settlement every "
                      "veto player accepts (intervals in --format json)[/]", highlight=False)
    console.print(f"{timeline.points[0].date}: the table before the events", highlight=False)
    for point in timeline.points[1:]:
        for event in point.events:
            console.print(f"{point.date}: {escape(event['title'])}", highlight=False)


@app.command()
@guarded
def timeline(
    scenario: Annotated[str, typer.Argument(help="A scenario file (YAML, CSV, XLSX, XML) or a built-in name.")],
    model: Annotated[str, typer.Option(help="The model to run (" + ", ".join(MODEL_NAMES) + ").")] = "eum",
    draws: Annotated[int, typer.Option(
        min=0, max=100_000, help="Monte Carlo draws per date for intervals and P(agreement) (0: point forecasts).")]
    = 0,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the draws (the same at every date).")] = 0,
    format: Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")] = "table",
    db: DbOption = None,
    no_store: NoStoreOption = False,
    max_memory: MaxMemoryOption = None,
) -> None:
    """Forecast SCENARIO at every event date: how each issue's forecast and P(agreement) moved.

    The run is stored (see `runs`); `realpolitik report RUN_ID --html FILE` charts it."""
    from realpolitik.analysis.distributed import dask_client
    from realpolitik.analysis.events import event_dates
    from realpolitik.analysis.timeline import TimelineRequestError, scenario_timeline
    from realpolitik.cli.uncertainty_commands import _progress
    from realpolitik.forecast import resolve_options
    from realpolitik.io import load_scenario

    apply_max_memory(max_memory)
    loaded = load_scenario(scenario)
    options = resolve_options(model)
    try:
        with dask_client() as client, _progress("forecasting at every event date",
                                                 len(event_dates(loaded)) + 1) as update:
            result = scenario_timeline(loaded, model, options, draws=draws, seed=seed, client=client,
                                       progress=update)
    except TimelineRequestError as error:
        raise UsageError(str(error)) from None
    document = result.to_dict()
    _record(loaded, model, document, draws, seed, db, no_store)
    if format == "json":
        emit_json(document)
    else:
        _print_timeline(loaded, result)


def _record(scenario, model: str, document: dict, draws: int, seed: int, db: str | None, no_store: bool) -> None:
    store_run("timeline", scenario, {model: document["options"]}, document, seed=seed if draws else None,
              parameters={"draws": draws}, db=db, no_store=no_store)
