"""Charts of forecasts over time, shared by the web app and the HTML report (plotly.js JSON):
a timeline (each issue's forecast, and P(agreement), at every event date) and a
reliability diagram of the ledger's binary forecasts. Nothing here computes."""

from __future__ import annotations

from typing import Any

from realpolitik.report.figures import ACTOR_COLOURS, _base_layout, _plain, short_label


def timeline_figure(document: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """Each issue's forecast at every point of a timeline document (:class:`realpolitik.analysis.timeline.Timeline`),
    with P(agreement) on a second axis where the draws give it; the day's events in the hover."""
    points = document["points"]
    dates = [point["date"] for point in points]
    events = ["<br>".join(_plain(short_label(event["title"], 70)) for event in point["events"]) or "before the events"
              for point in points]
    data = []
    for number, item in enumerate(points[0]["issues"]):
        name = item["issue"]
        colour = ACTOR_COLOURS[number % len(ACTOR_COLOURS)]
        title = _plain(titles.get(name, name))
        data.append({"type": "scatter", "mode": "lines+markers", "name": title, "legendgroup": name,
                     "x": dates, "y": [point["issues"][number]["forecast"] for point in points],
                     "line": {"color": colour, "shape": "hv"}, "customdata": events,
                     "hovertemplate": "%{x}: %{y:.1f}<br>%{customdata}<extra>%{fullData.name}</extra>"})
        agreement = [point["issues"][number]["agreement"] for point in points]
        if any(value is not None for value in agreement):
            data.append({"type": "scatter", "mode": "lines+markers", "name": f"P(agreement): {title}",
                         "legendgroup": name, "showlegend": False, "x": dates, "y": agreement, "yaxis": "y2",
                         "line": {"color": colour, "dash": "dot", "shape": "hv"},
                         "hovertemplate": "%{x}: P(agreement) %{y:.2f}<extra>%{fullData.name}</extra>"})
    layout = _base_layout(f"Forecasts at every event date ({document['model']})")
    layout.update({"xaxis": {"title": {"text": "as of"}, "type": "date", "anchor": "y2"},
                   "yaxis": {"title": {"text": "forecast"}, "domain": [0.0, 1.0]},
                   "legend": {"orientation": "h", "y": -0.18}, "height": 560})
    if any(trace.get("yaxis") == "y2" for trace in data):
        layout["yaxis"]["domain"] = [0.4, 1.0]
        layout["yaxis2"] = {"title": {"text": "P(agreement)"}, "domain": [0.0, 0.3], "range": [0, 1]}
    else:
        layout["xaxis"]["anchor"] = "y"
    return {"data": data, "layout": layout}


def reliability_figure(reliability: list[dict[str, Any]]) -> dict[str, Any]:
    """Observed frequency against mean forecast per probability bin, one series per model, with the diagonal
    of perfect calibration; ``reliability`` as ``ledger score --format json`` gives it."""
    data: list[dict[str, Any]] = [{"type": "scatter", "mode": "lines", "name": "perfectly calibrated",
                                   "x": [0, 1], "y": [0, 1], "line": {"color": "#9ca3af", "dash": "dash"}}]
    for number, entry in enumerate(reliability):
        bins = [item for item in entry["bins"] if item["n"]]
        data.append({"type": "scatter", "mode": "lines+markers", "name": _plain(entry["model"]),
                     "x": [item["mean_probability"] for item in bins],
                     "y": [item["observed_frequency"] for item in bins],
                     "text": [f"{item['n']} forecast(s)" for item in bins],
                     "marker": {"size": [6 + 2 * min(item["n"], 10) for item in bins],
                                "color": ACTOR_COLOURS[number % len(ACTOR_COLOURS)]},
                     "hovertemplate": "forecast %{x:.2f}, happened %{y:.2f} (%{text})<extra>%{fullData.name}</extra>"})
    layout = _base_layout("Reliability of the binary forecasts")
    layout.update({"xaxis": {"title": {"text": "mean forecast probability"}, "range": [0, 1]},
                   "yaxis": {"title": {"text": "observed frequency"}, "range": [0, 1]}})
    return {"data": data, "layout": layout}
