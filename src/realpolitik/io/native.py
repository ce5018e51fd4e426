"""The native scenario format: YAML (or JSON), mapping one-to-one onto :class:`Scenario`.

Layout (see ``docs/scenario-format.md`` and ``realpolitik schema`` for the JSON Schema)::

    name: ukraine-2025-03
    issues:
      - name: ceasefire
        scale_min: 0
        scale_max: 100
        anchors: {0: no ceasefire, 100: comprehensive, lasting ceasefire}
        status_quo: 25
    actors:
      - name: Russia
        capability: 90
        stances:
          ceasefire: {position: 20, salience: 90, position_rationale: "..."}

A value may carry its uncertainty as ``position: 30 ± 10`` (also ``30 +- 10``); see
:mod:`realpolitik.scenario`. Problems are reported with the line of the actor, stance
or issue they concern. Writing back is lossless: ``read(write(s)) == s``, with standard
deviations written in the same ``value ± sd`` form.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from realpolitik.io.files import read_text, write_atomically
from realpolitik.io.structure import FAST_SAFE_LOADER, check_yaml_structure, is_plain, load_json
from realpolitik.scenario import Origin, Problem, Scenario, ScenarioError, load_scenario_dict


class TextBooleansLoader(FAST_SAFE_LOADER):
    """PyYAML's safe loader (libyaml's parser where PyYAML has it) with YAML 1.2's booleans:
    only ``true`` and ``false``.

    YAML 1.1 also reads ``yes``, ``no``, ``on`` and ``off`` as booleans, so that an
    actor written ``NO`` (Norway) or an anchor labelled ``no`` would become ``False``.
    Every field of a scenario that could hold such a word expects text, and no field
    expects a boolean, so these words are read as the text they are;
    :func:`_yes_no_as_text` lists where, for ``realpolitik validate`` to say so.
    """


TextBooleansLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
TextBooleansLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
#: Plain words YAML 1.1 reads as booleans and :class:`TextBooleansLoader` reads as text.
YAML11_BOOLEAN_WORDS = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")


def _yes_no_as_text(root: yaml.Node) -> tuple[str, ...]:
    """One sentence per unquoted yes/no/on/off word, which other YAML readers would take for a boolean."""
    found: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if is_plain(node.style) and YAML11_BOOLEAN_WORDS.match(node.value):
                found.append(f"line {node.start_mark.line + 1}: '{node.value}' read as text, not as a yes/no value "
                             "(YAML 1.2); quote it to make that explicit")
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return tuple(sorted(found, key=lambda sentence: int(sentence.split(":")[0].removeprefix("line "))))


def _scalar_key(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


def _mapping_items(node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
    return node.value if isinstance(node, yaml.MappingNode) else []


def _rows_and_duplicates(root: yaml.Node, where: str) -> tuple[dict[tuple, tuple[str, int]], list[Problem]]:
    """Line numbers of actors, stances and issues; and every duplicated mapping key."""
    rows: dict[tuple, tuple[str, int]] = {}
    problems: list[Problem] = []

    def check_duplicates(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                name = _scalar_key(key)
                if name in seen:
                    problems.append(Problem(f"key '{name}' appears twice in one mapping", file=where,
                                            row=key.start_mark.line + 1))
                seen.add(name)
                check_duplicates(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                check_duplicates(item)

    check_duplicates(root)
    for key, value in _mapping_items(root):
        if _scalar_key(key) == "actors" and isinstance(value, yaml.SequenceNode):
            for actor in value.value:
                fields = {_scalar_key(k): v for k, v in _mapping_items(actor)}
                name = _scalar_key(fields["name"]) if "name" in fields else None
                if name is None:
                    continue
                rows.setdefault(("actor", name), (where, actor.start_mark.line + 1))
                for issue, stance in _mapping_items(fields.get("stances")):
                    rows.setdefault(("stance", name, _scalar_key(issue)), (where, stance.start_mark.line + 1))
        if _scalar_key(key) == "issues" and isinstance(value, yaml.SequenceNode):
            for issue in value.value:
                fields = {_scalar_key(k): v for k, v in _mapping_items(issue)}
                if "name" in fields:
                    rows.setdefault(("issue", _scalar_key(fields["name"])), (where, issue.start_mark.line + 1))
    return rows, problems


def parse_native(text: str, where: str) -> Scenario:
    """A scenario from YAML or JSON text; ``where`` names the source in messages."""
    check_yaml_structure(text, where)
    try:
        loader = TextBooleansLoader(text)
        try:
            root = loader.get_single_node()
            data = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError([Problem(f"is not valid YAML: {problem}", file=where,
                                     row=mark.line + 1 if mark else None)]) from None
    if root is None:
        raise ScenarioError([Problem("is empty", file=where)])
    rows, problems = _rows_and_duplicates(root, where)
    if problems:
        raise ScenarioError(problems)
    return load_scenario_dict(data, Origin(file=where, rows=rows, inferences=_yes_no_as_text(root)))


#: A JSON file up to this size is read again as YAML when it has problems, to name their lines.
JSON_LINES_LIMIT = 2 * 1024 * 1024


def read_native(path: Path) -> Scenario:
    """Read a native YAML or JSON scenario file.

    JSON is read with Python's JSON parser (far faster than YAML's on big files); when
    the table has problems, a file small enough is read again as YAML to name their lines.
    """
    text = read_text(path)
    if Path(path).suffix.lower() != ".json":
        return parse_native(text, str(path))
    data = load_json(text, str(path))
    try:
        return load_scenario_dict(data, Origin(file=str(path)))
    except ScenarioError:
        if len(text) > JSON_LINES_LIMIT:
            raise
    return parse_native(text, str(path))


def _tidy(value: Any) -> Any:
    """Drop empty containers and write integral floats as integers."""
    if isinstance(value, dict):
        tidy = {(_tidy(k) if isinstance(k, float) else k): _tidy(v) for k, v in value.items()}
        return {k: v for k, v in tidy.items() if v not in ({}, [], None)}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the native layout (no empty or default-None fields)."""
    return _tidy(scenario.model_dump(exclude_none=True))


def _number_text(value: float | int) -> str:
    """A number as the shortest text that reads back to the same float."""
    return str(value) if isinstance(value, int) else repr(value)


def _fold_uncertain(entry: dict[str, Any], fields: dict[str, str]) -> None:
    """Write each value that has a standard deviation as ``"value ± sd"``, in place."""
    for name, sd_name in fields.items():
        if sd_name in entry:
            entry[name] = f"{_number_text(entry[name])} ± {_number_text(entry.pop(sd_name))}"


def dump_native(scenario: Scenario) -> str:
    """The scenario as native YAML text; values with a standard deviation as ``value ± sd``."""
    data = scenario_to_dict(scenario)
    for actor in data["actors"]:
        _fold_uncertain(actor, {"capability": "capability_sd"})
        for override in actor.get("capability_by_issue", {}).values():
            _fold_uncertain(override, {"value": "capability_sd"})
        for stance in actor.get("stances", {}).values():
            _fold_uncertain(stance, {"position": "position_sd", "salience": "salience_sd"})
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_native(scenario: Scenario, path: Path) -> None:
    """Write the scenario as native YAML, all or nothing."""
    write_atomically(Path(path), dump_native(scenario).encode("utf-8"))
