"""Threshold and shock expressions, as given on the command line, parsed with precise errors.

Threshold: ``ISSUE OP NUMBER`` with OP one of ``>=``, ``>``, ``<=``, ``<``, e.g.
``ceasefire>=75``: the event that the forecast of ``ceasefire`` is at least 75. The
number must lie on the issue's scale.

Shock: ``ACTOR.ATTRIBUTE[ISSUE] OP NUMBER`` with ATTRIBUTE one of ``position``,
``salience``, ``capability`` and OP one of ``=``, ``*=``, ``+=``, ``-=``, e.g.
``Russia.salience[ceasefire]=40`` or ``USA.capability*=1.5``. Without ``[ISSUE]`` the
shock applies to every issue the actor takes part in (for capability: its general
capability and every per-issue override). Actor names may contain spaces and dots
(``North Korea.position[territory]+=10``). ``=`` must give a value in the valid range
(the issue's scale, 0..100 for salience, >= 0 for capability); the relative operators
are clipped into it, and the result says so.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from realpolitik.scenario import Scenario

ATTRIBUTES = ("position", "salience", "capability")
THRESHOLD_OPERATORS = (">=", ">", "<=", "<")
SHOCK_OPERATORS = ("=", "*=", "+=", "-=")

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
#: Longest expression accepted, in characters (a name of an actor or issue is far shorter).
MAX_EXPRESSION_LENGTH = 500


class ExpressionError(ValueError):
    """A threshold or shock expression that cannot be used; the message says why."""


@dataclass(frozen=True)
class Threshold:
    """The event ``forecast(issue) OP value``; ``text`` is the expression as given."""

    text: str
    issue: str
    operator: Literal[">=", ">", "<=", "<"]
    value: float

    def holds(self, forecast: np.ndarray) -> np.ndarray:
        """Whether the event holds for each forecast (a boolean array of the same shape)."""
        compare = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}[self.operator]
        return compare(forecast, self.value)


@dataclass(frozen=True)
class Shock:
    """A change to one attribute of one actor, on one issue or (``issue=None``) on all of its issues."""

    text: str
    actor: str
    attribute: Literal["position", "salience", "capability"]
    issue: str | None
    operator: Literal["=", "*=", "+=", "-="]
    value: float

    def applied_to(self, current: float) -> float:
        """The new value, before any clipping to the valid range."""
        if self.operator == "=":
            return self.value
        if self.operator == "*=":
            return current * self.value
        return current + self.value if self.operator == "+=" else current - self.value


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" ({kind}s: {', '.join(known)})"
    return f"unknown {kind} '{name}'{hint}"


def _number(text: str) -> float | None:
    """``text`` as a finite number if it is one written plainly (no ``nan``, ``inf`` or ``_``), else None."""
    text = text.strip()
    value = float(text) if _NUMBER.fullmatch(text) else None
    return value if value is not None and math.isfinite(value) else None


def _check_length(kind: str, text: str) -> None:
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"{kind} '{text[:40]}...' is {len(text):,} characters long; at most "
                              f"{MAX_EXPRESSION_LENGTH} are accepted")


def _split_threshold(text: str) -> tuple[str, str, float] | None:
    """``(issue, operator, value)`` of ``ISSUE OP NUMBER``, or None if ``text`` is not of that form.

    One pass: the issue runs up to the first ``<``, ``>`` or ``=``, which must start the operator.
    """
    at = next((index for index, character in enumerate(text) if character in "<>="), None)
    if at is None or text[at] == "=":
        return None
    operator = text[at:at + 2] if text.startswith("=", at + 1) else text[at]
    issue, value = text[:at].strip(), _number(text[at + len(operator):])
    if not issue or value is None:
        return None
    return issue, operator, value


def parse_threshold(text: str, scenario: Scenario) -> Threshold:
    """A :class:`Threshold` from ``"ceasefire>=75"``; raises :class:`ExpressionError` naming the problem."""
    _check_length("threshold", text)
    parts = _split_threshold(text)
    if parts is None:
        raise ExpressionError(f"threshold '{text}': expected ISSUE OP NUMBER with OP one of "
                              f"{', '.join(THRESHOLD_OPERATORS)} (e.g. 'ceasefire>=75')")
    issue_name, operator, value = parts
    known = [issue.name for issue in scenario.issues]
    if issue_name not in known:
        raise ExpressionError(f"threshold '{text}': {_unknown('issue', issue_name, known)}")
    issue = scenario.issue(issue_name)
    if not issue.scale_min <= value <= issue.scale_max:
        raise ExpressionError(f"threshold '{text}': {value:g} lies outside the scale "
                              f"{issue.scale_min:g}..{issue.scale_max:g} of issue '{issue_name}'")
    return Threshold(text.strip(), issue_name, operator, value)


def parse_shock(text: str, scenario: Scenario, origin: str | None = None) -> Shock:
    """A :class:`Shock` from ``"Russia.salience[ceasefire]=40"``; raises :class:`ExpressionError`,
    whose message starts with ``origin`` (e.g. ``"shocks.txt, line 3"``) when given."""
    try:
        return _parse_shock(text, scenario)
    except ExpressionError as error:
        if origin is None:
            raise
        raise ExpressionError(f"{origin}: {error}") from None


def _split_shock(text: str) -> tuple[str, str, str | None, str, float] | None:
    """``(actor, attribute, issue, operator, value)`` of ``ACTOR.ATTRIBUTE[ISSUE] OP NUMBER``, or None.

    One pass each way, no backtracking: the operator ends at the first ``=``; before it, an
    optional ``[ISSUE]`` and then the attribute after the last dot; the actor is the rest.
    """
    equals = text.find("=")
    if equals < 0:
        return None
    operator = text[equals - 1:equals + 1] if equals > 0 and text[equals - 1] in "*+-" else "="
    target, value = text[:equals + 1 - len(operator)].strip(), _number(text[equals + 1:])
    issue = None
    if target.endswith("]"):
        opening = target.rfind("[")
        if opening < 0:
            return None
        target, issue = target[:opening].rstrip(), target[opening + 1:-1].strip()
    actor, dot, attribute = target.rpartition(".")
    actor, attribute = actor.strip(), attribute.strip()
    if not dot or not actor or attribute not in ATTRIBUTES or value is None:
        return None
    return actor, attribute, issue, operator, value


def _parse_shock(text: str, scenario: Scenario) -> Shock:
    _check_length("shock", text)
    parts = _split_shock(text)
    if parts is None:
        raise ExpressionError(
            f"shock '{text}': expected ACTOR.ATTRIBUTE[ISSUE] OP NUMBER with ATTRIBUTE one of "
            f"{', '.join(ATTRIBUTES)}, OP one of {', '.join(SHOCK_OPERATORS)} and [ISSUE] optional "
            "(e.g. 'Russia.salience[ceasefire]=40' or 'USA.capability*=1.5')")
    actor_name, attribute, issue_name, operator, value = parts
    actors = [actor.name for actor in scenario.actors]
    if actor_name not in actors:
        raise ExpressionError(f"shock '{text}': {_unknown('actor', actor_name, actors)}")
    actor = scenario.actor(actor_name)
    if issue_name is not None:
        issues = [issue.name for issue in scenario.issues]
        if issue_name not in issues:
            raise ExpressionError(f"shock '{text}': {_unknown('issue', issue_name, issues)}")
        if issue_name not in actor.stances:
            raise ExpressionError(f"shock '{text}': actor '{actor_name}' takes no part in issue '{issue_name}'")
    elif not actor.stances:
        raise ExpressionError(f"shock '{text}': actor '{actor_name}' takes no part in any issue")
    if operator == "=":
        targets = [issue_name] if issue_name else list(actor.stances)
        for name in targets:
            low, high = valid_range(scenario, attribute, name)
            if not low <= value <= high:
                raise ExpressionError(f"shock '{text}': {attribute} {value:g} is outside {_range_text(low, high)}"
                                      + (f" on issue '{name}'" if attribute == "position" else ""))
    if operator == "*=" and value < 0:
        raise ExpressionError(f"shock '{text}': a negative factor would flip the {attribute}")
    return Shock(text.strip(), actor_name, attribute, issue_name, operator, value)


def valid_range(scenario: Scenario, attribute: str, issue: str) -> tuple[float, float]:
    """The values ``attribute`` may take on ``issue``: the scale, 0..100, or >= 0."""
    if attribute == "position":
        found = scenario.issue(issue)
        return found.scale_min, found.scale_max
    return (0.0, 100.0) if attribute == "salience" else (0.0, float("inf"))


def _range_text(low: float, high: float) -> str:
    return f"{low:g}..{high:g}" if np.isfinite(high) else f">= {low:g}"


def read_shock_file(path: Path) -> list[tuple[str, str]]:
    """Shock expressions from a text file, one per line, as ``(origin, expression)`` with origin
    ``"FILE, line N"``; blank lines and ``#`` comments are skipped."""
    from realpolitik.io.files import read_text

    found = []
    for number, line in enumerate(read_text(Path(path)).splitlines(), start=1):
        expression = line.split("#", 1)[0].strip()
        if expression:
            found.append((f"{path}, line {number}", expression))
    return found
