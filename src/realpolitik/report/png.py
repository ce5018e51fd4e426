"""The report's charts as PNG files, drawn with matplotlib (no browser needed).

Per issue: each actor's position by round with the forecast (``ISSUE-positions.png``),
the "who challenges whom" quadrant chart (``ISSUE-challenges.png``) and, where the
levers analysis is installed, the levers tornado (``ISSUE-levers.png``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from realpolitik.io.files import write_atomically
from realpolitik.report.figures import (
    BLOC_DASHES,
    FORECAST_COLOUR,
    STATUS_QUO_COLOUR,
    wrapped_label,
)
from realpolitik.report.issue_view import issue_view, model_document, run_scenario
from realpolitik.report.palette import ActorPalette
from realpolitik.report.uncertainty import stored_analyses
from realpolitik.store import StoredRun


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "issue"


#: matplotlib's spelling of the plotly dashes of :data:`BLOC_DASHES`.
_LINE_STYLES = {"solid": "-", "dash": "--", "longdash": (0, (8, 3)), "dashdot": "-."}


def _positions_chart(view: dict[str, Any], item: dict[str, Any], palette: ActorPalette):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5.6), dpi=120, layout="constrained")
    axes = figure.add_subplot()
    rounds = [state["round"] for state in item["rounds"]]
    names = list(item["rounds"][0]["positions"])
    if palette.by_bloc:  # the legend lists the actors bloc by bloc, each named with its bloc
        order = [bloc for bloc, _ in palette.legend()]
        names.sort(key=lambda name: order.index(palette.group(name)))
    in_bloc: dict[str, int] = {}
    for name in names:
        style, label = "-", name
        if palette.by_bloc:
            group = palette.group(name)
            style = _LINE_STYLES[BLOC_DASHES[in_bloc.get(group, 0) % len(BLOC_DASHES)]]
            in_bloc[group] = in_bloc.get(group, 0) + 1
            label = f"{name} ({group})"
        axes.plot(rounds, [state["positions"][name] for state in item["rounds"]], marker="o", markersize=3,
                  linewidth=1.8, color=palette.colour(name), linestyle=style, label=label)
    last = max(rounds[-1], 1)
    if view["interval"]:
        axes.axhspan(view["interval"][0], view["interval"][1], color="#2563eb", alpha=0.12, label="interval")
    if view["status_quo"] is not None:
        axes.axhline(view["status_quo"], color=STATUS_QUO_COLOUR, linestyle=":", linewidth=1.4,
                     label=f"status quo {view['status_quo']:g}")
    axes.axhline(view["forecast"], color=FORECAST_COLOUR, linestyle="--", linewidth=2.4,
                 label=f"forecast {view['forecast']:.1f}")
    low, high = view["scale"]
    anchors = {float(point): label for point, label in view["anchors"].items()}
    axes.set_ylim(low - (high - low) * 0.04, high + (high - low) * 0.04)
    axes.set_xlim(-0.3, last + 0.3)
    if anchors:
        axes.set_yticks(sorted(anchors), ["\n".join(wrapped_label(f"{point:g} {anchors[point]}"))
                                          for point in sorted(anchors)])
    axes.set_xlabel("round")
    axes.set_title(f"{view['title']} — {view['model_title']}", loc="left", fontsize=12)
    axes.grid(color="#e5e7eb", linewidth=0.8)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    return figure


def _challenges_chart(view: dict[str, Any], palette: ActorPalette):
    from matplotlib.figure import Figure

    points = view["challenges"]["points"]
    actor = view["perspective"]
    figure = Figure(figsize=(7, 6.4), dpi=120, layout="constrained")
    axes = figure.add_subplot()
    reach = max([abs(p[key]) for p in points for key in ("attack", "defence")] + [0.1]) * 1.25
    axes.axhline(0, color="#9ca3af", linewidth=1)
    axes.axvline(0, color="#9ca3af", linewidth=1)
    axes.plot([-reach, reach], [reach, -reach], color="#d1d5db", linestyle=":", linewidth=1)
    named: set[str] = set()
    for point in points:
        group = palette.group(point["actor"])
        label = group if palette.by_bloc and group not in named else None
        named.add(group)
        axes.scatter(point["attack"], point["defence"], s=45, color=palette.colour(point["actor"]), zorder=3,
                     label=label)
        axes.annotate(point["actor"], (point["attack"], point["defence"]), textcoords="offset points",
                      xytext=(0, 6), ha="center", fontsize=8)
    corner = reach * 0.96
    for x, y, ha, va, text in ((corner, corner, "right", "top", "conflict"),
                               (corner, -corner, "right", "bottom", f"{actor} prevails"),
                               (-corner, corner, "left", "top", f"{actor} gives way"),
                               (-corner, -corner, "left", "bottom", "status quo")):
        axes.text(x, y, text, ha=ha, va=va, fontsize=9, color="#6b7280")
    axes.set_xlim(-reach, reach)
    axes.set_ylim(-reach, reach)
    axes.set_xlabel(f"{actor}'s expected utility of challenging")
    axes.set_ylabel(f"expected utility of challenging {actor}")
    axes.set_title(f"{view['title']}: who challenges whom, as {actor} sees it", loc="left", fontsize=11)
    axes.grid(color="#f1f5f9")
    if palette.by_bloc:
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False, title="bloc")
    return figure


def _levers_chart(view: dict[str, Any]):
    from matplotlib.figure import Figure

    traces = view["tornado"]["data"]
    labels = traces[0]["y"]
    figure = Figure(figsize=(9, 0.45 * len(labels) + 1.6), dpi=120, layout="constrained")
    axes = figure.add_subplot()
    for trace in traces:
        axes.barh(labels, trace["x"], left=trace["base"], color=trace["marker"]["color"], label=trace["name"])
    axes.axvline(view["forecast"], color=FORECAST_COLOUR, linewidth=2)
    axes.margins(x=0.08)
    axes.set_xlabel("forecast")
    axes.set_title(f"Levers — {view['title']}", loc="left", fontsize=12)
    axes.legend(fontsize=8, frameon=False)
    return figure


def write_png_charts(stored: StoredRun, folder: Path, db: str | None = None) -> list[Path]:
    """Draw every chart of the report into ``folder`` (created if needed), with the run's analyses as
    stored in ``db``; returns the files written."""
    import io

    import matplotlib

    scenario = run_scenario(stored)
    document = model_document(stored)
    analyses = stored_analyses(stored, db)
    palette = ActorPalette.of_scenario(scenario)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    # Names and titles are text, never mathtext: "$\\frac{$" in a name must be drawn as written.
    with matplotlib.rc_context({"text.parse_math": False}):
        for item in document["issues"]:
            view = issue_view(stored, item["issue"], document["model"], db=db, analyses=analyses)
            figures = {"positions": _positions_chart(view, item, palette),
                       "challenges": _challenges_chart(view, palette)}
            if view["tornado"]:
                figures["levers"] = _levers_chart(view)
            for kind, figure in figures.items():
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png")
                path = folder / f"{_file_stem(item['issue'])}-{kind}.png"
                write_atomically(path, buffer.getvalue())
                written.append(path)
    return written
