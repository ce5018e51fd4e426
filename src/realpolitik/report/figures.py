"""Chart specifications shared by the web app and the HTML report.

Each function turns part of a result document into a plotly.js figure
(``{"data": [...], "layout": {...}}``, plain JSON), so the browser and the report
draw the same charts from the same numbers; :mod:`realpolitik.report.png` draws
them again with matplotlib for image files. Nothing here computes a forecast.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from typing import Any

#: Distinguishable actor colours (colour-blind-aware first ten, then further hues), in actor order.
ACTOR_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
    "#393b79", "#ad494a", "#637939", "#e6550d", "#7b4173", "#3182bd", "#31a354", "#843c39", "#5254a3", "#969696",
)
FORECAST_COLOUR = "#111827"
INTERVAL_COLOUR = "rgba(37, 99, 235, 0.14)"
STATUS_QUO_COLOUR = "#6b7280"
FONT = {"family": "Inter, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif", "size": 13, "color": "#1f2937"}
#: Longest anchor label shown on an axis; the full text is in the hover and the tables.
ANCHOR_LABEL_LENGTH = 34


def plotly_javascript() -> str:
    """plotly.js as shipped inside the plotly package (served by the app, inlined in reports)."""
    return resources.files("plotly").joinpath("package_data", "plotly.min.js").read_text(encoding="utf-8")


def actor_colour(index: int) -> str:
    """The colour of the actor at ``index`` in the scenario's actor order."""
    return ACTOR_COLOURS[index % len(ACTOR_COLOURS)]


def short_label(text: str, length: int = ANCHOR_LABEL_LENGTH) -> str:
    """``text`` cut to ``length`` characters with an ellipsis."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


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


def trajectory_figure(issue: dict[str, Any], actor_order: list[str], model_title: str,
                      interval: tuple[float, float] | None = None) -> dict[str, Any]:
    """Each actor's position by round on one issue, the forecast, its interval and the status quo.

    ``issue`` is one entry of a forecast document's ``issues``; ``actor_order`` fixes
    the colours (the scenario's actor order); ``interval`` is a (low, high) band.
    """
    rounds = issue["rounds"]
    numbers = [state["round"] for state in rounds]
    anchors = {float(point): label for point, label in issue["anchors"].items()}
    low, high = issue["scale"]
    data: list[dict[str, Any]] = []
    for name in rounds[0]["positions"]:
        index = actor_order.index(name) if name in actor_order else len(data)
        data.append({
            "type": "scatter", "mode": "lines+markers" if len(rounds) > 1 else "markers", "name": _plain(name),
            "x": numbers, "y": [state["positions"][name] for state in rounds],
            "line": {"color": actor_colour(index), "width": 2.2, "shape": "linear"},
            "marker": {"size": 6 if len(rounds) > 1 else 10, "color": actor_colour(index)},
            "hovertemplate": f"<b>{_plain(name)}</b><br>round %{{x}}: %{{y:.1f}}<extra></extra>",
        })
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
    band = f" (input sensitivity {interval[0]:.1f}–{interval[1]:.1f})" if interval is not None else ""
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
                  "ticktext": [_plain(f"{point:g} {short_label(anchors[point])}") for point in sorted(anchors)]
                  or None,
                  "automargin": True},
        "legend": {"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 12}},
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


def quadrant_figure(perspective: dict[str, Any], actor_order: list[str]) -> dict[str, Any]:
    """The "who challenges whom" chart: each other actor at ``(EU_i(i→j), EU_i(j→i))`` seen by actor i.

    ``perspective`` is :meth:`realpolitik.analysis.challenges.ChallengePerspective.to_dict`.
    """
    points = perspective["points"]
    actor = _plain(perspective["actor"])
    values = [abs(value) for point in points for value in (point["attack"], point["defence"])]
    reach = max(values + [0.1]) * 1.25
    data = [{
        "type": "scatter", "mode": "markers+text", "name": "actors",
        "x": [point["attack"] for point in points], "y": [point["defence"] for point in points],
        "text": _legible_labels(points, reach), "textposition": "top center",
        "customdata": [_plain(point["actor"]) for point in points],
        "textfont": {"size": 11},
        "marker": {"size": 11, "line": {"width": 1, "color": "#ffffff"},
                   "color": [actor_colour(actor_order.index(p["actor"]) if p["actor"] in actor_order else 0)
                             for p in points]},
        "hovertemplate": (f"<b>%{{customdata}}</b><br>EU {actor}→%{{customdata}}: %{{x:.3f}}<br>"
                          f"EU %{{customdata}}→{actor} (as {actor} sees it): %{{y:.3f}}<extra></extra>"),
        "showlegend": False,
    }]
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
    layout = _base_layout(f"Who challenges whom — as {actor} sees it")
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

    ``levers`` are ``{label, low, high}`` (the forecasts after the step down and the step
    up), strongest first; the strongest is drawn at the top.
    """
    ordered = list(reversed(levers))
    labels = [_plain(lever["label"]) for lever in ordered]
    data = [
        {"type": "bar", "orientation": "h", "name": "step down", "y": labels, "base": baseline,
         "x": [lever["low"] - baseline for lever in ordered], "marker": {"color": "#60a5fa"},
         "hovertemplate": "%{y}<br>forecast %{customdata:.1f}<extra>step down</extra>",
         "customdata": [lever["low"] for lever in ordered]},
        {"type": "bar", "orientation": "h", "name": "step up", "y": labels, "base": baseline,
         "x": [lever["high"] - baseline for lever in ordered], "marker": {"color": "#f97316"},
         "hovertemplate": "%{y}<br>forecast %{customdata:.1f}<extra>step up</extra>",
         "customdata": [lever["high"] for lever in ordered]},
    ]
    layout = _base_layout(_plain(f"Levers — {issue_title}"))
    layout.update({
        "barmode": "overlay",
        "xaxis": {"title": {"text": "forecast"}, "gridcolor": "#eef0f3"},
        "yaxis": {"automargin": True},
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": baseline, "x1": baseline, "y0": 0, "y1": 1,
                    "line": {"color": FORECAST_COLOUR, "width": 2}}],
        "legend": {"orientation": "h", "y": -0.18},
    })
    return {"data": data, "layout": layout}
