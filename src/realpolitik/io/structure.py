"""Limits on the shape of a native YAML or JSON file, checked before it is built.

A scenario is six levels deep and never needs YAML's aliases; a hostile file can
still be nested thousands of levels deep (PyYAML's scanner then costs time
quadratic in the depth, and building the data overflows Python's stack), use an
alias to expand a few lines into billions of values (the "billion laughs") or to
make a cycle (``a: &a [*a]``), or write an integer of thousands of digits (Python
converts at most 4,300). These checks walk the text once, in time linear in its
length, and stop at the first thing refused:

* YAML: the event stream, refusing aliases, nesting deeper than :data:`MAX_DEPTH`,
  and plain scalars that YAML 1.1 would read as numbers written otherwise than in
  ASCII decimal or scientific notation (``1_000``, ``0x1F``, ``012`` read as octal
  10, ``1:20`` read as 80) or longer than :data:`realpolitik.numbers.MAX_NUMBER_LENGTH`;
* JSON: the brackets outside strings, refusing nesting deeper than :data:`MAX_DEPTH`;
  :func:`load_json` then reads it with Python's parser (fast, so a file of 100,000
  actors is counted and refused in well under a second), refusing duplicate keys,
  ``NaN``/``Infinity`` and over-long numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

from realpolitik.numbers import MAX_NUMBER_LENGTH, NUMBER_PATTERN
from realpolitik.scenario import Problem, ScenarioError

#: PyYAML's safe loader, on libyaml's C parser where PyYAML was built with it (about ten times faster
#: on a scenario file; the same documents, errors and line numbers).
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def is_plain(style: str | None) -> bool:
    """Whether a scalar's style is plain (unquoted): None from PyYAML's own parser, '' from libyaml's."""
    return not style
#: Deepest nesting of mappings and lists accepted (a scenario needs six levels).
MAX_DEPTH = 64

_DECIMAL = re.compile(NUMBER_PATTERN, re.ASCII)
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]", re.ASCII)
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_SPECIAL_FLOATS = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


def _refuse(message: str, where: str, mark: Any = None) -> None:
    raise ScenarioError([Problem(message, file=where, row=mark.line + 1 if mark is not None else None)])


def _plain_number_problem(value: str) -> str | None:
    """Why a plain YAML scalar that YAML reads as a number is not written as one this tool reads."""
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
    if tag not in _NUMBER_TAGS or _SPECIAL_FLOATS.fullmatch(value):
        return None
    if len(value) > MAX_NUMBER_LENGTH:
        return (f"a number of {len(value)} characters is longer than the {MAX_NUMBER_LENGTH} accepted "
                "(quote it if it is text)")
    if _LEADING_ZERO.match(value) and tag == _NUMBER_TAGS[0]:
        return f"'{value}' would be read as an octal number; write it without leading zeros (or quote it)"
    if not _DECIMAL.fullmatch(value):
        return f"'{value}': write numbers in decimal or scientific notation, e.g. 1000 or 1e3 (or quote it)"
    return None


def check_yaml_structure(text: str, where: str) -> None:
    """Refuse aliases, deep nesting and numbers not in ASCII notation; syntax errors are left to the reader.

    The events come from libyaml's parser where PyYAML has it; libyaml scans ahead and may stop
    at its own nesting limit before the events reach this one's, so a file it refuses is checked
    again, event by event, with PyYAML's own parser (only such files pay for it)."""
    try:
        _check_events(yaml.parse(text, Loader=FAST_SAFE_LOADER), where)
    except yaml.YAMLError:
        if FAST_SAFE_LOADER is yaml.SafeLoader:
            return  # the reader reports it, with its line
        try:
            _check_events(yaml.parse(text, Loader=yaml.SafeLoader), where)
        except yaml.YAMLError:
            return  # the reader reports it, with its line


def _check_events(events: Iterator[yaml.Event], where: str) -> None:
    """Refuse the first alias, nesting deeper than :data:`MAX_DEPTH` or number not in ASCII notation."""
    depth = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            _refuse("uses a YAML alias (*name); write the values out instead", where, event.start_mark)
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                _refuse(f"is nested more than {MAX_DEPTH} levels deep (a scenario needs six)", where,
                        event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and is_plain(event.style) and event.tag is None:
            problem = _plain_number_problem(event.value)
            if problem is not None:
                _refuse(problem, where, event.start_mark)


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def load_json(text: str, where: str) -> Any:
    """The data of a JSON document, with the limits in the module docstring."""
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError([Problem(f"is nested more than {MAX_DEPTH} levels deep (a scenario needs six)",
                                             file=where, row=_line_of(text, token.start()))])
        elif bracket in "]}":
            depth -= 1

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in items:
            if key in mapping:
                raise ValueError(f"key '{key}' appears twice in one object")
            mapping[key] = value
        return mapping

    def number(text: str) -> float | int:
        if len(text) > MAX_NUMBER_LENGTH:
            raise ValueError(f"a number of {len(text)} characters is longer than the {MAX_NUMBER_LENGTH} accepted")
        return float(text) if any(c in text for c in ".eE") else int(text)

    def constant(name: str) -> None:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_int=number, parse_float=number,
                          parse_constant=constant)
    except json.JSONDecodeError as error:
        raise ScenarioError([Problem(f"is not valid JSON: {error.msg}", file=where, row=error.lineno)]) from None
    except (ValueError, RecursionError) as error:
        raise ScenarioError([Problem(str(error), file=where)]) from None
