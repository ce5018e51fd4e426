"""The ``backtest`` command: score the models against observed outcomes; the run is stored (see ``runs``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from realpolitik.choices import DEFAULT_MODELS, FITTED_MODELS
from realpolitik.cli import UsageError, app, console, emit_json, guarded
from realpolitik.cli.store_commands import DbOption, NoStoreOption, store_run
from realpolitik.terminal import PlainTable

if TYPE_CHECKING:
    from realpolitik.analysis.backtest import Backtest, Scores

DATASETS = ("deu3",)
CITATION = ("Arregui, J. & Perarnaud, C. (2021). A new dataset on legislative decision-making in the European "
            "Union: the DEU III dataset. Journal of European Public Policy. Data: doi:10.34810/data53")


@app.command()
@guarded
def backtest(
    dataset: Annotated[str, typer.Argument(help="The dataset: deu3 (DEU III, 353 EU legislative issues).")],
    data: Annotated[Path, typer.Option("--data", help="The dataset's file (DEU III: the tab-separated layout "
                                                      "described in the README).")],
    models: Annotated[str, typer.Option(help="Comma-separated models; 'model:preset' picks a preset; "
                                             f"{', '.join(FITTED_MODELS)} are fitted and scored "
                                             "leave-one-dossier-out.")] = ",".join(DEFAULT_MODELS),
    capability: Annotated[Literal["gdp", "council-votes", "equal"], typer.Option(
        help="Capability of each actor: the file's GDP row, Council votes under the Treaty of Nice, or equal."
    )] = "gdp",
    salience: Annotated[Literal["recorded", "equal"], typer.Option(
        help="Use the recorded saliences in the weights, or leave them out."
    )] = "recorded",
    draws: Annotated[int, typer.Option(min=0, help="Monte Carlo draws per issue for the calibration table of "
                                                    "each unfitted model's 50/80/95% intervals (0: no table).")] = 0,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the Monte Carlo draws.")] = 0,
    format: Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")] = "table",
    db: DbOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Forecast every issue of a dataset of real negotiations and score the forecasts against the outcomes."""
    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset '{dataset}' (datasets: {', '.join(DATASETS)})")
    names = [name.strip() for name in models.split(",") if name.strip()]
    if not names:
        raise UsageError("--models names no model")
    from realpolitik.analysis.backtest import parse_models, run_backtest
    from realpolitik.cli.uncertainty_commands import _progress
    from realpolitik.io.deu3 import read_deu3

    dataset_read = read_deu3(data)
    with _progress("scoring the models", len(parse_models(names))) as update:
        result = run_backtest(dataset_read, names, capability, salience, draws, seed, progress=update)
    document = result.to_dict()
    _record_backtest(result, document, db, no_store)
    if format == "json":
        emit_json(document)
    else:
        _print_backtest(result)


def _record_backtest(result: Backtest, document: dict, db: str | None, no_store: bool) -> None:
    """Store the run: each model's options, the data file and the rules, and the result document."""
    parameters = {"dataset": "deu3", "data": result.dataset.path, "capability": result.capability,
                  "salience": result.salience}
    calibration = result.calibration
    if calibration is not None:
        parameters["draws"] = calibration["draws"]
    store_run("backtest", None, {model.model: model.options for model in result.models}, document,
              seed=None if calibration is None else calibration["seed"], parameters=parameters, db=db,
              no_store=no_store)


def _share(value: float) -> str:
    return f"{100 * value:.0f}%"


def _grouped_table(result: Backtest, title: str, groups: dict[str, dict[str, Scores]]) -> PlainTable:
    labels = list(next(iter(groups.values())))
    table = PlainTable(title=title, title_justify="left")
    table.add_column("model", no_wrap=True)
    for label in labels:
        table.add_column(f"{label} (n={groups[result.models[0].model][label].n})", justify="right")
    for model, scores in groups.items():
        table.add_row(model, *(f"{scores[label].mae:.2f}" for label in labels))
    return table


def _calibration_table(calibration: dict) -> PlainTable:
    table = PlainTable(title=f"Share of outcomes inside the Monte Carlo intervals ({calibration['draws']} draws, seed "
                             f"{calibration['seed']}, default input noise)", title_justify="left")
    table.add_column("model", no_wrap=True)
    for level in calibration["levels"]:
        table.add_column(f"{level}% interval", justify="right")
    for model in calibration["models"]:
        table.add_row(model["model"], *(_share(model[f"inside_{level}"]) for level in calibration["levels"]))
    return table


def _proper_scores_table(result: Backtest) -> PlainTable:
    """CRPS with its dossier bootstrap against the baseline, log score, coverage and width of the intervals."""
    table = PlainTable(title="Proper scores (point models through their residual band: the other dossiers' "
                             "residuals)", title_justify="left")
    table.add_column("model", no_wrap=True)
    for column in ("CRPS", "Δ CRPS [95%]", "log score", "50% holds", "80% holds", "95% holds", "80% width"):
        table.add_column(column, justify="right")
    rows = [(model.model, model.probabilistic) for model in result.models]
    if result.climatology is not None:
        rows.append(("climatology", result.climatology))
    for name, scores in rows:
        bootstrap = scores.get("bootstrap")
        versus = (f"{bootstrap['difference']:+.2f} [{bootstrap['low']:+.2f}, {bootstrap['high']:+.2f}]"
                  if bootstrap else "")
        table.add_row(name, f"{scores['crps']:.2f}", versus, f"{scores['log_score']:.2f}",
                      *(_share(scores["coverage"][level]) for level in ("50", "80", "95")),
                      f"{scores['interval_width']['80']:.1f}")
    return table


def _print_backtest(result: Backtest) -> None:
    dataset = result.dataset
    reference = next((model for model in result.models if model.model == "compromise"), None)
    table = PlainTable(title=f"DEU III backtest: {len(dataset.issues)} issues in {len(dataset.dossiers)} dossiers "
                        f"({dataset.path}); capability {result.capability}, salience {result.salience}",
                  title_justify="left")
    table.add_column("model", no_wrap=True)
    for column in ("MAE", "Δ MAE", "median AE", "within 10", "n", "fitted"):
        table.add_column(column, justify="right")
    for model in result.models:
        versus = "" if reference is None else f"{model.overall.mae - reference.overall.mae:+.2f}"
        table.add_row(model.model, f"{model.overall.mae:.2f}", versus, f"{model.overall.median_ae:.2f}",
                      _share(model.overall.within_10), str(model.overall.n), "LODO" if model.validation else "no")
    console.print(table)
    if result.climatology is not None:  # None with one dossier: no residuals from other dossiers
        console.print(_proper_scores_table(result))
    console.print(_grouped_table(result, "MAE by procedure",
                                 {model.model: model.by_procedure for model in result.models}))
    console.print(_grouped_table(result, "MAE by Council voting rule",
                                 {model.model: model.by_voting_rule for model in result.models}))
    if result.calibration is not None:
        console.print(_calibration_table(result.calibration))
    skipped = dataset.skipped_without_outcome + dataset.skipped_without_positions
    console.print("CRPS: continuous ranked probability score, in scale points (lower is better); Δ CRPS: minus "
                  "the compromise model's, with the 95% interval of a bootstrap over dossiers; log score: log of the "
                  "probability given to the outcome's twentieth of the scale; 'holds': the share of outcomes inside "
                  "the interval.", highlight=False)
    console.print(f"Errors on the 0-100 issue scale; Δ MAE: MAE minus the compromise model's. Fitted models are "
                  f"scored out of sample (LODO: each dossier forecast by a fit on the other dossiers). {skipped} "
                  f"issue row(s) without an outcome or a position skipped. Data: {CITATION}", highlight=False)
