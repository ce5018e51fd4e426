"""The ledger on the command line: ``realpolitik ledger add|list|show|resolve|score|export|import``."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Any, Callable, Literal

import typer

from realpolitik.cli import UsageError, app, console, emit_json, errors, guarded
from realpolitik.cli.scenario_commands import CalibrationOption
from realpolitik.cli.store_commands import DbOption, store_errors_as_usage
from realpolitik.report.track_sections import answer_text
from realpolitik.terminal import PlainTable, escape

ledger_app = typer.Typer(help="A ledger of dated forecasts: record, resolve, score and share them.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(ledger_app, name="ledger")

FormatOption = Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")]
QuestionId = Annotated[int, typer.Argument(help="A question id, as `realpolitik ledger list` shows it.")]


def ledger_errors_as_usage(command: Callable[..., Any]) -> Callable[..., Any]:
    """Report refused ledger requests, unknown questions and bad expressions or dates with exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from realpolitik.analysis.calibration_file import CalibrationFileError
        from realpolitik.analysis.expressions import ExpressionError
        from realpolitik.analysis.montecarlo import SimulationRequestError
        from realpolitik.store import LedgerError, QuestionNotFound

        try:
            return command(*args, **kwargs)
        except (LedgerError, QuestionNotFound, ExpressionError, SimulationRequestError,
                CalibrationFileError) as error:
            raise UsageError(str(error)) from None

    return wrapper


def _date(text: str, option: str):
    from realpolitik.analysis.events import parse_date

    return parse_date(text, f"{option} date")


def _resolution_text(question) -> str:
    resolution = question.resolution
    if resolution is None:
        return "open"
    outcome = "yes" if resolution.happened else "no" if resolution.happened is not None else ""
    if resolution.outcome is not None:
        outcome = f"{resolution.outcome:g}" + (f" ({outcome})" if outcome else "")
    return f"{outcome} on {resolution.resolved_on}"


def _print_question(question, every: bool) -> None:
    console.print(f"[bold]question {question.id}[/]: {escape(question.question.text)} by {question.by_date} "
                  f"({escape(question.scenario_name)}, {question.question.kind}; recorded "
                  f"{question.created_at:%Y-%m-%d %H:%M} UTC) — {escape(_resolution_text(question))}", highlight=False)
    table = PlainTable(show_edge=False, pad_edge=False)
    for column in ("forecast", "when (UTC)", "model", "role", "answer", "basis"):
        table.add_column(column, no_wrap=column != "basis")
    for forecast in question.forecasts if every else question.latest():
        label = f"{forecast.id}" + (" (superseded)" if forecast.superseded else "")
        table.add_row(label, f"{forecast.created_at:%Y-%m-%d %H:%M}", forecast.model, forecast.role,
                      answer_text(forecast), escape(forecast.basis))
    console.print(table)


def _emit_question(question, format: str, every: bool) -> None:
    """The question as JSON, or as a table of its forecasts (``every``: superseded ones too)."""
    if format == "json":
        emit_json(question.to_dict())
    else:
        _print_question(question, every)


@ledger_app.command("add")
@guarded
@ledger_errors_as_usage
@store_errors_as_usage
def add_command(
    scenario: Annotated[str, typer.Argument(help="A scenario file (YAML, CSV, XLSX, XML) or a built-in name.")],
    question: Annotated[str, typer.Option(help="An event, e.g. 'ceasefire>=75', or an issue's name for its outcome.")],
    by: Annotated[str, typer.Option(help="The date by which the question resolves (YYYY-MM-DD).")],
    model: Annotated[list[str] | None, typer.Option(help="A model to record (repeatable; default eum).")] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the forecasts.")] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per model.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 0,
    calibration: CalibrationOption = None,
    uncalibrated: Annotated[bool, typer.Option(
        "--uncalibrated", help="Answer from the Monte Carlo draws alone, without a calibrated distribution.")]
    = False,
    format: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Record the forecasts of a question by each model and two baselines (status quo, compromise)."""
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.ledger_forecasts import forecast_question
    from realpolitik.analysis.montecarlo import check_draws_and_seed
    from realpolitik.analysis.questions import Question
    from realpolitik.forecast import resolve_options
    from realpolitik.io import load_scenario
    from realpolitik.store import record_forecasts

    loaded = load_scenario(scenario)
    parsed = Question.parse(question, loaded)
    deadline = _date(by, "--by")
    models = list(dict.fromkeys(model or ["eum"]))
    for name in models:
        resolve_options(name)
    check_draws_and_seed(draws, seed)
    if uncalibrated and calibration is not None:
        raise UsageError("--calibration and --uncalibrated exclude each other")
    fitted = None if uncalibrated else read_calibration(calibration)
    forecasts, notes = forecast_question(loaded, parsed, models, draws=draws, seed=seed, calibration=fitted,
                                         note=note)
    stored = record_forecasts(loaded.name, parsed, deadline, forecasts, db)
    if deadline < stored.created_at.date():
        notes.append(f"the question's date {deadline} had passed when it was recorded: its forecasts are made from "
                     "the scenario's table, but not before the outcome could be known")
    for line in notes:
        errors.print(f"[dim]{escape(line)}[/]", highlight=False)
    _emit_question(stored, format, every=False)


@ledger_app.command("list")
@guarded
@store_errors_as_usage
def list_command(
    open_only: Annotated[bool, typer.Option("--open", help="Only questions not yet resolved.")] = False,
    resolved: Annotated[bool, typer.Option("--resolved", help="Only resolved questions.")] = False,
    scenario: Annotated[str | None, typer.Option(help="Only questions on this scenario.")] = None,
    format: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """List the ledger's questions with the newest forecast of each model."""
    from realpolitik.store import list_questions

    if open_only and resolved:
        raise UsageError("--open and --resolved exclude each other")
    status = "open" if open_only else "resolved" if resolved else None
    questions = list_questions(db, status=status, scenario=scenario)
    if format == "json":
        emit_json([question.to_dict() for question in questions])
        return
    table = PlainTable(show_edge=False, pad_edge=False)
    for column in ("id", "scenario", "question", "by", "status", "newest forecasts"):
        table.add_column(column, no_wrap=column != "newest forecasts")
    for question in questions:
        answers = "; ".join(f"{forecast.model} {answer_text(forecast)}"
                            for forecast in question.latest())
        table.add_row(str(question.id), question.scenario_name, question.question.text, question.by_date,
                      _resolution_text(question), answers)
    console.print(table)


@ledger_app.command("show")
@guarded
@ledger_errors_as_usage
@store_errors_as_usage
def show_command(question_id: QuestionId, format: FormatOption = "table", db: DbOption = None) -> None:
    """Show a question with every forecast recorded on it (superseded ones too) and its resolution."""
    from realpolitik.store import get_question

    _emit_question(get_question(question_id, db), format, every=True)


@ledger_app.command("resolve")
@guarded
@ledger_errors_as_usage
@store_errors_as_usage
def resolve_command(
    question_id: QuestionId,
    outcome: Annotated[str, typer.Option(help="yes or no (for an event), or the outcome on the issue's scale.")],
    on: Annotated[str, typer.Option(help="The date the outcome was known (YYYY-MM-DD).")],
    source: Annotated[str | None, typer.Option(help="Where the outcome was reported.")] = None,
    db: DbOption = None,
) -> None:
    """Resolve a question, once: a resolution is final."""
    from realpolitik.store import resolve_question

    question = resolve_question(question_id, outcome, _date(on, "--on"), source, db)
    console.print(f"question {question.id} ({escape(question.question.text)}) resolved: "
                  f"{escape(_resolution_text(question))}", highlight=False)


@ledger_app.command("score")
@guarded
@store_errors_as_usage
def score_command(format: FormatOption = "table", db: DbOption = None) -> None:
    """Score every model and baseline on the resolved questions: Brier, log score, CRPS, reliability."""
    from realpolitik.analysis.track_record import score_questions
    from realpolitik.store import list_questions

    questions = list_questions(db, status="resolved")
    scores = score_questions(questions)
    if format == "json":
        emit_json({"resolved_questions": len(questions), "scores": [score.to_dict() for score in scores],
                   "reliability": [{"model": score.model, "bins": [item.to_dict() for item in score.reliability]}
                                   for score in scores]})
        return
    if not scores:
        console.print("no resolved questions yet: nothing to score (see `realpolitik ledger resolve`)",
                      highlight=False)
        return
    console.print(f"{len(questions)} resolved question(s); Brier and CRPS lower is better, log score higher",
                  highlight=False)
    table = PlainTable(show_edge=False, pad_edge=False)
    for column in ("model", "role", "n", "Brier", "log score", "CRPS"):
        table.add_column(column, justify="left" if column in ("model", "role") else "right")
    for score in scores:
        cells = ["–" if value is None else f"{value:.3f}" for value in (score.brier, score.log_score, score.crps)]
        table.add_row(score.model, score.role, str(score.binary + score.numeric), *cells)
    console.print(table)
    reliability = PlainTable(title="reliability (binary questions)", title_justify="left", show_edge=False,
                        pad_edge=False)
    for column in ("model", "forecast bin", "n", "mean forecast", "observed"):
        reliability.add_column(column, justify="left" if column == "model" else "right")
    for score in scores:
        for item in score.reliability:
            if item.count:
                reliability.add_row(score.model, f"{item.low:.1f}–{item.high:.1f}", str(item.count),
                                    f"{item.mean_probability:.2f}", f"{item.observed_frequency:.2f}")
    if reliability.row_count:
        console.print(reliability)


@ledger_app.command("export")
@guarded
@store_errors_as_usage
def export_command(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The JSON file to write (default: print).")]
    = None,
    db: DbOption = None,
) -> None:
    """Write the whole ledger as JSON, to share a track record."""
    from realpolitik.io.files import write_atomically
    from realpolitik.store import export_ledger

    document = export_ledger(db)
    if output is None:
        emit_json(document)
        return
    if not output.parent.exists():
        raise UsageError(f"{output}: folder {output.parent} does not exist")
    write_atomically(output, json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    console.print(f"wrote {output}", highlight=False)


@ledger_app.command("import")
@guarded
@ledger_errors_as_usage
@store_errors_as_usage
def import_command(
    file: Annotated[Path, typer.Argument(help="A ledger written by `realpolitik ledger export`.")],
    db: DbOption = None,
) -> None:
    """Add an exported ledger to this one (all or nothing); entries already here are skipped."""
    from realpolitik.io.files import read_text
    from realpolitik.scenario import ScenarioError
    from realpolitik.store import import_ledger

    try:
        document = json.loads(read_text(file))
    except ScenarioError as error:
        raise UsageError("; ".join(str(problem) for problem in error.problems)) from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{file}: not JSON ({error.msg}, line {error.lineno})") from None
    added = import_ledger(document, db)
    console.print(f"imported {added['questions']} question(s), {added['forecasts']} forecast(s), "
                  f"{added['resolutions']} resolution(s) from {file}", highlight=False)
