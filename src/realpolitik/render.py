"""Human-readable renderings of forecasts: rich tables for the terminal, and CSV."""

from __future__ import annotations

import csv
import io

from rich.console import Console

from realpolitik import calibrated_text
from realpolitik.forecast import MODELS, Forecast, IssueForecast, IssueStability
from realpolitik.scenario import Issue, Scenario
from realpolitik.terminal import PlainTable, escape


def with_anchor(issue: Issue, value: float | None) -> str:
    """``"31.2 ≈ limited moratoria"``: a value with the label of the nearest anchor."""
    if value is None:
        return "-"
    label = issue.anchor_text(value)
    return f"{value:.1f} ≈ {label}" if label else f"{value:.1f}"


def scale_legend(issue: Issue) -> str:
    """``0 no ceasefire · 25 limited moratoria · ...``"""
    return " · ".join(f"{point:g} {label}" for point, label in sorted(issue.anchors.items()))


def stability_words(stability: IssueStability) -> str:
    """How the trajectory ended, in words: converged, a cycle with its range, or still moving."""
    rounds = stability.rounds_run
    steady = f"{stability.low:.1f}" == f"{stability.high:.1f}"
    if stability.status == "cycle":
        if steady:
            return f"the actors cycle with period {stability.period}; the forecast stays at {stability.low:.1f}"
        return (f"cycles with period {stability.period} between {stability.low:.1f} and {stability.high:.1f}; "
                "forecast = mean over the cycle")
    if stability.status == "round limit":
        window = f"over rounds {rounds - rounds // 2}-{rounds}"
        if steady:
            return (f"the actors were still moving after {rounds} rounds; the forecast held at {stability.low:.1f} "
                    f"{window}")
        return (f"still moving after {rounds} rounds: between {stability.low:.1f} and {stability.high:.1f} {window}; "
                "forecast = the last round")
    return f"converged after {rounds} rounds"


def print_forecast(console: Console, scenario: Scenario, forecast: Forecast) -> None:
    """One model's forecast: per issue the actors' moves and the forecast."""
    spec = MODELS.get(forecast.model)
    heading = spec.title if spec else forecast.model
    console.print(f"[bold]{escape(scenario.title or scenario.name)}[/] — {escape(heading)}"
                  + (f" (preset {escape(forecast.preset)})" if forecast.preset else ""), highlight=False)
    for item in forecast.issues:
        issue = item.issue
        console.print()
        console.print(f"[bold]{escape(issue.label)}[/] [dim]({escape(scale_legend(issue))})[/]", highlight=False)
        first, last = item.rounds[0], item.rounds[-1]
        table = PlainTable(show_edge=False, pad_edge=False)
        table.add_column("actor")
        table.add_column("start", justify="right")
        if len(item.rounds) > 1:
            table.add_column(f"round {last.round}", justify="right")
        for actor, start in first.positions.items():
            cells = [actor, f"{start:.1f}"]
            if len(item.rounds) > 1:
                cells.append(f"{last.positions[actor]:.1f}")
            table.add_row(*cells)
        console.print(table)
        if len(item.rounds) > 1:
            rounds = PlainTable(title="rounds", show_edge=False, pad_edge=False, title_justify="left")
            for column in ("round", "weighted mean", "weighted median", "moves"):
                rounds.add_column(column, justify="right" if column != "moves" else "left")
            for state in item.rounds[1:]:
                moves = "; ".join(f"{m.actor} {m.kind} with {m.with_} → {m.to:.1f}" for m in state.moves) or "-"
                rounds.add_row(str(state.round), f"{state.weighted_mean:.2f}", f"{state.weighted_median:.2f}", moves)
            console.print(rounds)
        elif item.stop_reason:
            console.print(f"[dim]{escape(item.stop_reason)}[/]", highlight=False)
        status_quo = f"; status quo {with_anchor(issue, issue.status_quo)}" if issue.status_quo is not None else ""
        console.print(f"[bold green]forecast: {escape(with_anchor(issue, item.forecast))}[/]{escape(status_quo)}",
                      highlight=False)
        if item.stability is not None and item.stability.rounds_run > 0:
            console.print(f"[dim]{escape(stability_words(item.stability))}[/]", highlight=False)
        if item.calibrated is not None:
            for line in calibrated_text.issue_lines(item.calibrated.to_dict(), issue.anchors):
                console.print(escape(line), highlight=False)
    _print_calibration_notes(console, [forecast])


def _print_calibration_notes(console: Console, forecasts: list[Forecast]) -> None:
    documents = [item.calibrated.to_dict() for forecast in forecasts for item in forecast.issues
                 if item.calibrated is not None]
    for line in calibrated_text.notes(documents):
        console.print(f"[dim]{escape(line)}[/]", highlight=False)


def print_comparison(console: Console, scenario: Scenario, forecasts: list[Forecast]) -> None:
    """Every model's forecast for every issue, each number beside its nearest anchor."""
    console.print(f"[bold]{escape(scenario.title or scenario.name)}[/]: forecasts by model", highlight=False)
    for index, issue in enumerate(scenario.issues):
        console.print()
        status_quo = f" — status quo {with_anchor(issue, issue.status_quo)}" if issue.status_quo is not None else ""
        console.print(f"[bold]{escape(issue.label)}[/]{escape(status_quo)}", highlight=False)
        console.print(f"[dim]scale: {escape(scale_legend(issue))}[/]", highlight=False)
        table = PlainTable(show_edge=False, pad_edge=False, box=None, padding=(0, 2, 0, 2))
        table.add_column("model")
        table.add_column("forecast", justify="right")
        table.add_column("nearest anchor")
        table.add_column("calibrated median; 50%; 80%")
        for forecast in forecasts:
            value = forecast.issues[index].forecast
            nearest = min(issue.anchors, key=lambda point: (abs(point - value), point)) if issue.anchors else None
            anchor = f"{nearest:g} {issue.anchors[nearest]}" if nearest is not None else ""
            calibrated = forecast.issues[index].calibrated
            table.add_row(forecast.model, f"{value:.1f}", anchor,
                          calibrated_text.median_and_intervals(calibrated.to_dict()) if calibrated else "")
        console.print(table)
        _print_unsettled(console, [(forecast.model, forecast.issues[index]) for forecast in forecasts])
    console.print()
    console.print("[bold]models[/]")
    for forecast in forecasts:
        spec = MODELS[forecast.model]
        console.print(f"  {forecast.model}: {spec.title} — {spec.source}", highlight=False)
    if any(forecast.model == "nash" for forecast in forecasts):
        console.print("  [dim]nash returns the status quo where no outcome leaves every actor better off "
                      "than it[/]", highlight=False)
    _print_calibration_notes(console, forecasts)


def _print_unsettled(console: Console, items: list[tuple[str, IssueForecast]]) -> None:
    """A line per model whose trajectory cycles or was still moving: its forecast is no fixed point."""
    for model, item in items:
        if item.stability is not None and item.stability.status != "converged":
            console.print(f"[dim]  {model}: {escape(stability_words(item.stability))}[/]", highlight=False)


def print_outlook(console: Console, scenario: Scenario, outlook: list[dict]) -> None:
    """The answer first: per issue, what most likely happens, P(agreement), where the models
    agree or part and why, and the strongest lever (the sentences of :mod:`realpolitik.analysis.outlook`)."""
    console.print(f"[bold]What happens next[/] — {escape(scenario.title or scenario.name)}", highlight=False)
    table = PlainTable(show_edge=False, pad_edge=False)
    for column in ("issue", "most likely", "P(agreement)"):
        table.add_column(column, justify="right" if column == "P(agreement)" else "left")
    for item in outlook:
        probability = item["agreement_probability"]
        table.add_row(item["issue"], item["most_likely_label"], "-" if probability is None else f"{probability:.0%}")
    console.print(table)
    for item in outlook:
        console.print(f"[bold]{escape(item['title'])}[/]", highlight=False)
        for sentence in item["sentences"]:
            console.print(f"  {escape(sentence)}", highlight=False)
    console.print()


def print_scenarios(console: Console) -> None:
    """The built-in scenarios with their size and title."""
    from realpolitik.scenarios import builtin_names, load_builtin

    table = PlainTable(title="built-in scenarios", title_justify="left")
    for column in ("name", "actors", "issues", "date", "title"):
        table.add_column(column)
    for name in builtin_names():
        scenario = load_builtin(name)
        table.add_row(name, str(len(scenario.actors)), str(len(scenario.issues)), scenario.date or "",
                      scenario.title or "")
    console.print(table)


def forecast_csv(forecasts: list[Forecast]) -> str:
    """Long-format CSV: one row per model, issue, round and actor."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["model", "issue", "round", "actor", "position", "weighted_mean", "weighted_median",
                     "forecast"])
    for forecast in forecasts:
        for item in forecast.issues:
            for state in item.rounds:
                for actor, position in state.positions.items():
                    writer.writerow([forecast.model, item.issue.name, state.round, actor, repr(position),
                                     repr(state.weighted_mean), repr(state.weighted_median), repr(item.forecast)])
    return buffer.getvalue()
