"""Report sections on forecasts over time: a scenario's ledger entries, and a timeline run's chart."""

from __future__ import annotations

from typing import Any

from realpolitik.report.track_figures import timeline_figure


def answer_text(forecast) -> str:
    """A recorded forecast in a few characters: its probability (never shown as a certain 0 or 1), or
    the median and central 80% interval of its distribution."""
    from realpolitik.analysis.questions import distribution_from_dict

    probability = forecast.probability
    if probability is not None:
        return "P < 0.01" if probability < 0.005 else "P > 0.99" if probability > 0.995 else f"P = {probability:.2f}"
    distribution = distribution_from_dict(forecast.distribution)
    low, high = distribution.central_interval(0.8)
    return f"median {distribution.median:.1f} (80%: {low:.1f}–{high:.1f})"


def ledger_section(questions: list[Any]) -> str:
    """The ledger's questions on the report's scenario: the newest forecast of each model, and any resolution."""
    from realpolitik.report.html import html_table

    if not questions:
        return ""
    rows = []
    for question in questions:
        resolution = question.resolution
        outcome = "open" if resolution is None else (
            f"{'yes' if resolution.happened else 'no' if resolution.happened is not None else resolution.outcome} "
            f"on {resolution.resolved_on}")
        rows.append([question.id, question.question.text, question.by_date, f"{question.created_at:%Y-%m-%d}",
                     "; ".join(f"{item.model}: {answer_text(item)}" for item in question.latest()), outcome])
    table = html_table(["id", "question", "by", "recorded", "newest forecasts", "resolution"], rows)
    return (f'<section class="card"><h2>Ledger</h2><p class="note">Dated forecasts recorded on this scenario '
            f"(<code>realpolitik ledger show ID</code> lists every forecast, superseded ones too).</p>"
            f"{table}</section>")


def timeline_section(document: dict[str, Any], titles: dict[str, str], figures: dict[str, Any]) -> str:
    """A timeline run: its chart and the events of each date with their sources and shocks."""
    from realpolitik.report.html import html_table

    figures["timeline"] = timeline_figure(document, titles)
    events = html_table(["date", "event", "source", "shocks"],
                        [[point["date"], event["title"], event["source"] or "–", ", ".join(event["shocks"]) or "–"]
                         for point in document["points"] for event in point["events"]])
    draws = (f"; P(agreement) from {document['draws']:,} draws, seed {document['seed']} (medians and 80% intervals "
             "in the run's JSON)" if document["draws"] else "")
    return (f'<section class="card"><h2>Timeline</h2><p class="note">The forecast of every issue before the first '
            f"event and at each event date{draws}.</p>"
            f'<div class="chart" id="timeline" style="width: 100%; height: 560px"></div>'
            f"{events}</section>")
