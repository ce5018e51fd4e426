"""An actor's bloc: kept by every reader and writer of the scenario format, refused cleanly when it is not a name."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from realpolitik.io import load_scenario
from realpolitik.io.native import dump_native, parse_native, scenario_to_dict
from realpolitik.io.xlsx import read_xlsx, write_xlsx
from realpolitik.scenario import Scenario, ScenarioError, load_scenario_dict

BLOCS_YAML = """\
name: blocs
issues:
  - name: x
actors:
  - name: A
    bloc: EU
    capability: 3
    stances: {x: {position: 10, salience: 50}}
  - name: B
    bloc: Russia and allies
    capability: 2
    stances: {x: {position: 90, salience: 50}}
  - name: C
    capability: 1
    stances: {x: {position: 50, salience: 50}}
  - name: D
    bloc: EU
    capability: 1
    stances: {x: {position: 20, salience: 50}}
"""
BLOCS = {"A": "EU", "B": "Russia and allies", "C": None, "D": "EU"}


def blocs_of(scenario: Scenario) -> dict[str, str | None]:
    return {actor.name: actor.bloc for actor in scenario.actors}


def test_yaml_keeps_the_bloc_and_an_actor_without_one():
    scenario = parse_native(BLOCS_YAML, "blocs.yaml")
    assert blocs_of(scenario) == BLOCS
    text = dump_native(scenario)
    assert "bloc: EU" in text and text.count("bloc:") == 3
    assert blocs_of(parse_native(text, "again.yaml")) == BLOCS
    assert parse_native(text, "again.yaml") == scenario


def test_json_keeps_the_bloc(tmp_path):
    scenario = parse_native(BLOCS_YAML, "blocs.yaml")
    path = tmp_path / "blocs.json"
    path.write_text(json.dumps(scenario_to_dict(scenario)), encoding="utf-8")
    assert load_scenario(path) == scenario
    assert blocs_of(load_scenario(path)) == BLOCS


def test_xlsx_keeps_the_bloc_in_its_own_column(tmp_path):
    scenario = parse_native(BLOCS_YAML, "blocs.yaml")
    path = tmp_path / "blocs.xlsx"
    write_xlsx(scenario, path)
    rows = list(load_workbook(path)["Actors"].iter_rows(values_only=True))
    column = rows[0].index("bloc")
    assert [row[column] for row in rows[1:]] == ["EU", "Russia and allies", None, "EU"]
    assert read_xlsx(path) == scenario


def test_a_workbook_without_a_bloc_column_reads_as_before(tmp_path):
    scenario = parse_native(BLOCS_YAML.replace("    bloc: EU\n", "").replace("    bloc: Russia and allies\n", ""),
                            "plain.yaml")
    path = tmp_path / "plain.xlsx"
    write_xlsx(scenario, path)
    workbook = load_workbook(path)
    actors = workbook["Actors"]
    actors.delete_cols(list(next(actors.iter_rows(values_only=True))).index("bloc") + 1)
    workbook.save(path)
    assert blocs_of(read_xlsx(path)) == dict.fromkeys("ABCD")


def test_the_schema_describes_the_bloc_as_an_optional_name():
    bloc = Scenario.model_json_schema()["$defs"]["Actor"]["properties"]["bloc"]
    assert {"type": "string", "minLength": 1} in [{k: v for k, v in option.items()} for option in bloc["anyOf"]]
    assert {"type": "null"} in bloc["anyOf"]
    assert "colour" in bloc["description"]
    assert "bloc" not in Scenario.model_json_schema()["$defs"]["Actor"].get("required", [])


@pytest.mark.parametrize("bloc", [5, "", "   ", ["EU"], True])
@pytest.mark.parametrize("json_types", [False, True])
def test_a_bloc_that_is_not_a_name_gets_one_clean_message(bloc, json_types):
    data = json.loads(json.dumps(scenario_to_dict(parse_native(BLOCS_YAML, "blocs.yaml"))))
    data["actors"][1]["bloc"] = bloc
    with pytest.raises(ScenarioError) as raised:
        load_scenario_dict(data, json_types=json_types)
    [problem] = raised.value.problems
    assert (problem.actor, problem.field) == ("B", "bloc")
    assert problem.message.startswith("a bloc is a short name written as text, such as 'EU'")
    assert "Value error" not in str(problem) and "validation" not in str(problem)


def test_a_bloc_with_an_invisible_character_is_refused_like_a_name():
    with pytest.raises(ScenarioError) as raised:
        parse_native(BLOCS_YAML.replace("bloc: EU\n", "bloc: \"E\\u200bU\"\n", 1), "blocs.yaml")
    [problem] = raised.value.problems
    assert (problem.actor, problem.field) == ("A", "bloc")
    assert "invisible formatting character (U+200B" in problem.message


def test_validate_names_the_file_line_actor_and_field_of_a_bad_bloc(cli, tmp_path):
    path = tmp_path / "blocs.yaml"
    path.write_text(BLOCS_YAML.replace("bloc: Russia and allies", "bloc: 7"), encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{path}, row 9, actor 'B', field 'bloc': a bloc is a short name written as text" in result.output
    path.write_text(BLOCS_YAML, encoding="utf-8")
    assert cli("validate", str(path)).exit_code == 0


def test_the_flagship_groups_its_actors_into_blocs_and_says_why():
    scenario = load_scenario("ukraine-2025-03")
    blocs = blocs_of(scenario)
    assert blocs["Ukraine"] == blocs["UK"] == blocs["France"] == blocs["Germany"] == blocs["EU"]
    assert blocs["Russia"] == blocs["NorthKorea"] != blocs["Ukraine"]
    assert blocs["USA"] not in (blocs["Russia"], blocs["Ukraine"], None)
    assert blocs["Hungary"] is None
    assert "judgement call" in scenario.description and "Hungary is in no bloc" in scenario.description
