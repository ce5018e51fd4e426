"""Results in a notebook: forecasts, simulations and backtests as tables.

Each result offers the same table two ways: ``to_frame()``, a pandas DataFrame for
analysis (pandas is the optional extra ``pandas``: ``pip install "realpolitik[pandas]"``),
and ``_repr_html_()``, the HTML table Jupyter shows for a result left at the end of a
cell (no pandas needed). The tables hold the result's numbers as computed; the HTML shows
positions to one decimal and probabilities as whole percentages, as the command line does.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

    from realpolitik.analysis.backtest import Backtest
    from realpolitik.analysis.montecarlo import Simulation
    from realpolitik.forecast import Forecast

PANDAS_MISSING = ("to_frame() needs pandas, which realpolitik installs only on request: "
                  "pip install \"realpolitik[pandas]\" (or pip install pandas)")


@dataclass(frozen=True)
class ResultTable:
    """A result as rows of named values; ``percent`` names the columns that hold shares of 0..1."""

    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    percent: frozenset[str] = frozenset()

    def to_frame(self) -> pandas.DataFrame:
        """The table as a DataFrame indexed by its first column."""
        try:
            import pandas
        except ImportError:
            raise ImportError(PANDAS_MISSING) from None
        frame = pandas.DataFrame(self.rows, columns=list(self.columns)).set_index(self.columns[0])
        frame.attrs["caption"] = self.caption
        return frame

    def _cell(self, column: str, value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{100 * value:.0f}%" if column in self.percent else f"{value:.1f}"
        return html.escape(str(value))

    def to_html(self) -> str:
        """A self-contained HTML table with a caption."""
        head = "".join(f"<th>{html.escape(column)}</th>" for column in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{self._cell(column, value)}</td>"
                                        for column, value in zip(self.columns, row)) + "</tr>"
                       for row in self.rows)
        return (f"<table><caption>{html.escape(self.caption)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")


def forecast_table(forecast: Forecast) -> ResultTable:
    """One row per issue: the forecast, the anchor nearest to it, the scale and why the model stopped."""
    rows = [(item.issue.name, item.forecast, item.issue.anchor_text(item.forecast) or None, item.issue.scale_min,
             item.issue.scale_max, item.stop_reason) for item in forecast.issues]
    preset = f", preset {forecast.preset}" if forecast.preset else ""
    return ResultTable(f"{forecast.scenario}: {forecast.model}{preset}",
                       ("issue", "forecast", "nearest_anchor", "scale_min", "scale_max", "stop_reason"), rows)


def simulation_table(simulation: Simulation) -> ResultTable:
    """One row per issue: point forecast, median, the 50/80/95% intervals, P(agreement) and each threshold."""
    from realpolitik.analysis.montecarlo import INTERVALS

    thresholds = list(dict.fromkeys(threshold.text for item in simulation.issues for threshold in item.thresholds))
    columns = ("issue", "point_forecast", "median",
               *(f"{side}_{percent}" for percent in INTERVALS for side in ("low", "high")),
               "p_agreement", *(f"P({text})" for text in thresholds))
    rows = []
    for item in simulation.issues:
        bounds = [bound for percent in INTERVALS for bound in item.interval(percent)]
        events = {threshold.text: item.probability(threshold) for threshold in item.thresholds}
        rows.append((item.issue.name, item.point_forecast, item.median, *bounds, item.agreement_probability,
                     *(events.get(text) for text in thresholds)))
    return ResultTable(f"{simulation.scenario}: {simulation.model}, {simulation.draws:,} draws, seed {simulation.seed}",
                       columns, rows, frozenset(["p_agreement", *(f"P({text})" for text in thresholds)]))


def backtest_table(backtest: Backtest) -> ResultTable:
    """One row per model: its absolute errors on the outcomes' 0..100 scale and how it was validated."""
    rows = [(result.model, result.title, result.overall.mae, result.overall.median_ae, result.overall.within_10,
             result.overall.n, result.validation) for result in backtest.models]
    return ResultTable(f"backtest on {backtest.dataset.path}: capability {backtest.capability}, salience "
                       f"{backtest.salience}", ("model", "title", "mae", "median_ae", "within_10", "n", "validation"),
                       rows, frozenset(["within_10"]))
