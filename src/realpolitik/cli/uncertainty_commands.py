"""Commands on uncertainty and levers: simulate (Monte Carlo) and levers (sensitivity, shocks)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from realpolitik.choices import CONNECT_TIMEOUT_S, DEFAULT_DRAWS, MODEL_NAMES
from realpolitik.cli import UsageError, app, console, emit_json, errors, fail, guarded
from realpolitik.cli.model_options import MaxMemoryOption, apply_max_memory
from realpolitik.cli.store_commands import DbOption, NoStoreOption, store_run
from realpolitik.terminal import PlainTable, escape

if TYPE_CHECKING:
    from realpolitik.analysis.levers import IssueLevers, LeverAnalysis
    from realpolitik.analysis.montecarlo import IssueDistribution, Simulation
    from realpolitik.scenario import Scenario, Uncertainty

FormatChoice = Literal["table", "json"]
MODEL_HELP = "The model to run (" + ", ".join(MODEL_NAMES) + ")."
SPARK = " ▁▂▃▄▅▆▇█"

ModelOption = Annotated[str, typer.Option(help=MODEL_HELP)]
PresetOption = Annotated[str | None, typer.Option(help="A named set of options, e.g. 'scholz2011'.")]
RoundsOption = Annotated[int | None, typer.Option(min=0, max=10_000, help="Rounds for dynamic models.")]
WorkersOption = Annotated[int | None, typer.Option(
    help="Run on a local Dask cluster of N worker processes (default: in-process threads).")]
SchedulerOption = Annotated[str | None, typer.Option(
    help="Run on an existing Dask cluster, e.g. tcp://host:8786 (workers need realpolitik installed).")]
TimeoutOption = Annotated[float, typer.Option("--connect-timeout", min=0.1, max=3600,
                                              help="Seconds to wait for the scheduler.")]
FormatOption = Annotated[FormatChoice, typer.Option("--format", help="Output format.")]


@contextlib.contextmanager
def _usage_errors() -> Iterator[None]:
    """Turn the analysis layer's errors about bad requests into a message and exit code 2."""
    from realpolitik.analysis.distributed import ClusterError
    from realpolitik.analysis.expressions import ExpressionError
    from realpolitik.analysis.montecarlo import SimulationRequestError

    try:
        yield
    except (ExpressionError, SimulationRequestError, ClusterError) as error:
        raise UsageError(str(error)) from None


@contextlib.contextmanager
def _progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error (only on a terminal); yields ``update(completed)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=errors, transient=True, disable=not errors.is_terminal)
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda completed: bar.update(task, completed=completed)


def _record(kind: str, scenario: Scenario, model: str, document: dict[str, Any], preset: str | None,
            seed: int | None, parameters: dict[str, Any], db: str | None, no_store: bool) -> None:
    """Store the run (scenario, options, seed, parameters, result) and say so on standard error."""
    store_run(kind, scenario, {model: document["options"]}, document, preset=preset, seed=seed,
              parameters=parameters, db=db, no_store=no_store)


def _noise(scenario: Scenario, position_sd: float | None, salience_sd: float | None,
           capability_sd: float | None) -> Uncertainty:
    """The scenario's default noise model with the command line's overrides."""
    from realpolitik.scenario import Uncertainty

    base = scenario.uncertainty or Uncertainty()
    update = {name: value for name, value in (("position_sd_percent_of_scale", position_sd),
                                               ("salience_sd", salience_sd),
                                               ("capability_sd_percent", capability_sd)) if value is not None}
    return base.model_copy(update=update)


def _sparkline(item: IssueDistribution) -> str:
    _, counts = item.histogram()
    top = counts.max() or 1
    return "".join(SPARK[0 if count == 0 else 1 + round((len(SPARK) - 2) * count / top)] for count in counts)


def _print_simulation(scenario: Scenario, result: Simulation, calibrated: Any) -> None:
    """The Monte Carlo summary (sensitivity to the inputs) and the calibrated forecast of ``calibrated``
    (a :class:`realpolitik.forecast.Forecast` with each issue's calibrated forecast)."""
    from realpolitik import calibrated_text
    from realpolitik.analysis.montecarlo import INTERVALS
    from realpolitik.forecast import MODELS
    from realpolitik.render import with_anchor

    noise = result.noise
    console.print(f"[bold]{escape(scenario.title or scenario.name)}[/] — {MODELS[result.model].title}"
                  + (f" (preset {result.preset})" if result.preset else "")
                  + f": {result.draws:,} draws, seed {result.seed}", highlight=False)
    console.print(f"[dim]noise: positions ±{noise.position_sd_percent_of_scale:g}% of the scale, saliences "
                  f"±{noise.salience_sd:g} points, capabilities ±{noise.capability_sd_percent:g}% (1 sd; values "
                  "with their own ± keep theirs), clipped to the valid range[/]", highlight=False)
    table = PlainTable(show_edge=False, pad_edge=False)
    table.add_column("issue", no_wrap=True)
    for column in ("point", "P(agreement)", "median", *(f"sensitivity {percent}%" for percent in INTERVALS)):
        table.add_column(column, justify="right", no_wrap=True)
    for item in result.issues:
        intervals = [f"{low:.1f}–{high:.1f}" for low, high in (item.interval(p) for p in INTERVALS)]
        probability = item.agreement_probability
        table.add_row(item.issue.name, f"{item.point_forecast:.1f}", "-" if probability is None else f"{probability:.0%}",
                      f"{item.median:.1f}", *intervals)
    console.print(table)
    if any(item.agreement_probability is not None for item in result.issues):
        console.print("[dim]P(agreement): the share of draws whose settlement every veto player prefers to the "
                      "reversion point; median and bands are of what happens (settlement or reversion)[/]",
                      highlight=False)
        if any(item.agreement_probability in (0.0, 1.0) for item in result.issues):
            console.print("[dim]A P(agreement) of 0% or 100% holds for these draws of the table's numbers, not for "
                          "the bargaining itself: read it as 'no deal (or a deal) unless a veto player's position "
                          "changes', and the bands and calibrated intervals that collapse onto one point with it as "
                          "conditional on that, not as certainty.[/]", highlight=False)
    console.print(f"[dim]{escape(calibrated_text.SENSITIVITY_NOTE)}[/]", highlight=False)
    for item in calibrated.issues:
        for line in calibrated_text.issue_lines(item.calibrated.to_dict(), item.issue.anchors):
            console.print(f"{escape(item.issue.name)}: {escape(line)}", highlight=False)
    for line in calibrated_text.notes([item.calibrated.to_dict() for item in calibrated.issues]):
        console.print(f"[dim]{escape(line)}[/]", highlight=False)
    for item in result.issues:
        for threshold in item.thresholds:
            console.print(f"P({threshold.text}) = {item.probability(threshold):.1%}", highlight=False, markup=False)
    for item in result.issues:
        console.print(f"[bold]{escape(item.issue.name)}[/]: {item.issue.scale_min:g} {_sparkline(item)} "
                      f"{item.issue.scale_max:g}; median {escape(with_anchor(item.issue, item.median))}",
                      highlight=False)


@app.command()
@guarded
def simulate(
    scenario: Annotated[str, typer.Argument(help="A scenario file (YAML, CSV, XLSX, XML) or a built-in name.")],
    model: ModelOption = "eum",
    preset: PresetOption = None,
    rounds: RoundsOption = None,
    draws: Annotated[int, typer.Option(help="Number of perturbed scenarios to run.")] = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option(help="Seed of the random draws: the same seed gives the same numbers.")] = 0,
    threshold: Annotated[list[str] | None, typer.Option(
        help="An event whose probability to report, e.g. 'ceasefire>=75' (>=, >, <=, <); repeatable.")] = None,
    position_sd: Annotated[float | None, typer.Option(
        min=0, max=100, help="Default sd of positions, % of the scale (else the scenario's, else 5).")] = None,
    salience_sd: Annotated[float | None, typer.Option(
        min=0, max=100, help="Default sd of saliences, points (else the scenario's, else 10).")] = None,
    capability_sd: Annotated[float | None, typer.Option(
        min=0, max=1000, help="Default sd of capabilities, % of the value (else the scenario's, else 10).")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    connect_timeout: TimeoutOption = CONNECT_TIMEOUT_S,
    format: FormatOption = "table",
    calibration: Annotated[str | None, typer.Option(
        "--calibration", help="A calibration file from 'realpolitik calibrate' (default: the one shipped, fitted on "
                              "DEU III).")] = None,
    max_memory: MaxMemoryOption = None,
    db: DbOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Monte Carlo sensitivity of every issue of SCENARIO to its inputs (median, 50/80/95% bands, distribution,
    thresholds), beside the calibrated forecast (median, 50/80% intervals, anchor probabilities).

    The run is stored (see `runs`)."""
    apply_max_memory(max_memory)
    from realpolitik.analysis import montecarlo
    from realpolitik.analysis.distributed import dask_client
    from realpolitik.analysis.expressions import parse_threshold
    from realpolitik.analysis.scenario_calibration import calibrate_simulation
    from realpolitik.forecast import resolve_options
    from realpolitik.io import load_scenario

    loaded = load_scenario(scenario)
    with _usage_errors():
        montecarlo.check_draws_and_seed(draws, seed)
        options = resolve_options(model, preset, rounds)
        thresholds = [parse_threshold(text, loaded) for text in threshold or []]
        noise = _noise(loaded, position_sd, salience_sd, capability_sd)
        with dask_client(workers, scheduler, connect_timeout) as client, \
                _progress(f"simulating {draws:,} draws", draws) as update:
            result = montecarlo.simulate(loaded, model, options, preset=preset, draws=draws, seed=seed,
                                         thresholds=thresholds, noise=noise, client=client, progress=update)
    document = result.to_dict()
    calibrated = calibrate_simulation(document, result, loaded, model, options, preset, calibration)
    _record("simulate", loaded, model, document, preset, seed,
            {"draws": draws, "noise": noise.model_dump(), "thresholds": [item.text for item in thresholds],
             **({"calibration": str(Path(calibration).resolve())} if calibration else {})}, db,
            no_store)
    if format == "json":
        emit_json(document)
    else:
        _print_simulation(loaded, result, calibrated)


def _step_text(value: float, forecast: float, change: float, share: bool = False) -> str:
    if share:
        return f"{value:.4g}→{forecast:.0%} ({100 * change:+.0f} pts)"
    return f"{value:.4g}→{forecast:.1f} ({change:+.1f})"


def _print_issue_levers(item: IssueLevers, top: int) -> None:
    from realpolitik.render import with_anchor

    issue = item.issue
    share = item.target == "agreement"
    console.print()
    baseline = (f"P(agreement) {item.baseline:.0%} over {item.draws} draws" if share
                else f"forecast {with_anchor(issue, item.baseline)}")
    console.print(f"[bold]{escape(issue.label)}[/] — {escape(baseline)}", highlight=False)
    table = PlainTable(show_edge=False, pad_edge=False)
    moved = "P(agreement)" if share else "forecast"
    for column in ("actor", "attribute", "now", f"down→{moved}", f"up→{moved}", "swing"):
        table.add_column(column, justify="left" if column in ("actor", "attribute") else "right", no_wrap=True)
    for lever in item.levers[:top]:
        table.add_row(lever.actor, lever.attribute, f"{lever.current:.4g}",
                      _step_text(lever.down.value, lever.down.forecast, lever.down.change, share),
                      _step_text(lever.up.value, lever.up.forecast, lever.up.change, share),
                      f"{100 * lever.swing:.0f} pts" if share else f"{lever.swing:.1f}")
    console.print(table)
    if len(item.levers) > top:
        console.print(f"[dim]the top {top} of {len(item.levers)} levers, strongest first (all in --format json)[/]")
    console.print(f"[bold green]{escape(item.sentence())}[/]", highlight=False)


def _print_levers(scenario: Scenario, result: LeverAnalysis, top: int) -> None:
    from realpolitik.forecast import MODELS

    console.print(f"[bold]{escape(scenario.title or scenario.name)}[/] — levers of the {MODELS[result.model].title.lower()}"
                  + (f" (preset {result.preset})" if result.preset else ""), highlight=False)
    console.print(f"[dim]one change at a time: {result.steps.describe()}[/]", highlight=False)
    for item in result.issues:
        _print_issue_levers(item, top)
    if result.shocks is None:
        return
    console.print()
    console.print("[bold]What if[/]: " + escape(", ".join(dict.fromkeys(change.shock
                                                                 for change in result.shocks.changes))),
                  highlight=False)
    for change in result.shocks.changes:
        where = f" on {change.issue}" if change.issue else ""
        note = " (clipped to the valid range)" if change.clipped else ""
        console.print(f"  {change.actor} {change.attribute}{where}: {change.before:.4g} → {change.after:.4g}{note}",
                      highlight=False, markup=False)
    table = PlainTable(show_edge=False, pad_edge=False)
    for column in ("issue", "baseline", "shocked", "difference"):
        table.add_column(column, justify="left" if column == "issue" else "right")
    for issue, baseline, shocked in result.shocks.issues:
        table.add_row(issue.name, f"{baseline:.1f}", f"{shocked:.1f}", f"{shocked - baseline:+.1f}")
    console.print(table)


@app.command()
@guarded
def levers(
    scenario: Annotated[str, typer.Argument(help="A scenario file (YAML, CSV, XLSX, XML) or a built-in name.")],
    model: ModelOption = "eum",
    preset: PresetOption = None,
    rounds: RoundsOption = None,
    shock: Annotated[list[str] | None, typer.Option(
        help="A what-if change, e.g. 'Russia.salience[ceasefire]=40' or 'USA.capability*=1.5' "
             "(=, *=, +=, -=; [ISSUE] optional); repeatable.")] = None,
    shocks: Annotated[Path | None, typer.Option(help="A file of shock expressions, one per line (# comments).")] = None,
    position_step: Annotated[float, typer.Option(min=0.01, max=100, help="Position step, % of the scale.")] = 10.0,
    salience_step: Annotated[float, typer.Option(min=0.01, max=100, help="Salience step, points.")] = 10.0,
    capability_factor: Annotated[float, typer.Option(min=1.001, max=100, help="Capability step, a factor.")] = 1.25,
    top: Annotated[int, typer.Option(min=1, help="Levers listed per issue in the table.")] = 10,
    target: Annotated[Literal["forecast", "agreement"], typer.Option(
        help="What the levers move: the forecast, or P(agreement) on issues with veto players.")] = "forecast",
    issue: Annotated[list[str] | None, typer.Option(
        help="Sweep only this issue (repeatable; default: every issue, or every issue with veto players "
             "for --target agreement).")] = None,
    draws: Annotated[int, typer.Option(
        min=1, max=100_000, help="Draws per changed table for --target agreement.")] = 200,
    seed: Annotated[int, typer.Option(min=0, help="Seed of those draws.")] = 0,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    connect_timeout: TimeoutOption = CONNECT_TIMEOUT_S,
    format: FormatOption = "table",
    max_memory: MaxMemoryOption = None,
    db: DbOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Which single change moves each forecast most (a ranked tornado), and what-if shocks vs the baseline.

    The run is stored (see `runs`)."""
    apply_max_memory(max_memory)
    from realpolitik.analysis.distributed import dask_client
    from realpolitik.analysis.expressions import parse_shock, read_shock_file
    from realpolitik.analysis.levers import LeverRequestError, LeverSteps, analyse_levers, swept_issues
    from realpolitik.forecast import resolve_options
    from realpolitik.io import load_scenario
    from realpolitik.scenario import Problem

    loaded = load_scenario(scenario)
    try:
        swept = swept_issues(loaded, issue, target)
    except LeverRequestError as error:
        fail([Problem(str(error), file=scenario, issue=error.issue, field=error.field)])
    with _usage_errors():
        options = resolve_options(model, preset, rounds)
        expressions = [(None, text) for text in shock or []] + (read_shock_file(shocks) if shocks else [])
        parsed = [parse_shock(text, loaded, origin) for origin, text in expressions]
        steps = LeverSteps(position_step, salience_step, capability_factor)
        with dask_client(workers, scheduler, connect_timeout) as client, \
                _progress("sweeping levers", len(swept)) as update:
            result = analyse_levers(loaded, model, options, preset=preset, steps=steps, shocks=parsed, client=client,
                                    progress=update, issues=issue, target=target, draws=draws, seed=seed)
    document = result.to_dict()
    _record("levers", loaded, model, document, preset, seed if target == "agreement" else None,
            {"steps": steps.to_dict(), "shocks": [item.text for item in parsed], "target": target,
             "issues": issue or [], "draws": draws if target == "agreement" else None}, db, no_store)
    if format == "json":
        emit_json(document)
    else:
        _print_levers(loaded, result, top)
