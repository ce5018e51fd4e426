"""Every problem at once: the range checks of the parts of a table whose types are right.

When a table has a type error (``salience: abc``), pydantic cannot build a
:class:`~realpolitik.scenario.Scenario`, and the checks that need one (a salience of 140,
a position off its scale, a negative capability, a duplicate name) would wait for the
next attempt. :func:`range_problems_beside_type_errors` validates each issue, actor,
stance and capability override on its own, keeps those that validate, and runs the
scenario's own checks on what it kept, so that one reading reports both kinds.

Only checks that cannot be caused by leaving a broken part out are reported: values
outside their range, negative capabilities, inverted scales and duplicate names; not
"no actor takes a position on this issue" or references to an issue that was left out.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from realpolitik.scenario import Actor, Issue, IssueCapability, Origin, Problem, Scenario, Stance

#: Words of the problems that a part left out cannot cause (see the module's docstring).
_KEPT = ("outside", "negative", "must be below", "duplicate", "twice")


def _validates(model: type[BaseModel], value: Any, strict: bool) -> BaseModel | None:
    """``value`` validated as ``model``, or None; ``strict`` validates it as the JSON it came from
    (as :func:`~realpolitik.scenario.load_scenario_dict` does with ``json_types``)."""
    try:
        if strict:
            text = json.dumps(value, default=lambda part: part.model_dump(mode="json"))
            return model.model_validate_json(text, strict=True)
        return model.model_validate(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _valid_entries(model: type[BaseModel], entries: Any, strict: bool) -> dict[str, BaseModel]:
    """The entries of a ``{issue: entry}`` mapping that validate on their own."""
    if not isinstance(entries, dict):
        return {}
    kept = {name: _validates(model, entry, strict) for name, entry in entries.items() if isinstance(name, str)}
    return {name: entry for name, entry in kept.items() if entry is not None}


def _valid_actor(raw: Any, strict: bool) -> Actor | None:
    """The actor with only its valid stances and overrides; capability 0 where its own is unusable."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        return None
    parts = {"name": raw["name"], "stances": _valid_entries(Stance, raw.get("stances"), strict),
             "capability_by_issue": _valid_entries(IssueCapability, raw.get("capability_by_issue"), strict)}
    actor = _validates(Actor, {**parts, "capability": raw.get("capability"),
                               "capability_sd": raw.get("capability_sd")}, strict)
    return actor if actor is not None else _validates(Actor, {**parts, "capability": 0}, strict)


def range_problems_beside_type_errors(data: dict, origin: Origin, strict: bool = False) -> list[Problem]:
    """The range and duplicate problems of the parts of ``data`` that validate (see the module's docstring);
    ``strict``: validate as JSON data is validated (no numbers written as text)."""
    from realpolitik.scenario import _semantic_problems

    if not isinstance(data.get("issues"), list) or not isinstance(data.get("actors"), list):
        return []
    issues = [issue for issue in (_validates(Issue, raw, strict) for raw in data["issues"]) if issue is not None]
    actors = [actor for actor in (_valid_actor(raw, strict) for raw in data["actors"]) if actor is not None]
    partial = Scenario.model_construct(name=str(data.get("name") or "?"), issues=issues, actors=actors, events=[])
    return [problem for problem in _semantic_problems(partial, origin)
            if any(word in problem.message for word in _KEPT)]
