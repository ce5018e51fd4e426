"""Commands on scenarios: forecast, scenarios, validate, schema, convert."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from realpolitik.choices import MODEL_NAMES
from realpolitik.cli import UsageError, app, console, emit_json, errors, fail, guarded
from realpolitik.cli.model_options import MaxMemoryOption, apply_max_memory, option_values, say_stated_options
from realpolitik.cli.store_commands import DbOption, NoStoreOption, record_forecast

if TYPE_CHECKING:
    from realpolitik.scenario import Scenario


ModelChoice = Literal[(*MODEL_NAMES, "all")]
FormatChoice = Literal["table", "json", "csv"]
CalibrationOption = Annotated[str | None, typer.Option(
    "--calibration", help="A calibration file from 'realpolitik calibrate' (default: the one shipped, fitted on DEU "
                          "III).")]


@app.command()
@guarded
def forecast(
    scenario: Annotated[str, typer.Argument(help="A scenario file (YAML, CSV, XLSX, XML) or a built-in name.")],
    model: Annotated[ModelChoice, typer.Option(help="The model to run, or 'all' to compare them.")] = "eum",
    preset: Annotated[str | None, typer.Option(help="A named set of options, e.g. 'scholz2011'.")] = None,
    rounds: Annotated[int | None, typer.Option(min=0, max=10_000, help="Rounds for dynamic models.")] = None,
    format: Annotated[FormatChoice, typer.Option("--format", help="Output format.")] = "table",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Forecast the table as of this date (YYYY-MM-DD): the scenario's events up to it.")] = None,
    draws: Annotated[int, typer.Option(
        min=0, max=100_000, help="Monte Carlo draws of the inputs for P(agreement) on issues with veto players "
                                 "(0: none).")] = 200,
    seed: Annotated[int, typer.Option(min=0, help="Seed of those draws: the same seed gives the same numbers.")] = 0,
    calibration: CalibrationOption = None,
    option: Annotated[list[str] | None, typer.Option(
        "--option", help="Set one model option, NAME=VALUE (e.g. seed=42, state_transitions=Deterministic); "
                         "repeat for more. Overrides the preset and what a KTAB XML file states.")] = None,
    max_memory: MaxMemoryOption = None,
    db: DbOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Forecast every issue of SCENARIO with one model or all of them; the run is stored (see `runs`).

    A KTAB XML file's own SMP options (model parameters, seed, ideal adjustments) are used for
    the SMP unless --preset or --option says otherwise."""
    from realpolitik.comparison import ALL_MODELS, forecasts_document, run_models
    from realpolitik.io import load_scenario
    from realpolitik.render import forecast_csv, print_comparison, print_forecast, print_outlook

    loaded = load_scenario(scenario)
    if as_of is not None:
        from realpolitik.analysis.events import as_of_scenario

        loaded = as_of_scenario(loaded, as_of)
    from realpolitik.io import stated_options

    apply_max_memory(max_memory)
    stated = stated_options(scenario)
    overrides = option_values(option or [])
    results = run_models(loaded, model, preset, rounds, calibration, stated, overrides)
    say_stated_options(scenario, stated, results)
    document = forecasts_document(results, compared=model == ALL_MODELS)
    _add_outlook(loaded, results, document, draws, seed, calibration)
    drawn = draws > 0 and any(issue.veto_players for issue in loaded.issues)  # P(agreement) took draws
    parameters = {**({"draws": draws} if drawn else {}),
                  **({"calibration": str(Path(calibration).resolve())} if calibration else {})}
    record_forecast(loaded, results, document, preset, db, no_store, seed if drawn else None, parameters or None)
    if format == "json":
        emit_json(document)
    elif format == "csv":
        sys.stdout.write(forecast_csv(results))
    elif model == "all":
        print_outlook(console, loaded, document["outlook"])
        print_comparison(console, loaded, results)
    else:
        print_outlook(console, loaded, document["outlook"])
        print_forecast(console, loaded, results[0])


def _add_outlook(scenario: Scenario, results: list, document: dict, draws: int, seed: int,
                 calibration: str | None) -> None:
    """P(agreement) per model and issue, the headline model's levers, and the answer first, with a progress bar."""
    from realpolitik.cli.uncertainty_commands import _progress
    from realpolitik.comparison import add_analyses

    needs_draws = draws > 0 and any(issue.veto_players for issue in scenario.issues)
    with _progress(f"P(agreement): {draws:,} draws per model", draws * len(results) if needs_draws else 1) as update:
        add_analyses(scenario, results, document, draws, seed, calibration, update)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    from realpolitik.render import print_scenarios

    print_scenarios(console)


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="A scenario file to check.")],
) -> None:
    """Check a scenario file and list every problem found."""
    from realpolitik.io import load_scenario
    from realpolitik.scenario import ScenarioError

    try:
        loaded: Scenario = load_scenario(file)
    except ScenarioError as error:
        errors.print(f"{len(error.problems)} problem(s) found:", highlight=False)
        fail(error.problems)
    participants = sum(len(actor.stances) for actor in loaded.actors)
    console.print(f"[green]ok:[/] {file}: {len(loaded.actors)} actors, {len(loaded.issues)} issues, "
                  f"{participants} stances" + (f", {len(loaded.events)} events" if loaded.events else ""),
                  highlight=False)
    for inference in loaded.inferences:
        console.print(f"inferred: {inference}", highlight=False, markup=False, soft_wrap=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the native scenario format."""
    from realpolitik.scenario import Scenario as ScenarioModel

    emit_json(ScenarioModel.model_json_schema())


@app.command()
@guarded
def convert(
    source: Annotated[str, typer.Argument(help="A scenario file or built-in name.")],
    target: Annotated[Path, typer.Argument(help="The file to write: .yaml, .yml, .json or .xlsx.")],
) -> None:
    """Convert a scenario between formats (YAML, JSON, XLSX); writes all or nothing."""
    from realpolitik.io.files import write_atomically
    from realpolitik.io.native import dump_native, scenario_to_dict
    from realpolitik.io import load_scenario
    from realpolitik.io.xlsx import write_xlsx

    loaded = load_scenario(source)
    suffix = target.suffix.lower()
    if not target.parent.exists():
        raise UsageError(f"{target}: folder {target.parent} does not exist")
    if suffix in (".yaml", ".yml"):
        write_atomically(target, dump_native(loaded).encode("utf-8"))
    elif suffix == ".json":
        write_atomically(target, json.dumps(scenario_to_dict(loaded), indent=2, ensure_ascii=False).encode("utf-8"))
    elif suffix == ".xlsx":
        write_xlsx(loaded, target)
    else:
        raise UsageError(f"{target}: cannot write '{suffix}' files (use .yaml, .yml, .json or .xlsx)")
    console.print(f"wrote {target}", highlight=False)


