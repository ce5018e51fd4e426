"""Chart specifications shared by the web app and the HTML report.

Each function turns part of a result document into a plotly.js figure
(``{"data": [...], "layout": {...}}``, plain JSON), so the browser and the report
draw the same charts from the same numbers; :mod:`realpolitik.report.png` draws
them again with matplotlib for image files. Nothing here computes a forecast.
"""

from __future__ import annotations

import json
import textwrap
from html import escape
from importlib import resources
from collections.abc import Sequence
from typing import Any

# ACTOR_COLOURS and actor_colour are imported by name from here too (palette.py defines them).
from realpolitik.report.palette import ACTOR_COLOURS, ActorPalette, actor_colour, actor_palette  # noqa: F401

#: Actors of one bloc share its colour; their lines differ by dash, in this order.
BLOC_DASHES = ("solid", "dash", "longdash", "dashdot")
FORECAST_COLOUR = "#111827"
INTERVAL_COLOUR = "rgba(37, 99, 235, 0.14)"
STATUS_QUO_COLOUR = "#6b7280"
FONT = {"family": "Inter, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif", "size": 13, "color": "#1f2937"}
#: Longest anchor label line on an axis: longer labels wrap onto further lines, never cut.
ANCHOR_LABEL_LENGTH = 34

#: The plotly.js configuration of every chart, in the app and in reports: no logo, and no button or link
#: that sends a chart or its data to a plotly server (Chart Studio), so nothing leaves the machine.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False, "showEditInChartStudio": False,
                 "showLink": False, "sendData": False, "plotlyServerURL": "", "topojsonURL": "",
                 "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"]}


def plotly_library() -> str:
    """plotly.js exactly as shipped inside the plotly package."""
    return resources.files("plotly").joinpath("package_data", "plotly.min.js").read_text(encoding="utf-8")


def plotly_javascript() -> str:
    """plotly.js followed by :data:`PLOTLY_CONFIG` made the default of every chart (served by the app,
    inlined in reports)."""
    return plotly_library() + f"\n;Plotly.setPlotConfig({json.dumps(PLOTLY_CONFIG)});\n"


def short_label(text: str, length: int = ANCHOR_LABEL_LENGTH) -> str:
    """``text`` cut to ``length`` characters with an ellipsis (for hover lines that must stay short)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def wrapped_label(text: str, length: int = ANCHOR_LABEL_LENGTH) -> list[str]:
    """``text`` in whole words on lines of at most ``length`` characters (a longer word keeps a line of its own)."""
    return textwrap.wrap(text, length, break_long_words=False, break_on_hyphens=False) or [""]


def _plain(text: str) -> str:
    """User text made safe for plotly's HTML-like labels (which read tags and entities)."""
    return escape(text, quote=False)


def _base_layout(title: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 56, "b": 52},
        "hoverlabel": {"font": {"family": FONT["family"]}},
    }


def _bloc_note(palette: ActorPalette, name: str) -> str:
    """`` (bloc)`` after an actor's name in a hover, when the scenario has blocs."""
    return f" ({_plain(palette.group(name))})" if palette.by_bloc else ""


def trajectory_figure(issue: dict[str, Any], actors: ActorPalette | Sequence[str], model_title: str,
                      interval: tuple[float, float] | None = None) -> dict[str, Any]:
    """Each actor's position by round on one issue, the forecast, its interval and the status quo.

    ``issue`` is one entry of a forecast document's ``issues``; ``actors`` fixes the colours: the
    scenario's :class:`~realpolitik.report.palette.ActorPalette` (or its actor names, in order). When the
    scenario has blocs, each actor is drawn in its bloc's colour, the legend groups the actors under their
    bloc's name, and the actors of one bloc differ by dash. ``interval`` is a (low, high) band.
    """
    palette = actor_palette(actors)
    rounds = issue["rounds"]
    numbers = [state["round"] for state in rounds]
    anchors = {float(point): label for point, label in issue["anchors"].items()}
    low, high = issue["scale"]
    data: list[dict[str, Any]] = []
    in_bloc: dict[str, int] = {}
    for name in rounds[0]["positions"]:
        colour = palette.colour(name)
        trace = {
            "type": "scatter", "mode": "lines+markers" if len(rounds) > 1 else "markers", "name": _plain(name),
            "x": numbers, "y": [state["positions"][name] for state in rounds],
            "line": {"color": colour, "width": 2.2, "shape": "linear"},
            "marker": {"size": 6 if len(rounds) > 1 else 10, "color": colour},
            "hovertemplate": f"<b>{_plain(name)}</b>{_bloc_note(palette, name)}<br>round %{{x}}: %{{y:.1f}}"
                             "<extra></extra>",
        }
        if palette.by_bloc:
            group = palette.group(name)
            trace["line"]["dash"] = BLOC_DASHES[in_bloc.get(group, 0) % len(BLOC_DASHES)]
            in_bloc[group] = in_bloc.get(group, 0) + 1
            trace.update(legendgroup=_plain(group), legendgrouptitle={"text": f"<b>{_plain(group)}</b>"})
        data.append(trace)
    last = numbers[-1] if len(numbers) > 1 else 1
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if interval is not None:
        shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": 0, "x1": last, "y0": interval[0],
                       "y1": interval[1], "fillcolor": INTERVAL_COLOUR, "line": {"width": 0}, "layer": "below"})
    if issue.get("status_quo") is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": 0, "x1": last, "y0": issue["status_quo"],
                       "y1": issue["status_quo"], "line": {"color": STATUS_QUO_COLOUR, "width": 1.5, "dash": "dot"}})
        annotations.append({"xref": "paper", "yref": "y", "x": 0, "y": issue["status_quo"], "xanchor": "left",
                            "yanchor": "bottom", "text": f"status quo {issue['status_quo']:g}", "showarrow": False,
                            "font": {"size": 11, "color": STATUS_QUO_COLOUR}})
    forecast = issue["forecast"]
    shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": 0, "x1": last, "y0": forecast, "y1": forecast,
                   "line": {"color": FORECAST_COLOUR, "width": 3, "dash": "dash"}})
    spread = interval is not None and interval[1] - interval[0] >= 0.05
    band = f" (input sensitivity {interval[0]:.1f}–{interval[1]:.1f})" if spread else ""
    annotations.append({"xref": "paper", "yref": "y", "x": 1, "y": forecast, "xanchor": "right", "yanchor": "bottom",
                        "text": f"<b>forecast {forecast:.1f}</b>{band}", "showarrow": False,
                        "font": {"size": 12, "color": FORECAST_COLOUR}, "bgcolor": "rgba(255,255,255,0.85)"})
    layout = _base_layout(_plain(f"{issue['title']} — {model_title}"))
    padding = (high - low) * 0.04
    layout.update({
        "xaxis": {"title": {"text": "round"}, "dtick": 1, "range": [-0.3, last + 0.3], "zeroline": False,
                  "gridcolor": "#eef0f3", "showgrid": len(rounds) > 1},
        "yaxis": {"range": [low - padding, high + padding], "zeroline": False,
                  "tickvals": sorted(anchors) or None, "gridcolor": "#e5e7eb",
                  "ticktext": ["<br>".join(_plain(line) for line in wrapped_label(f"{point:g} {anchors[point]}"))
                               for point in sorted(anchors)] or None,
                  "automargin": True},
        "legend": {"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 12},
                   **({"traceorder": "grouped", "groupclick": "toggleitem"} if palette.by_bloc else {})},
        "shapes": shapes,
        "annotations": annotations,
        "margin": {"l": 20, "r": 20, "t": 56, "b": 52},
    })
    return {"data": data, "layout": layout}


def _legible_labels(points: list[dict[str, Any]], reach: float) -> list[str]:
    """Point labels, leaving out those that would print over an earlier label (hover shows every name)."""
    placed: list[tuple[float, float]] = []
    labels = []
    for point in points:
        x, y = point["attack"] / reach, point["defence"] / reach
        if all(abs(x - px) > 0.16 or abs(y - py) > 0.05 for px, py in placed):
            placed.append((x, y))
            labels.append(_plain(point["actor"]))
        else:
            labels.append("")
    return labels


def _by_group(palette: ActorPalette, names: list[str]) -> list[tuple[str | None, list[int]]]:
    """The indices of ``names`` in one group: all together without blocs (group None), else one group per
    bloc in the order of the legend (``no bloc`` last)."""
    if not palette.by_bloc:
        return [(None, list(range(len(names))))]
    order = [bloc for bloc, _ in palette.legend()]
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        groups.setdefault(palette.group(name), []).append(index)
    return sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def quadrant_figure(perspective: dict[str, Any], actors: ActorPalette | Sequence[str]) -> dict[str, Any]:
    """The "who challenges whom" chart: each other actor at ``(EU_i(i→j), EU_i(j→i))`` seen by actor i.

    ``perspective`` is :meth:`realpolitik.analysis.challenges.ChallengePerspective.to_dict`; ``actors``
    fixes the colours (see :func:`trajectory_figure`): with blocs, one series per bloc, named in the legend.
    """
    palette = actor_palette(actors)
    points = perspective["points"]
    actor = _plain(perspective["actor"])
    values = [abs(value) for point in points for value in (point["attack"], point["defence"])]
    reach = max(values + [0.1]) * 1.25
    labels = _legible_labels(points, reach)
    data = []
    for group, indices in _by_group(palette, [point["actor"] for point in points]):
        chosen = [points[index] for index in indices]
        data.append({
            "type": "scatter", "mode": "markers+text", "name": "actors" if group is None else _plain(group),
            "x": [point["attack"] for point in chosen], "y": [point["defence"] for point in chosen],
            "text": [labels[index] for index in indices], "textposition": "top center",
            "customdata": [_plain(point["actor"]) for point in chosen],
            "textfont": {"size": 11},
            "marker": {"size": 11, "line": {"width": 1, "color": "#ffffff"},
                       "color": [palette.colour(point["actor"]) for point in chosen]},
            "hovertemplate": (f"<b>%{{customdata}}</b>{'' if group is None else f' ({_plain(group)})'}<br>"
                              f"EU {actor}→%{{customdata}}: %{{x:.3f}}<br>"
                              f"EU %{{customdata}}→{actor} (as {actor} sees it): %{{y:.3f}}<extra></extra>"),
            "showlegend": group is not None,
        })
    corner = reach * 0.96
    quadrants = (
        (corner, corner, "right", "top", "<b>conflict</b>"),
        (corner, -corner, "right", "bottom", f"<b>{actor} prevails</b>"),
        (-corner, corner, "left", "top", f"<b>{actor} gives way</b>"),
        (-corner, -corner, "left", "bottom", "<b>status quo</b>"),
    )
    annotations = [{"x": x, "y": y, "xanchor": xanchor, "yanchor": yanchor, "text": text, "showarrow": False,
                    "font": {"size": 11, "color": "#6b7280"}} for x, y, xanchor, yanchor, text in quadrants]
    shapes = [{"type": "line", "x0": -reach, "x1": reach, "y0": reach, "y1": -reach,
               "line": {"color": "#d1d5db", "width": 1, "dash": "dot"}}]
    layout = _base_layout(f"Who challenges whom, as {actor} sees it<br><sup>the expected utility model's view</sup>")
    layout.update({
        "xaxis": {"title": {"text": f"{actor}'s expected utility of challenging"}, "range": [-reach, reach],
                  "zeroline": True, "zerolinecolor": "#9ca3af", "zerolinewidth": 1.5, "gridcolor": "#f1f5f9"},
        "yaxis": {"title": {"text": f"expected utility of challenging {actor}"}, "range": [-reach, reach],
                  "zeroline": True, "zerolinecolor": "#9ca3af", "zerolinewidth": 1.5, "gridcolor": "#f1f5f9"},
        "annotations": annotations,
        "shapes": shapes,
    })
    return {"data": data, "layout": layout}


def tornado_figure(levers: list[dict[str, Any]], issue_title: str, baseline: float) -> dict[str, Any]:
    """The levers tornado: for each lever, the forecast after stepping it down and up, around the baseline.

    ``levers`` are entries of a levers document (``realpolitik levers --format json``): ``actor``,
    ``attribute``, ``current`` and the ``down`` and ``up`` steps with the lever's new ``value`` and the
    ``forecast`` after it; strongest first, the strongest drawn at the top. Each bar says its step and
    where the forecast goes: ``80→70: 61.4`` (a step that leaves it where it is says nothing).
    """
    ordered = list(reversed(levers))
    labels = [_plain(f"{lever['actor']} {lever['attribute']}") for lever in ordered]

    def bars(name: str, step: str, colour: str) -> dict[str, Any]:
        return {"type": "bar", "orientation": "h", "name": name, "y": labels, "base": baseline,
                "x": [lever[step]["forecast"] - baseline for lever in ordered], "marker": {"color": colour},
                "text": [f"{lever['current']:.4g}→{lever[step]['value']:.4g}: {lever[step]['forecast']:.1f}"
                         if abs(lever[step]["forecast"] - baseline) >= 0.05 else "" for lever in ordered],
                "textposition": "outside", "cliponaxis": False, "textfont": {"size": 11},
                "insidetextfont": {"color": "#ffffff"}, "outsidetextfont": {"color": FONT["color"]},
                "hovertemplate": f"%{{y}} %{{text}}<br>forecast {baseline:.1f}→%{{customdata:.1f}}<extra>{name}</extra>",
                "customdata": [lever[step]["forecast"] for lever in ordered]}

    data = [bars("step down", "down", "#2563eb"), bars("step up", "up", "#c2410c")]
    layout = _base_layout(_plain(f"Levers — {issue_title}"))
    forecasts = [baseline] + [lever[step]["forecast"] for lever in levers for step in ("down", "up")]
    margin = (max(forecasts) - min(forecasts)) * 0.35 + 1
    layout.update({
        "barmode": "overlay",
        "xaxis": {"title": {"text": f"forecast (baseline {baseline:.1f})"}, "gridcolor": "#eef0f3",
                  "range": [min(forecasts) - margin, max(forecasts) + margin]},
        "yaxis": {"automargin": True},
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": baseline, "x1": baseline, "y0": 0, "y1": 1,
                    "line": {"color": FORECAST_COLOUR, "width": 2}}],
        "legend": {"orientation": "h", "y": -0.18},
    })
    return {"data": data, "layout": layout}


def positions_figure(issue: dict[str, Any], actors: ActorPalette | Sequence[str], weights: dict[str, float],
                     model_title: str, interval: tuple[float, float] | None = None) -> dict[str, Any]:
    """A one-shot model's chart: each actor's position on the issue's scale (a row per actor, lowest
    position at the bottom, the marker's area proportional to the actor's weight, capability x salience),
    the model's settlement as a line and its sensitivity band where computed.

    Models without rounds (the compromise, the weighted median, the Nash solution, the veto
    players) map positions to one outcome; this shows what they read and where they land.
    ``actors`` fixes the colours (see :func:`trajectory_figure`): with blocs, one series per bloc, named
    in the legend, the rows still ordered by position.
    """
    palette = actor_palette(actors)
    positions = issue["rounds"][0]["positions"]
    names = sorted(positions, key=lambda name: (positions[name], name))
    heaviest = max([weights.get(name, 0.0) for name in names] + [1e-12])
    low, high = issue["scale"]
    anchors = {float(point): label for point, label in issue["anchors"].items()}
    data = []
    for group, indices in _by_group(palette, names):
        chosen = [names[index] for index in indices]
        data.append({
            "type": "scatter", "mode": "markers", "showlegend": group is not None,
            "name": "positions" if group is None else _plain(group),
            "x": [positions[name] for name in chosen], "y": [_plain(name) for name in chosen],
            "customdata": [weights.get(name, 0.0) for name in chosen],
            "marker": {"size": [8 + 22 * (weights.get(name, 0.0) / heaviest) ** 0.5 for name in chosen],
                       "color": [palette.colour(name) for name in chosen], "line": {"width": 1, "color": "#ffffff"}},
            "hovertemplate": f"<b>%{{y}}</b>{'' if group is None else f' ({_plain(group)})'}<br>position %{{x:.1f}}"
                             "<br>weight (capability × salience) %{customdata:.3g}<extra></extra>",
        })
    forecast = issue["forecast"]
    shapes: list[dict[str, Any]] = []
    if interval is not None and interval[1] > interval[0]:
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": interval[0], "x1": interval[1], "y0": 0,
                       "y1": 1, "fillcolor": INTERVAL_COLOUR, "line": {"width": 0}, "layer": "below"})
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": forecast, "x1": forecast, "y0": 0, "y1": 1,
                   "line": {"color": FORECAST_COLOUR, "width": 3, "dash": "dash"}})
    annotations = [{"xref": "x", "yref": "paper", "x": forecast, "y": 1, "yanchor": "bottom", "showarrow": False,
                    "text": f"<b>settlement {forecast:.1f}</b>", "font": {"size": 12, "color": FORECAST_COLOUR},
                    "bgcolor": "rgba(255,255,255,0.85)"}]
    if issue.get("status_quo") is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": issue["status_quo"],
                       "x1": issue["status_quo"], "y0": 0, "y1": 1,
                       "line": {"color": STATUS_QUO_COLOUR, "width": 1.5, "dash": "dot"}})
    layout = _base_layout(_plain(f"{issue['title']} — {model_title}: positions and settlement"))
    padding = (high - low) * 0.04
    layout.update({
        "xaxis": {"range": [low - padding, high + padding], "zeroline": False, "gridcolor": "#e5e7eb",
                  "tickvals": sorted(anchors) or None, "tickangle": 0, "automargin": True,
                  "ticktext": ["<br>".join(_plain(line) for line in wrapped_label(f"{point:g} {anchors[point]}", 16))
                               for point in sorted(anchors)] or None},
        "yaxis": {"automargin": True, "gridcolor": "#f1f5f9",
                  # Rows by position, lowest at the bottom, whichever series (bloc) draws them.
                  "categoryorder": "array", "categoryarray": [_plain(name) for name in names]},
        "shapes": shapes, "annotations": annotations,
    })
    return {"data": data, "layout": layout}
