"""Every problem at once: type errors and range errors of one table are reported together."""

from __future__ import annotations

import pytest

from realpolitik.scenario import ScenarioError, load_scenario_dict


def test_validate_reports_a_word_in_one_row_and_a_salience_of_140_in_another(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,1,10,50\nB,2,abc,80\nC,1,90,140\n")
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "2 problem(s) found" in result.stderr
    assert f"{path}, row 3, actor 'B', field 'Position': 'abc' is not a number" in result.stderr
    assert f"{path}, row 4, actor 'C', issue 'table', field 'salience': salience 140 is outside 0..100" in result.stderr


TABLE = {
    "name": "t",
    "issues": [{"name": "x"}, {"name": "y", "scale_min": 0, "scale_max": 10}],
    "actors": [
        {"name": "A", "capability": 1, "stances": {"x": {"position": "abc", "salience": 10},
                                                   "y": {"position": 50, "salience": 10}}},
        {"name": "B", "capability": "lots", "stances": {"x": {"position": 5, "salience": 140}}},
        {"name": "C", "capability": -2, "stances": {"x": {"position": 5, "salience": 10}}},
        {"name": "C", "capability": 1, "stances": {"x": {"position": 5, "salience": 10}}},
    ],
}


@pytest.mark.parametrize("json_types", [False, True])
def test_the_data_the_api_and_editor_send_gets_every_problem(json_types):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_dict(TABLE, json_types=json_types)
    found = {(problem.actor, problem.issue, problem.field) for problem in caught.value.problems}
    assert {("A", "x", "position"), ("B", None, "capability")} <= found  # type errors
    messages = [str(problem) for problem in caught.value.problems]
    for expected in ("actor 'A', issue 'y', field 'position': position 50 lies outside the scale 0..10",
                     "actor 'B', issue 'x', field 'salience': salience 140 is outside 0..100",
                     "actor 'C', field 'capability': capability -2 is negative",
                     "actor 'C', field 'name': duplicate actor name"):
        assert expected in messages


def test_a_part_left_out_for_its_type_error_causes_no_problem_of_its_own():
    table = {"name": "t", "issues": [{"name": "x", "scale_max": "big"}],
             "actors": [{"name": "A", "capability": 1, "stances": {"x": {"position": 5, "salience": 10}}}]}
    with pytest.raises(ScenarioError) as caught:
        load_scenario_dict(table)
    assert {problem.field for problem in caught.value.problems} == {"scale_max"}


def test_json_data_with_anchors_gets_its_range_problems_too():
    table = {"name": "t", "issues": [{"name": "x", "anchors": {"0": "none", "100": "all"}}],
             "actors": [{"name": "A", "capability": 1, "stances": {"x": {"position": "abc", "salience": 10}}},
                        {"name": "B", "capability": 1, "stances": {"x": {"position": 5, "salience": 140}}}]}
    with pytest.raises(ScenarioError) as caught:
        load_scenario_dict(table, json_types=True)
    assert "actor 'B', issue 'x', field 'salience': salience 140 is outside 0..100" in \
        [str(problem) for problem in caught.value.problems]


def test_a_workbook_reports_a_word_in_one_row_and_a_salience_of_140_in_another(cli, tmp_path):
    from openpyxl import load_workbook

    from realpolitik.io.xlsx import write_xlsx
    from realpolitik.scenarios import load_builtin

    path = tmp_path / "table.xlsx"
    write_xlsx(load_builtin("emissions-1994"), path)
    workbook = load_workbook(path)
    stances = workbook["Stances"]
    salience = [cell.value for cell in stances[1]].index("salience") + 1
    stances.cell(row=2, column=salience, value="abc")
    stances.cell(row=4, column=salience, value=140)
    workbook.save(path)
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "2 problem(s) found" in result.stderr
    assert f"{path}, sheet 'Stances', row 2, field 'salience': 'abc' is not a number" in result.stderr
    assert "sheet 'Stances', row 4" in result.stderr and "salience 140 is outside 0..100" in result.stderr
