"""Model options from the command line (``--option NAME=VALUE``) and from the scenario file itself,
and the memory budget of a run (``--max-memory``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from realpolitik.cli import UsageError, errors


def option_values(texts: list[str]) -> dict[str, Any]:
    """``["seed=42", "state_transitions=Deterministic"]`` as ``{"seed": 42, ...}``: a value that reads
    as JSON (a number, true/false, a list) is that value, anything else is text."""
    values: dict[str, Any] = {}
    for text in texts:
        name, separator, value = text.partition("=")
        if not separator or not name.strip():
            raise UsageError(f"--option {text!r}: write NAME=VALUE, e.g. seed=42")
        try:
            values[name.strip()] = json.loads(value)
        except ValueError:
            values[name.strip()] = value
    return values


def say_stated_options(source: str, stated: dict[str, Any], forecasts: list) -> None:
    """Say on standard error which options of each run came from the scenario file."""
    from realpolitik.terminal import escape

    for forecast in forecasts:
        if forecast.model not in stated:
            continue
        options = forecast.options.model_dump()
        parameters = ", ".join(f"{key}={value}" for key, value in options.items()
                               if key not in ("seed", "ideal_adjustment"))
        adjustments = len(options.get("ideal_adjustment") or ())
        errors.print(f"[dim]{forecast.model} options as {escape(source)} states them: {escape(parameters)}; "
                     f"seed {options.get('seed')}; {adjustments} ideal adjustment(s) "
                     "(--preset or --option NAME=VALUE to change them)[/]", highlight=False,
                     soft_wrap=True)


MaxMemoryOption = Annotated[str | None, typer.Option(
    "--max-memory", help="Refuse a run estimated to need more memory than this, e.g. 8GiB or 512MiB "
                         "(default 4GiB); the estimate is printed when a run is refused.")]


def apply_max_memory(text: str | None) -> None:
    """Make ``--max-memory`` the memory budget of this command (see :mod:`realpolitik.budget`)."""
    from realpolitik.budget import Budget, budget_now, parse_size, set_budget

    if text is None:
        return
    try:
        limit = parse_size(text)
    except ValueError as error:
        raise UsageError(f"--max-memory: {error}") from None
    set_budget(Budget(max_memory_bytes=limit, max_seconds=budget_now().max_seconds))
