"""The report's body for simulate, levers and backtest runs, read from their stored documents.

Nothing is computed again: every number comes from the result the command stored
(:meth:`Simulation.to_dict`, :meth:`LeverAnalysis.to_dict`, :meth:`Backtest.to_dict`),
and the figures are drawn from those numbers.

* simulate: per issue the point forecast, median and 50/80/95% bands, P(agreement)
  where veto players are declared, each threshold's probability, the distribution
  over the scale and how often each anchor is the nearest; the calibrated forecast
  beside it where stored;
* levers: per issue the tornado of single changes and the sentence naming the
  strongest, then the what-if shocks against the baseline;
* backtest: every model's errors overall, by procedure and by voting rule, and the
  calibration of the Monte Carlo intervals where it was measured.
"""

from __future__ import annotations

from html import escape
from typing import Any

from realpolitik import calibrated_text
from realpolitik.report.figures import _base_layout, _plain, tornado_figure
from realpolitik.report.html import html_table
from realpolitik.store import StoredRun

#: The run kinds this module reports.
ANALYSIS_KINDS = ("simulate", "levers", "backtest")
#: Levers listed per issue (all are in the stored run: ``realpolitik runs show``).
LISTED_LEVERS = 10


def _value(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _band(bounds: list[float]) -> str:
    return f"{bounds[0]:.1f}–{bounds[1]:.1f}"


def _histogram_figure(item: dict[str, Any]) -> dict[str, Any]:
    edges, counts = item["histogram"]["edges"], item["histogram"]["counts"]
    total = sum(counts) or 1
    centres = [(low + high) / 2 for low, high in zip(edges, edges[1:])]
    layout = _base_layout(_plain(f"Distribution over the draws — {item['title']}"))
    layout.update({"xaxis": {"title": {"text": "outcome"}, "range": item["scale"], "gridcolor": "#eef0f3"},
                   "yaxis": {"title": {"text": "share of draws"}, "tickformat": ".0%", "gridcolor": "#eef0f3"},
                   "bargap": 0.05, "showlegend": False})
    return {"data": [{"type": "bar", "x": centres, "y": [count / total for count in counts],
                      "width": edges[1] - edges[0] if len(edges) > 1 else 1, "marker": {"color": "#60a5fa"},
                      "hovertemplate": "%{x:.1f}: %{y:.1%}<extra></extra>"}], "layout": layout}


def _simulation_body(result: dict[str, Any], figures: dict[str, Any]) -> str:
    noise = result["noise"]
    parts = [f'<p class="note">{result["draws"]:,} draws, seed {result["seed"]}; noise: positions '
             f'±{noise["position_sd_percent_of_scale"]:g}% of the scale, saliences ±{noise["salience_sd"]:g} points, '
             f'capabilities ±{noise["capability_sd_percent"]:g}% (1 sd; values with their own ± keep theirs).</p>']
    if result.get("intervals_are"):
        parts.append(f'<p class="note">{escape(result["intervals_are"])}</p>')
    for index, item in enumerate(result["issues"]):
        key = f"simulation-{index}"
        figures[key] = _histogram_figure(item)
        bands = [[f"{level}%", _band(bounds)] for level, bounds in item["intervals"].items()]
        summary = html_table(["", ""], [["point forecast", _value(item["point_forecast"])],
                                    ["median of the draws", _value(item["median"])], *bands]
                         + ([["P(agreement)", _share(item["agreement"]["probability"])]] if item.get("agreement")
                            else []))
        events = html_table(["event", "probability"], [[text, _share(share)] for text, share in item["thresholds"].items()],
                        frozenset({1})) if item["thresholds"] else ""
        anchors = html_table(["nearest anchor", "share of draws"],
                         [[point, _share(share)] for point, share in item["anchors"].items()], frozenset({1})) \
            if item["anchors"] else ""
        calibrated = ""
        if item.get("calibrated"):
            lines = calibrated_text.issue_lines(item["calibrated"], {})
            calibrated = f'<p class="calibrated">{"<br>".join(escape(line) for line in lines)}</p>'
        parts.append(f'<section class="card"><h2>{escape(item["title"])}</h2>{summary}{events}{anchors}{calibrated}'
                     f'<div class="chart" id="{key}"></div></section>')
    return "".join(parts)


def _levers_body(result: dict[str, Any], figures: dict[str, Any]) -> str:
    steps = result["steps"]
    parts = [f'<p class="note">One change at a time: positions ±{steps["position_percent_of_scale"]:g}% of the scale, '
             f'saliences ±{steps["salience_points"]:g} points, capabilities ×/÷{steps["capability_factor"]:g}.</p>']
    for index, item in enumerate(result["issues"]):
        levers = item["levers"]
        key = f"levers-{index}"
        if levers:
            figures[key] = tornado_figure(levers[:LISTED_LEVERS], item["title"], item["baseline"])
        rows = [[lever["actor"], lever["attribute"], f"{lever['current']:.4g}",
                 f"{lever['down']['value']:.4g} → {lever['down']['forecast']:.1f}",
                 f"{lever['up']['value']:.4g} → {lever['up']['forecast']:.1f}", f"{lever['swing']:.1f}"]
                for lever in levers[:LISTED_LEVERS]]
        listed = (f'<p class="note">The {LISTED_LEVERS} strongest of {len(levers)} levers.</p>'
                  if len(levers) > LISTED_LEVERS else "")
        parts.append(f'<section class="card"><h2>{escape(item["title"])}</h2>'
                     f'<p>baseline forecast {_value(item["baseline"])}</p>'
                     f'<p class="forecast-sentence">{escape(item["sentence"])}</p>'
                     + (f'<div class="chart" id="{key}"></div>' if levers else "")
                     + html_table(["actor", "attribute", "now", "step down → forecast", "step up → forecast", "swing"],
                              rows, frozenset({2, 3, 4, 5})) + listed + "</section>")
    shocks = result.get("shocks")
    if shocks:
        changes = html_table(["shock", "actor", "attribute", "issue", "before", "after"],
                         [[change["shock"], change["actor"], change["attribute"], change["issue"] or "every issue",
                           f"{change['before']:.4g}", f"{change['after']:.4g}"
                           + (" (clipped)" if change["clipped"] else "")] for change in shocks["changes"]],
                         frozenset({4, 5}))
        moved = html_table(["issue", "baseline", "shocked", "difference"],
                       [[item["title"], _value(item["baseline"]), _value(item["shocked"]),
                         f"{item['difference']:+.1f}"] for item in shocks["issues"]], frozenset({1, 2, 3}))
        parts.append(f'<section class="card"><h2>What if</h2>{changes}{moved}</section>')
    return "".join(parts)


def _backtest_body(result: dict[str, Any], figures: dict[str, Any]) -> str:
    models = result["models"]
    figures["backtest-mae"] = {
        "data": [{"type": "bar", "orientation": "h", "y": [model["model"] for model in reversed(models)],
                  "x": [model["mae"] for model in reversed(models)], "marker": {"color": "#60a5fa"},
                  "hovertemplate": "%{y}: MAE %{x:.2f}<extra></extra>"}],
        "layout": {**_base_layout("Mean absolute error on the 0–100 outcome scale (lower is better)"),
                   "xaxis": {"title": {"text": "MAE"}, "gridcolor": "#eef0f3"}, "yaxis": {"automargin": True},
                   "showlegend": False}}
    overall = html_table(["model", "MAE", "median AE", "within 10", "n", "validation"],
                     [[model["model"], f"{model['mae']:.2f}", f"{model['median_ae']:.2f}", _share(model["within_10"]),
                       model["n"], model["validation"] or "in sample (nothing fitted)"] for model in models],
                     frozenset({1, 2, 3, 4}))
    parts = [f'<p class="note">{result["issues_scored"]} issues in {result["dossiers"]} dossiers of '
             f'{escape(str(result["data"]))}; capability {escape(result["capability"])}, salience '
             f'{escape(result["salience"])}; {result["skipped_without_outcome"] + result["skipped_without_positions"]} '
             "issue row(s) without an outcome or a position skipped.</p>",
             f'<section class="card"><h2>Scores</h2><div class="chart" id="backtest-mae"></div>{overall}</section>']
    for key, title in (("by_procedure", "MAE by procedure"), ("by_voting_rule", "MAE by Council voting rule")):
        groups = list(models[0][key]) if models else []
        rows = [[model["model"], *(f"{model[key][group]['mae']:.2f}" for group in groups)] for model in models]
        header = ["model", *(f"{group} (n={models[0][key][group]['n']})" for group in groups)]
        parts.append(f'<section class="card"><h2>{title}</h2>'
                     f'{html_table(header, rows, frozenset(range(1, len(header))))}</section>')
    calibration = result.get("calibration")
    if calibration:
        levels = calibration["levels"]
        rows = [[model["model"], *(_share(model[f"inside_{level}"]) for level in levels)]
                for model in calibration["models"]]
        parts.append(f'<section class="card"><h2>Calibration</h2><p class="note">Share of outcomes inside each '
                     f'model\'s Monte Carlo intervals ({calibration["draws"]} draws, seed {calibration["seed"]}, '
                     "default input noise); a calibrated 80% interval holds about 80%.</p>"
                     + html_table(["model", *(f"{level}% interval" for level in levels)], rows,
                              frozenset(range(1, len(levels) + 1))) + "</section>")
    return "".join(parts)


def analysis_body(stored: StoredRun, title: str, figures: dict[str, Any]) -> str:
    """The report body of a simulate, levers or backtest run (see the module's docstring); adds its figures."""
    render = {"simulate": _simulation_body, "levers": _levers_body, "backtest": _backtest_body}[stored.kind]
    model = ", ".join(stored.models)
    heading = {"simulate": f"Monte Carlo simulation ({model})", "levers": f"Levers ({model})",
               "backtest": "Backtest"}[stored.kind]
    return (f"<h1>{escape(title)}</h1><p class=\"subtitle\">Run {stored.id} · {escape(heading)} · "
            f"{stored.created_at.strftime('%d %B %Y')}</p>" + render(stored.result, figures))
