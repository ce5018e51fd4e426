"""Veto players, reversion point and agenda setter: carried by every format, checked on reading."""

from __future__ import annotations

import json

import numpy as np
import pytest

from realpolitik.io import load_scenario
from realpolitik.io.native import dump_native, parse_native, scenario_to_dict
from realpolitik.io.xlsx import read_xlsx, write_xlsx
from realpolitik.scenario import Scenario, ScenarioError

PROCEDURE_YAML = """\
name: procedure
issues:
  - name: truce
    scale_min: 0
    scale_max: 100
    status_quo: 20
    veto_players: [Kyiv, Moscow]
    veto_players_rationale: both armies must stop firing
    reversion: 10
    reversion_rationale: fighting resumes
    agenda_setter: Washington
    agenda_setter_rationale: drafts the text
  - name: aid
    status_quo: 50
    veto_players: [Washington]
actors:
  - name: Moscow
    capability: 3
    stances:
      truce: {position: 15, salience: 90}
  - name: Kyiv
    capability: 2
    stances:
      truce: {position: 80, salience: 90}
      aid: {position: 90, salience: 90}
  - name: Washington
    capability: 5
    stances:
      truce: {position: 60, salience: 60}
      aid: {position: 30, salience: 60}
"""


def test_fields_and_helpers():
    scenario = parse_native(PROCEDURE_YAML, "procedure.yaml")
    truce, aid = scenario.issue("truce"), scenario.issue("aid")
    assert truce.veto_players == ["Kyiv", "Moscow"]
    assert truce.reversion_point == 10  # declared
    assert aid.reversion_point == 50  # the status quo by default
    arrays = scenario.issue_arrays("truce")
    assert arrays.actors == ["Moscow", "Kyiv", "Washington"]
    np.testing.assert_array_equal(arrays.veto_player_indices, [1, 0])
    assert arrays.agenda_setter_index == 2
    aid_arrays = scenario.issue_arrays("aid")
    np.testing.assert_array_equal(aid_arrays.veto_player_indices, [1])
    assert aid_arrays.agenda_setter_index is None


def test_an_issue_without_them_has_none():
    scenario = parse_native(PROCEDURE_YAML.replace("    veto_players: [Washington]\n", ""), "p.yaml")
    arrays = scenario.issue_arrays("aid")
    assert arrays.veto_player_indices.shape == (0,)
    assert "veto_players" not in scenario_to_dict(scenario)["issues"][1]


def test_yaml_round_trip():
    scenario = parse_native(PROCEDURE_YAML, "procedure.yaml")
    text = dump_native(scenario)
    assert "  veto_players:\n  - Kyiv\n  - Moscow\n" in text
    assert parse_native(text, "again.yaml") == scenario


def test_json_round_trip(tmp_path):
    scenario = parse_native(PROCEDURE_YAML, "procedure.yaml")
    path = tmp_path / "procedure.json"
    path.write_text(json.dumps(scenario_to_dict(scenario)))
    again = load_scenario(path)
    assert again == scenario
    assert again.issue("truce").agenda_setter_rationale == "drafts the text"


def test_xlsx_round_trip(tmp_path):
    scenario = parse_native(PROCEDURE_YAML, "procedure.yaml")
    path = tmp_path / "procedure.xlsx"
    write_xlsx(scenario, path)
    assert read_xlsx(path).model_copy(update={"name": "procedure"}) == scenario


def test_xlsx_reads_names_separated_by_semicolons(tmp_path):
    from openpyxl import load_workbook

    scenario = parse_native(PROCEDURE_YAML, "procedure.yaml")
    path = tmp_path / "procedure.xlsx"
    write_xlsx(scenario, path)
    workbook = load_workbook(path)
    sheet = workbook["Issues"]
    column = [cell.value for cell in sheet[1]].index("veto_players") + 1
    sheet.cell(row=2, column=column, value=" Moscow ; Kyiv;")
    workbook.save(path)
    assert read_xlsx(path).issue("truce").veto_players == ["Moscow", "Kyiv"]


def test_the_json_schema_describes_them():
    properties = Scenario.model_json_schema()["$defs"]["Issue"]["properties"]
    assert properties["veto_players"]["type"] == "array"
    assert properties["veto_players"]["items"] == {"type": "string"}
    for name in ("reversion", "reversion_rationale", "agenda_setter", "agenda_setter_rationale",
                 "veto_players_rationale"):
        assert name in properties


@pytest.mark.parametrize(("edit", "message"), [
    ("veto_players: [Kyiv, Moscow]", None),
    ("veto_players: [Kyiv, Minsk]",
     "procedure.yaml, row 3, issue 'truce', field 'veto_players': veto player 'Minsk' is not an actor of the scenario"),
    ("veto_players: [Kyiv, Kyiv]",
     "procedure.yaml, row 3, issue 'truce', field 'veto_players': veto player 'Kyiv' is named twice"),
    ("reversion: 10", None),
    ("reversion: 140",
     "procedure.yaml, row 3, issue 'truce', field 'reversion': reversion point 140 lies outside the scale 0..100"),
    ("agenda_setter: Washington", None),
    ("agenda_setter: Brussels",
     "procedure.yaml, row 3, issue 'truce', field 'agenda_setter': agenda setter 'Brussels' is not an actor of the "
     "scenario"),
])
def test_problems_are_located(edit, message):
    field = edit.split(":")[0]
    original = next(line.strip() for line in PROCEDURE_YAML.splitlines() if line.strip().startswith(field + ":"))
    text = PROCEDURE_YAML.replace(original, edit, 1)
    if message is None:
        parse_native(text, "procedure.yaml")
        return
    with pytest.raises(ScenarioError) as error:
        parse_native(text, "procedure.yaml")
    assert str(error.value) == message


def test_a_veto_player_must_take_part_in_the_issue():
    text = PROCEDURE_YAML.replace("veto_players: [Washington]", "veto_players: [Moscow]")
    with pytest.raises(ScenarioError) as error:
        parse_native(text, "procedure.yaml")
    assert str(error.value) == ("procedure.yaml, row 13, issue 'aid', field 'veto_players': veto player 'Moscow' "
                                "takes no position on this issue")


def test_veto_players_need_a_reversion_point():
    text = PROCEDURE_YAML.replace("    status_quo: 50\n", "")
    with pytest.raises(ScenarioError) as error:
        parse_native(text, "procedure.yaml")
    assert "issue 'aid', field 'reversion': veto players or an agenda setter are declared, but neither" in \
        str(error.value)


def test_the_web_api_carries_and_checks_them(run_store):
    from fastapi.testclient import TestClient

    from realpolitik.web import create_app

    data = scenario_to_dict(parse_native(PROCEDURE_YAML, "procedure.yaml"))
    with TestClient(create_app(str(run_store))) as client:
        issue_schema = client.get("/api/openapi.json").json()["components"]["schemas"]["Issue"]["properties"]
        assert {"veto_players", "reversion", "agenda_setter"} <= set(issue_schema)
        assert client.post("/api/scenarios/validate", json={"scenario": data}).json() == {"valid": True,
                                                                                          "problems": []}
        exported = client.post("/api/scenarios/yaml", json={"scenario": data})
        assert parse_native(exported.text, "export.yaml") == parse_native(PROCEDURE_YAML, "procedure.yaml")
        data["issues"][0]["veto_players"] = ["Kyiv", "Minsk"]
        problems = client.post("/api/scenarios/validate", json={"scenario": data}).json()["problems"]
        assert [(p["issue"], p["field"], p["message"]) for p in problems] == [
            ("truce", "veto_players", "veto player 'Minsk' is not an actor of the scenario")]


def test_the_example_workbook_is_the_flagship():
    from pathlib import Path

    from realpolitik.scenarios import load_builtin

    workbook = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ukraine-2025-03.xlsx"
    flagship = load_builtin("ukraine-2025-03")
    assert read_xlsx(workbook) == flagship
    assert all(issue.veto_players for issue in flagship.issues)
