"""No silent guess: each input that used to be read wrongly without a word is now refused, or read right
with what was inferred stated (and printed by ``realpolitik validate``)."""

from __future__ import annotations

import re
import zipfile

import pytest

from realpolitik.io import load_scenario
from realpolitik.io.xlsx import write_xlsx
from realpolitik.scenario import ScenarioError
from realpolitik.scenarios import load_builtin


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(problem) for problem in caught.value.problems]


# Scholz CSV: the position scale.

def test_a_position_of_500_among_0_to_100_is_refused_not_a_wider_scale(tmp_path):
    path = write(tmp_path, "table.csv", "Actor,Capability,Position,Salience\nA,1,10,50\nB,2,500,80\nC,1,90,30\n")
    assert problems_of(path) == [
        f"{path}, row 3, actor 'B', issue 'table', field 'position': position 500 lies outside the scale 0..100; "
        "state the scale in the header if it is another, e.g. 'Position (0..500)'"]


def test_a_position_scale_stated_in_the_header_is_used(tmp_path):
    path = write(tmp_path, "table.csv",
                 "Actor,Capability,Position (0..500),Salience\nA,1,10,50\nB,2,500,80\nC,1,90,30\n")
    issue = load_scenario(path).issues[0]
    assert (issue.scale_min, issue.scale_max) == (0, 500)


def test_the_default_position_scale_is_stated(tmp_path):
    path = write(tmp_path, "table.csv", "Actor,Capability,Position,Salience\nA,1,10,50\nB,2,60,80\n")
    assert any("the issue's scale is 0..100 (the default)" in note for note in load_scenario(path).inferences)


# Scholz CSV: the salience scale.

def test_saliences_all_0_or_1_are_ambiguous_and_refused(tmp_path):
    path = write(tmp_path, "table.csv", "Actor,Capability,Position,Salience\nA,1,10,1\nB,2,60,0\nC,1,90,1\n")
    [message] = problems_of(path)
    assert message.startswith(f"{path}, row 1, field 'Salience': the salience scale is ambiguous: every salience "
                              "is 0 or 1")
    assert "say which in the header: 'Salience (0..1)' or 'Salience (0..100)'" in message


@pytest.mark.parametrize(("header", "expected"), [("Salience (0..100)", [1.0, 0.0, 1.0]),
                                                  ("Salience (0..1)", [100.0, 0.0, 100.0])])
def test_a_salience_scale_stated_in_the_header_settles_it(tmp_path, header, expected):
    path = write(tmp_path, "table.csv", f"Actor,Capability,Position,{header}\nA,1,10,1\nB,2,60,0\nC,1,90,1\n")
    scenario = load_scenario(path)
    assert [actor.stances["table"].salience for actor in scenario.actors] == expected
    assert not any("salience" in note for note in scenario.inferences)


def test_saliences_of_0_5_and_1_4_are_refused_not_read_as_0_to_100(tmp_path):
    path = write(tmp_path, "table.csv", "Actor,Capability,Position,Salience\nA,1,10,0.5\nB,2,60,1.4\n")
    [message] = problems_of(path)
    assert "the largest salience is 1.4: above 1, so not 0..1, yet too small to be plainly 0..100" in message


def test_fractional_saliences_are_read_as_0_to_1_and_validate_says_so(tmp_path, cli):
    path = write(tmp_path, "table.csv", "Actor,Capability,Position,Salience\nA,1,10,0.8\nB,2,60,0.4\n")
    assert [actor.stances["table"].salience for actor in load_scenario(path).actors] == [80.0, 40.0]
    result = cli("validate", str(path))
    assert result.exit_code == 0
    assert "inferred: saliences read as 0..1 and multiplied by 100" in result.stdout


def test_a_malformed_scale_in_a_header_is_named(tmp_path):
    path = write(tmp_path, "table.csv", "Actor,Capability,Position (0-500),Salience\nA,1,10,50\n")
    assert problems_of(path) == [f"{path}, row 1: header 'Position (0-500)': write a scale as 'NAME (LOW..HIGH)', "
                                 "e.g. 'Position (0..500)'"]


# Workbooks.

def _with_stale_dimensions(path) -> None:
    """Rewrite every sheet's stored extent to A1:B2, as some spreadsheet tools leave it."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    stale = {name: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
             if name.startswith("xl/worksheets/") else data for name, data in members.items()}
    assert stale != members
    with zipfile.ZipFile(path, "w") as target:
        for name, data in stale.items():
            target.writestr(name, data)


def test_a_workbook_is_read_whole_whatever_its_stored_dimension(tmp_path):
    original = load_builtin("ukraine-2025-03")
    path = tmp_path / "table.xlsx"
    write_xlsx(original, path)
    _with_stale_dimensions(path)
    read = load_scenario(path)
    assert [actor.name for actor in read.actors] == [actor.name for actor in original.actors]
    assert read.actors[-1].stances == original.actors[-1].stances


def _workbook_with(tmp_path, sheet: str, replace: tuple[str, str]):
    """The ukraine workbook with one cell's text of ``sheet`` replaced."""
    from openpyxl import load_workbook

    path = tmp_path / "table.xlsx"
    write_xlsx(load_builtin("ukraine-2025-03"), path)
    workbook = load_workbook(path)
    for row in workbook[sheet].iter_rows():
        for cell in row:
            if cell.value == replace[0]:
                cell.value = replace[1]
    workbook.save(path)
    return path


def test_a_header_typo_in_the_scale_columns_is_an_error(tmp_path):
    path = _workbook_with(tmp_path, "Issues", ("scale_max", "scale_mx"))
    assert problems_of(path) == [f"{path}, sheet 'Issues', row 1, field 'scale_mx': unknown column 'scale_mx' in "
                                 "the header (did you mean 'scale_max'?)"]


def test_a_typo_in_a_scenario_field_is_an_error(tmp_path):
    path = _workbook_with(tmp_path, "Scenario", ("description", "descripton"))
    [message] = problems_of(path)
    assert "sheet 'Scenario'" in message
    assert "unknown field 'descripton' (did you mean 'description'?)" in message


# YAML.

NORDIC = """name: nordics
issues:
  - {name: fish, anchors: {0: no, 100: yes}}
actors:
  - name: NO
    capability: 10
    stances: {fish: {position: 20, salience: 50}}
  - name: "SE"
    capability: 10
    stances: {fish: {position: 60, salience: on}}
"""


def test_yaml_yes_no_on_off_are_text_not_booleans_and_validate_says_so(tmp_path, cli):
    path = write(tmp_path, "nordics.yaml", NORDIC.replace("salience: on", "salience: 40"))
    scenario = load_scenario(path)
    assert [actor.name for actor in scenario.actors] == ["NO", "SE"]
    assert scenario.issues[0].anchors == {0.0: "no", 100.0: "yes"}
    result = cli("validate", str(path))
    assert result.exit_code == 0
    assert "inferred: line 5: 'NO' read as text, not as a yes/no value (YAML 1.2); quote it" in result.stdout
    assert "line 3: 'no' read as text" in result.stdout


def test_a_yes_no_word_where_a_number_belongs_is_refused(tmp_path):
    path = write(tmp_path, "nordics.yaml", NORDIC)
    messages = problems_of(path)
    assert messages and all("row 10, actor 'SE', issue 'fish', field 'salience'" in message and "'on'" in message
                            for message in messages)


# decide-exchange-model files.

DECIDE = ("'#A'\t'A'\t'A'\n'#A'\t'B'\t'B'\n'#P'\t'x'\t'x'\n'#M'\t'x'\t0\n'#M'\t'x'\t100\n"
          "'#D'\t'A'\t'x'\t10\tSALIENCE_A\t1\n'#D'\t'B'\t'x'\t60\tSALIENCE_B\t1\n")


def test_decide_saliences_on_the_formats_0_to_1_are_read_and_said(tmp_path):
    path = write(tmp_path, "table.txt", DECIDE.replace("SALIENCE_A", "1").replace("SALIENCE_B", "0"))
    scenario = load_scenario(path)
    assert [actor.stances["x"].salience for actor in scenario.actors] == [100.0, 0.0]
    assert "saliences read on 0..1, the format's scale, and multiplied by 100" in scenario.inferences


def test_decide_saliences_between_1_and_10_are_refused_as_ambiguous(tmp_path):
    path = write(tmp_path, "table.txt", DECIDE.replace("SALIENCE_A", "0.5").replace("SALIENCE_B", "1.4"))
    [message] = problems_of(path)
    assert "the largest salience is 1.4" in message and "write them on 0..1, as decide-exchange-model does" in message
