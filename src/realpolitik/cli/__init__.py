"""The ``realpolitik`` command line.

Every command turns bad input into one precise message per problem on standard
error and exit code 2; it never shows a traceback. Commands live in the modules
of this package, one group each, and register themselves on :data:`app`.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any, Callable

import typer
from rich.console import Console

from realpolitik.terminal import escape

if TYPE_CHECKING:
    from realpolitik.scenario import Problem

app = typer.Typer(
    help="Forecast multi-party negotiations from a stakeholder table.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rendering it with rich imports a Markdown parser and syntax highlighter,
    # which would triple the processor time of `realpolitik --help`.
    rich_markup_mode=None,
)
console = Console()
errors = Console(stderr=True)

USAGE_ERROR = 2


class UsageError(Exception):
    """A request the command cannot carry out; the message says why."""


def fail(problems: list[Problem] | list[str]) -> None:
    """Print each problem on standard error and exit with code 2."""
    for problem in problems:
        errors.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(USAGE_ERROR)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known failures into messages and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from realpolitik.budget import Budget, BudgetExceeded, RunCancelled, budget_in_force
        from realpolitik.forecast import ForecastRequestError
        from realpolitik.scenario import ScenarioError

        try:
            with budget_in_force(Budget()):  # each command starts from the default; --max-memory changes it
                return command(*args, **kwargs)
        except ScenarioError as error:
            fail(error.problems)
        except (ForecastRequestError, UsageError, BudgetExceeded, RunCancelled) as error:
            fail([str(error)])

    return wrapper


def emit_json(document: Any) -> None:
    """Write a JSON document to standard output (no NaN: strict JSON)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _version(value: bool) -> None:
    if value:
        from realpolitik import __version__

        console.print(f"realpolitik {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Forecast multi-party negotiations from a stakeholder table."""


def run_cli() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)


# Command groups register themselves on ``app`` when imported.
from realpolitik.cli import scenario_commands  # noqa: E402,F401
from realpolitik.cli import store_commands  # noqa: E402,F401
from realpolitik.cli import report_commands  # noqa: E402,F401
from realpolitik.cli import web_commands  # noqa: E402,F401
from realpolitik.cli import backtest_commands  # noqa: E402,F401
from realpolitik.cli import uncertainty_commands  # noqa: E402,F401
from realpolitik.cli import calibration_commands  # noqa: E402,F401
from realpolitik.cli import ledger_commands  # noqa: E402,F401
from realpolitik.cli import timeline_commands  # noqa: E402,F401
