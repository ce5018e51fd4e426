"""How numbers may be written in an input: ASCII decimal or scientific notation only.

Python's ``float()`` and pydantic read far more than that: other scripts' digits
(``"١٢"`` is 12), digit-group underscores (``"1_000"``), and integers of any length
(a 5,000-digit integer costs quadratic time to convert, and Python refuses more than
4,300 digits with an error). Every reader checks a number's text here first, so that
a number is either read exactly as an analyst would read it or refused with a
message that says how to write it.

Accepted: an optional sign, ASCII digits with an optional decimal point, and an
optional exponent (``12``, ``-0.5``, ``.5``, ``2.5e-3``), at most
:data:`MAX_NUMBER_LENGTH` characters; surrounding blanks are ignored. ``inf`` and
``nan`` pass here and are refused by the finiteness checks that follow.
"""

from __future__ import annotations

import re
from typing import Any

#: The longest number text accepted (a double has 17 significant digits; this leaves room for zeros).
MAX_NUMBER_LENGTH = 100

NUMBER_PATTERN = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_NUMBER = re.compile(rf"\s*(?:{NUMBER_PATTERN}|[-+]?(?:inf|infinity|nan))\s*", re.ASCII | re.IGNORECASE)


def number_text_problem(text: str) -> str | None:
    """Why ``text`` is not a number as this tool reads them; None when it is one."""
    if len(text) > MAX_NUMBER_LENGTH:
        return f"a number of {len(text)} characters is longer than the {MAX_NUMBER_LENGTH} accepted"
    if _NUMBER.fullmatch(text):
        return None
    if "_" in text and _NUMBER.fullmatch(text.replace("_", "")):
        return f"{text!r}: write numbers without digit separators (e.g. {text.replace('_', '').strip()})"
    if any(character.isdigit() and not character.isascii() for character in text):
        return f"{text!r}: write numbers with the digits 0-9"
    return f"{text!r} is not a number (write it in decimal or scientific notation, e.g. 12.5 or 1.25e1)"


def ascii_float(text: str) -> float:
    """``float(text)`` for texts :func:`number_text_problem` accepts; ValueError with the reason otherwise."""
    problem = number_text_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return float(text)


#: Number fields of the native layout, by the mapping that holds them.
_ISSUE_NUMBERS = ("scale_min", "scale_max", "status_quo", "reversion")
_ACTOR_NUMBERS = ("capability", "capability_sd")
_STANCE_NUMBERS = ("position", "salience", "position_sd", "salience_sd")
_OVERRIDE_NUMBERS = ("value", "capability_sd")
#: ``value ± sd`` (also ``+-`` and ``+/-``) with both parts in ASCII notation.
_UNCERTAIN = re.compile(rf"\s*({NUMBER_PATTERN})\s*(?:±|\+/-|\+-)\s*({NUMBER_PATTERN})\s*", re.ASCII)


def _text_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if len(value) <= 2 * MAX_NUMBER_LENGTH + 8 and _UNCERTAIN.fullmatch(value):
        return None
    return number_text_problem(value)


def number_texts_in_mapping(data: Any) -> list[tuple[tuple, str]]:
    """Every number given as text in a native-layout mapping that is not written as this tool
    reads numbers, as ``(location, reason)`` with pydantic-style locations."""
    found: list[tuple[tuple, str]] = []

    def check(holder: Any, names: tuple[str, ...], where: tuple) -> None:
        if not isinstance(holder, dict):
            return
        for name in names:
            problem = _text_problem(holder.get(name))
            if problem is not None:
                found.append(((*where, name), problem))

    if not isinstance(data, dict):
        return found
    for index, issue in enumerate(data.get("issues") or [] if isinstance(data.get("issues"), list) else []):
        check(issue, _ISSUE_NUMBERS, ("issues", index))
        anchors = issue.get("anchors") if isinstance(issue, dict) else None
        for point in anchors if isinstance(anchors, dict) else ():
            problem = _text_problem(point)
            if problem is not None:
                found.append((("issues", index, "anchors"), problem))
    for index, actor in enumerate(data.get("actors") or [] if isinstance(data.get("actors"), list) else []):
        check(actor, _ACTOR_NUMBERS, ("actors", index))
        if not isinstance(actor, dict):
            continue
        for key, numbers in (("stances", _STANCE_NUMBERS), ("capability_by_issue", _OVERRIDE_NUMBERS)):
            entries = actor.get(key)
            for issue, entry in entries.items() if isinstance(entries, dict) else ():
                check(entry, numbers, ("actors", index, key, issue))
    return found
