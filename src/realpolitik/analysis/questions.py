"""Forecasting questions: what a ledger entry asks, how a predictive distribution answers it,
and how an outcome resolves it.

Two kinds of question on an issue of a scenario:

* **binary**, an event ``ISSUE OP NUMBER`` (``ceasefire>=75``; the threshold syntax of
  :mod:`realpolitik.analysis.expressions`): answered by the probability of the event,
  resolved by ``yes``/``no`` or by the outcome on the scale;
* **numeric**, an issue's name (``territory``): answered by the whole predictive
  distribution of the outcome, resolved by the outcome on the scale.

A distribution is a :class:`realpolitik.analysis.distribution.MixedDistribution`; the
probability of an event follows from its CDF: ``P(X >= t) = 1 - F(t-)``,
``P(X > t) = 1 - F(t)``, ``P(X <= t) = F(t)``, ``P(X < t) = F(t-)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.expressions import ExpressionError, parse_threshold
from realpolitik.numbers import ascii_float
from realpolitik.scenario import Scenario

YES = ("yes", "y", "true")
NO = ("no", "n", "false")


@dataclass(frozen=True)
class Question:
    """A question on ``issue``: the event ``issue operator threshold`` (binary) or the outcome (numeric)."""

    text: str
    kind: Literal["binary", "numeric"]
    issue: str
    operator: str | None
    threshold: float | None
    scale_min: float
    scale_max: float

    @classmethod
    def parse(cls, text: str, scenario: Scenario) -> Question:
        """``"ceasefire>=75"`` or ``"territory"``; :class:`ExpressionError` naming the problem otherwise."""
        name = text.strip()
        issues = {issue.name: issue for issue in scenario.issues}
        if name in issues:
            issue = issues[name]
            return cls(name, "numeric", name, None, None, issue.scale_min, issue.scale_max)
        if not any(character in text for character in "<>="):
            raise ExpressionError(f"question '{text}': expected an event ISSUE OP NUMBER (e.g. 'ceasefire>=75') or "
                                  f"an issue's name for its outcome (issues: {', '.join(issues)})")
        try:
            threshold = parse_threshold(text, scenario)
        except ExpressionError as error:
            raise ExpressionError(f"question '{text}': {error}") from None
        issue = issues[threshold.issue]
        return cls(threshold.text, "binary", threshold.issue, threshold.operator, threshold.value,
                   issue.scale_min, issue.scale_max)

    def holds(self, value: float) -> bool:
        """Whether the event holds for the outcome ``value``."""
        compare = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}[self.operator]
        return bool(compare(value, self.threshold))

    def probability(self, distribution: MixedDistribution) -> float:
        """The probability of the event under ``distribution`` (binary questions)."""
        t = self.threshold
        value = {">=": 1.0 - distribution.cdf_left(t), ">": 1.0 - distribution.cdf(t),
                 "<=": distribution.cdf(t), "<": distribution.cdf_left(t)}[self.operator]
        return float(min(1.0, max(0.0, value)))

    def resolution(self, text: str) -> tuple[float | None, bool | None]:
        """``(outcome, happened)`` from ``yes``, ``no`` or a value on the scale;
        :class:`ExpressionError` for anything else."""
        word = text.strip().lower()
        if word in YES + NO:
            if self.kind == "numeric":
                raise ExpressionError(f"outcome '{text}': question '{self.text}' asks for a value on the scale "
                                      f"{self.scale_min:g}..{self.scale_max:g} of issue '{self.issue}', not yes or no")
            return None, word in YES
        try:
            value = ascii_float(text)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value):
            raise ExpressionError(f"outcome '{text}' is neither yes, no nor a number on the scale "
                                  f"{self.scale_min:g}..{self.scale_max:g} of issue '{self.issue}'")
        if not self.scale_min <= value <= self.scale_max:
            raise ExpressionError(f"outcome {value:g} lies outside the scale {self.scale_min:g}..{self.scale_max:g} "
                                  f"of issue '{self.issue}'")
        return value, self.holds(value) if self.kind == "binary" else None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.text, "kind": self.kind, "issue": self.issue, "operator": self.operator,
                "threshold": self.threshold, "scale": [self.scale_min, self.scale_max]}


def distribution_to_dict(distribution: MixedDistribution) -> dict[str, list[float]]:
    """The distribution as JSON-ready lists (inverse: :func:`distribution_from_dict`)."""
    return {"atom_values": distribution.atom_values.tolist(), "atom_masses": distribution.atom_masses.tolist(),
            "cell_edges": distribution.cell_edges.tolist(), "cell_masses": distribution.cell_masses.tolist()}


def distribution_from_dict(document: dict[str, Any]) -> MixedDistribution:
    """The distribution written by :func:`distribution_to_dict`; ``ValueError`` if it is not one."""
    try:
        return MixedDistribution.create(document["atom_values"], document["atom_masses"],
                                        document.get("cell_edges", ()), document.get("cell_masses", ()))
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a distribution ({error})") from None


def distribution_summary(distribution: MixedDistribution) -> dict[str, float]:
    """Median and the central 50/80/95% intervals, for listings."""
    summary = {"median": distribution.median}
    for level in (50, 80, 95):
        low, high = distribution.central_interval(level / 100.0)
        summary[f"interval_{level}"] = [low, high]
    return summary
