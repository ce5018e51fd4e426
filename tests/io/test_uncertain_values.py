"""Values with a standard deviation: ``position: 30 ± 10`` in YAML, sd columns in workbooks."""

from __future__ import annotations

import re

import pytest

from realpolitik.io.native import dump_native, parse_native
from realpolitik.io.xlsx import read_xlsx, write_xlsx
from realpolitik.scenario import Scenario, ScenarioError

YAML = """\
name: t
uncertainty: {salience_sd: 3}
issues: [{name: x, scale_min: -10, scale_max: 10}]
actors:
  - name: A
    capability: 50 ± 5.5
    capability_by_issue: {x: {value: 20 +/- 2}}
    stances: {x: {position: -3.25 +- 0.125, salience: 80 ± 1e-7}}
  - name: B
    capability: 3
    stances: {x: {position: 1, salience: 2}}
"""


@pytest.mark.parametrize("written", ["30 ± 10", "30 +- 10", "30 +/- 10", " 30±10 ", "3e1 ± 1e1"])
def test_every_spelling_reads_as_value_and_sd(written):
    scenario = parse_native(f"name: t\nissues: [{{name: x}}]\nactors:\n  - name: A\n    capability: 1\n"
                            f"    stances: {{x: {{position: '{written}', salience: 10}}}}\n", "t.yaml")
    stance = scenario.actor("A").stances["x"]
    assert (stance.position, stance.position_sd, stance.salience, stance.salience_sd) == (30.0, 10.0, 10.0, None)


def test_capabilities_and_overrides_carry_sd():
    scenario = parse_native(YAML, "t.yaml")
    actor = scenario.actor("A")
    assert (actor.capability, actor.capability_sd) == (50.0, 5.5)
    assert (actor.capability_by_issue["x"].value, actor.capability_by_issue["x"].capability_sd) == (20.0, 2.0)
    assert (actor.stances["x"].position, actor.stances["x"].position_sd) == (-3.25, 0.125)
    assert actor.stances["x"].salience_sd == 1e-7
    assert scenario.uncertainty.salience_sd == 3.0
    assert scenario.uncertainty.position_sd_percent_of_scale == 5.0  # the documented default


def test_yaml_is_written_back_in_the_same_form_losslessly():
    scenario = parse_native(YAML, "t.yaml")
    text = dump_native(scenario)
    assert "position: -3.25 ± 0.125" in text
    assert "capability: 50 ± 5.5" in text
    assert "value: 20 ± 2" in text
    assert "salience: 80 ± 1e-07" in text
    assert parse_native(text, "again.yaml") == scenario


def test_workbook_round_trip_keeps_sd_and_noise_model(tmp_path):
    scenario = parse_native(YAML, "t.yaml")
    path = tmp_path / "t.xlsx"
    write_xlsx(scenario, path)
    assert read_xlsx(path) == scenario


@pytest.mark.parametrize(("written", "message"), [
    ("30 ± x", "field 'position': Input should be a valid number, unable to parse string as a number"),
    ("30 ± -3", "field 'position_sd': Input should be greater than or equal to 0"),
])
def test_malformed_values_are_located(written, message):
    with pytest.raises(ScenarioError) as caught:
        parse_native(f"name: t\nissues: [{{name: x}}]\nactors:\n  - name: A\n    capability: 1\n"
                     f"    stances: {{x: {{position: '{written}', salience: 10}}}}\n", "t.yaml")
    assert f"t.yaml, row 6, actor 'A', issue 'x', {message}" in str(caught.value)


def test_sd_given_twice_is_refused():
    with pytest.raises(ScenarioError, match="position is written '30 ± 3' and position_sd is given as well"):
        parse_native("name: t\nissues: [{name: x}]\nactors:\n  - name: A\n    capability: 1\n"
                     "    stances: {x: {position: 30 ± 3, position_sd: 2, salience: 10}}\n", "t.yaml")


def test_json_schema_admits_the_written_form():
    schema = Scenario.model_json_schema()
    position = schema["$defs"]["Stance"]["properties"]["position"]
    pattern = next(option["pattern"] for option in position["anyOf"] if option.get("type") == "string")
    assert re.match(pattern, "30 ± 10") and re.match(pattern, "-1.5e2 +- 3")
    assert not re.match(pattern, "30 ± ten")
    assert "uncertainty" in schema["properties"]
