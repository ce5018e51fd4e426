"""The calibrated forecast in words, for the terminal and the report.

Intervals are printed with the candidate values inside them, so that a discrete
distribution reads as the set of outcomes it expects (``62.5–80.0: 62.5, 75, 80``);
anchors come with the probability that the outcome lies nearest them.
"""

from __future__ import annotations

from typing import Any

SHOWN_LEVELS = ("50", "80")
#: Anchors less likely than this are left out of the line.
SMALLEST_ANCHOR_SHOWN = 0.005


def interval_text(document: dict[str, Any], level: str) -> str:
    """``"62.5–80.0 (candidates 62.5, 75, 80)"``, or one value where the interval is a point."""
    low, high = document["intervals"][level]
    inside = document.get("candidates_inside", {}).get(level, [])
    span = f"{low:.1f}" if high - low < 0.05 else f"{low:.1f}–{high:.1f}"
    return span + (f" (candidates {', '.join(_short(value) for value in inside)})" if inside else "")


def _short(value: float) -> str:
    """One decimal at most: ``7.38996`` -> ``"7.4"``, ``75.0`` -> ``"75"``."""
    return f"{value:.1f}".removesuffix(".0")


def median_and_intervals(document: dict[str, Any]) -> str:
    """``"median 75.0; 50%: 75.0 (candidates 75); 80%: 62.5–80.0 (...)"``."""
    return f"median {document['median']:.1f}; " + "; ".join(
        f"{level}%: {interval_text(document, level)}" for level in SHOWN_LEVELS)


def anchor_text(document: dict[str, Any], anchors: dict[float, str]) -> str:
    """``"75 full ceasefire 48% · 50 freeze 20%"``, likeliest first."""
    shares = sorted(document.get("anchor_probabilities", {}).items(), key=lambda item: -item[1])
    labels = {f"{point:g}": label for point, label in anchors.items()}
    return " · ".join(f"{point} {labels.get(point, '')} {share:.0%}".replace("  ", " ")
                      for point, share in shares if share >= SMALLEST_ANCHOR_SHOWN)


def issue_lines(document: dict[str, Any], anchors: dict[float, str]) -> list[str]:
    """The calibrated forecast of one issue: its median and intervals, then its anchor probabilities."""
    lines = [f"calibrated forecast: {median_and_intervals(document)}"]
    if document.get("anchor_probabilities"):
        lines.append(f"nearest anchor: {anchor_text(document, anchors)}")
    return lines


def notes(documents: list[dict[str, Any]]) -> list[str]:
    """Where the calibration comes from and why it may not hold, once for all issues."""
    if not documents:
        return []
    return [f"calibrated on {documents[0]['fitted_on']}", *dict.fromkeys(
        note for document in documents for note in document.get("notes", []))]


#: What the Monte Carlo band is, wherever it is shown.
SENSITIVITY_NOTE = ("The Monte Carlo band is the sensitivity to the inputs: how far the forecast moves when "
                    "positions, saliences and capabilities are drawn around their values. It is not a forecast "
                    "interval; on DEU III such bands hold 6-48% of outcomes where they claim 50-95%. The calibrated "
                    "intervals are the forecast intervals.")
