"""KTAB CSV and XML readers: the shared example files and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik.io.ktab import read_ktab_csv, read_ktab_xml, read_ktab_xml_run
from realpolitik.models.smp import SMPOptions
from realpolitik.scenario import Scenario, ScenarioError

KTAB_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ktab"
needs_data = pytest.mark.skipif(not KTAB_DATA.is_dir(), reason="shared/data/ktab is not present")

GOOD_CSV = (
    "Test scenario,A small KTAB table,3,2,\n"
    "Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,\n"
    "A,First actor,100,10,40,20,30,\n"
    "B,Second actor,50.5,60,20,80,25,\n"
    "C,Third actor,25,90,50,30,10,\n"
)

GOOD_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Tiny</name>
  <desc>Three actors</desc>
  <prngSeed>42</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Square</VictoryProbModel>
    <PCEModel>MarkovUniform</PCEModel>
    <StateTransitions>Deterministic</StateTransitions>
    <VotingRule>Cubic</VotingRule>
    <BigRAdjust>Half</BigRAdjust>
    <BigRRange>Max</BigRRange>
    <ThirdPartyCommit>NoCommit</ThirdPartyCommit>
    <InterVecBrgn>S1P1</InterVecBrgn>
    <BargnModel>PWCompInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>One</dName><dName>Two</dName></Dimensions>
  <Actors>
    <Actor><name>A</name><description>a</description><capability>10</capability>
      <Position><dCoord>10</dCoord><dCoord>20</dCoord></Position>
      <Salience><dSal>30</dSal><dSal>40</dSal></Salience></Actor>
    <Actor><name>B</name><description>b</description><capability>20</capability>
      <Position><dCoord>50</dCoord><dCoord>60</dCoord></Position>
      <Salience><dSal>10</dSal><dSal>20</dSal></Salience></Actor>
    <Actor><name>C</name><description>c</description><capability>30</capability>
      <Position><dCoord>90</dCoord><dCoord>0</dCoord></Position>
      <Salience><dSal>50</dSal><dSal>50</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment>
    <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>A</referencePos><adjust>0.8</adjust></iaPair>
    <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos><adjust>0.1</adjust></iaPair>
  </IdealAdjustment>
</Scenario>
"""


def write(tmp_path: Path, text: str | bytes, name: str = "scenario.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(reader, path: Path):
    with pytest.raises(ScenarioError) as caught:
        reader(path)
    problems = caught.value.problems
    assert problems and all(p.file == str(path) for p in problems)
    return problems


# --------------------------------------------------------------------------- good files


def test_reads_a_ktab_csv(tmp_path):
    scenario = read_ktab_csv(write(tmp_path, GOOD_CSV))
    assert scenario.name == "Test scenario" and scenario.description == "A small KTAB table"
    assert [i.name for i in scenario.issues] == ["Pstn1", "Pstn2"]
    assert all((i.scale_min, i.scale_max) == (0, 100) for i in scenario.issues)
    b = scenario.actor("B")
    assert b.title == "Second actor" and b.capability == 50.5
    assert b.stances["Pstn2"].position == 80 and b.stances["Pstn2"].salience == 25  # stays on 0..100


def test_reads_quoted_and_padded_cells(tmp_path):
    text = GOOD_CSV.replace("Test scenario,A small KTAB table", '"Test, scenario" ,  "A table"').replace(
        "A,First actor,100", "  A ,  First actor ,  100 ")
    scenario = read_ktab_csv(write(tmp_path, text))
    assert scenario.name == "Test, scenario" and scenario.actors[0].name == "A"


@needs_data
@pytest.mark.parametrize(
    "name, actors, dimensions",
    [
        ("dummyData_3Dim.csv", 7, 3),
        ("SOE-Pol-Comp.csv", 13, 2),
        ("SOE-Policy.csv", 26, 1),
        ("SOE-Competitive.csv", 34, 1),
        ("dummyData_6Dim.csv", 27, 6),
        ("dummyData-a040.csv", 40, 1),
        ("dummyData-a080.csv", 80, 1),
        ("dummyData-a160.csv", 160, 1),
    ],
)
def test_reads_the_shared_ktab_tables(name, actors, dimensions):
    scenario = read_ktab_csv(KTAB_DATA / name)
    assert (len(scenario.actors), len(scenario.issues)) == (actors, dimensions)


@needs_data
def test_reads_the_shared_csv_values():
    scenario = read_ktab_csv(KTAB_DATA / "SOE-Pol-Comp.csv")
    xi = scenario.actor("XJ")
    assert xi.title == "Xi Jinping" and xi.capability == 100.0
    assert xi.stances["Policy Position"].position == 30 and xi.stances["Competitive Position"].salience == 48.0


@needs_data
def test_reads_the_shared_xml_with_its_run():
    run = read_ktab_xml_run(KTAB_DATA / "smpExample.xml")
    scenario = run.scenario
    assert scenario.name == "DummyData_3Dim"
    assert [a.name for a in scenario.actors] == ["Alice", "Bob", "Carol", "David", "Ellie"]
    assert [i.name for i in scenario.issues] == ["FirstDim", "SecondDim", "YADN"]
    assert scenario.actor("Carol").stances["SecondDim"].position == 86.5
    assert scenario.actor("Ellie").stances["FirstDim"].salience == 39.7
    assert run.seed == 3507583219545544127
    assert run.options == SMPOptions(pce_model="MarkovIncentive", state_transitions="Stochastic",
                                     voting_rule="PropCbc")
    expected = np.eye(5)
    expected[0, 0], expected[1, 1], expected[1, 0] = 0.87, 0.75, 0.07
    expected[2, 2], expected[2, 3], expected[3, 3] = 0.65, 0.13, 0.57
    np.testing.assert_allclose(run.accommodation, expected)
    assert read_ktab_xml(KTAB_DATA / "smpExample.xml") == scenario


def test_reads_xml_parameters_and_accommodation(tmp_path):
    run = read_ktab_xml_run(write(tmp_path, GOOD_XML, "tiny.xml"))
    assert run.options.ktab_codes() == (1, 2, 0, 4, 2, 2, 0, 0, 2)
    assert run.seed == 42
    np.testing.assert_allclose(run.accommodation[0], [0.8, 0.1, 0.0])
    assert run.scenario.actor("C").stances["Two"].salience == 50


def test_xml_without_optional_parts(tmp_path):
    text = GOOD_XML.split("<ModelParameters>")[0] + GOOD_XML.split("</ModelParameters>")[1]
    text = text.split("<IdealAdjustment>")[0] + "</Scenario>\n"
    run = read_ktab_xml_run(write(tmp_path, text, "tiny.xml"))
    assert run.options is None and run.accommodation is None


# --------------------------------------------------------------------------- bad CSV


def test_missing_file(tmp_path):
    (problem,) = problems_of(read_ktab_csv, tmp_path / "absent.csv")
    assert "not found" in problem.message
    (problem,) = problems_of(read_ktab_xml, tmp_path / "absent.xml")
    assert "not found" in problem.message


def test_non_utf8_bytes(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("Second actor", "Zweit\u00e9").encode("latin-1"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert "UTF-8" in problem.message and problem.row == 4


def test_too_few_actors(tmp_path):
    text = "One,Lonely,1,1,\nActor,Description,Power,P,S,\nA,a,10,50,50,\n"
    (problem,) = problems_of(read_ktab_csv, write(tmp_path, text))
    assert "at least 2 actors" in problem.message and problem.row == 1 and problem.field == "number of actors"


def test_salience_over_100(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("60,20,80,25", "60,140,80,25"))
    problems = problems_of(read_ktab_csv, path)
    problem = next(p for p in problems if "outside 0..100" in p.message)
    assert (problem.row, problem.actor, problem.issue, problem.field) == (4, "B", "Pstn1", "salience")


def test_salience_total_over_100(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("90,50,30,10", "90,60,30,50"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert "add up to 110" in problem.message
    assert (problem.row, problem.actor, problem.field) == (5, "C", "salience")


def test_non_numeric_cells(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("A,First actor,100,10,40", "A,First actor,lots,ten,40").replace(
        "80,25,", "80,nan,"))
    problems = problems_of(read_ktab_csv, path)
    located = {(p.row, p.actor, p.issue, p.field) for p in problems}
    assert located == {(3, "A", None, "capability"), (3, "A", "Pstn1", "position"), (4, "B", "Pstn2", "salience")}
    assert any("'lots'" in p.message for p in problems)


def test_wrong_column_count(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("B,Second actor,50.5,60,20,80,25,", "B,Second actor,50.5,60,20,80,"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert "expected 7 columns" in problem.message
    assert (problem.row, problem.actor, problem.field) == (4, "B", "columns")


def test_wrong_header_column_count(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("Pstn2,Sal2,", "Pstn2,"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert problem.row == 2 and problem.field == "columns"


def test_declared_and_actual_actor_counts_differ(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("Test scenario,A small KTAB table,3,2", "Test scenario,A small,4,2"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert "declares 4 actors but the file has 3" in problem.message and problem.row == 1


@pytest.mark.parametrize("first_line, field", [("X,Y,three,2,", "number of actors"), ("X,Y,3,0,", "number of dimensions"),
                                                ("X,Y,3", "header")])
def test_bad_first_line(tmp_path, first_line, field):
    path = write(tmp_path, first_line + "\n" + GOOD_CSV.split("\n", 1)[1])
    problems = problems_of(read_ktab_csv, path)
    assert problems[0].row == 1 and problems[0].field == field


def test_empty_file_and_duplicates(tmp_path):
    (problem,) = problems_of(read_ktab_csv, write(tmp_path, ""))
    assert "empty" in problem.message
    path = write(tmp_path, GOOD_CSV.replace("C,Third actor", "A,Third actor"))
    problems = problems_of(read_ktab_csv, path)
    assert any(p.message == "duplicate actor name" and p.row == 5 and p.actor == "A" for p in problems)


def test_negative_capability_and_position_out_of_range(tmp_path):
    path = write(tmp_path, GOOD_CSV.replace("C,Third actor,25,90", "C,Third actor,-25,90"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert (problem.row, problem.actor, problem.field) == (5, "C", "capability")
    path = write(tmp_path, GOOD_CSV.replace("C,Third actor,25,90", "C,Third actor,25,190"))
    (problem,) = problems_of(read_ktab_csv, path)
    assert (problem.row, problem.actor, problem.issue, problem.field) == (5, "C", "Pstn1", "position")


# --------------------------------------------------------------------------- bad XML


def test_malformed_xml(tmp_path):
    (problem,) = problems_of(read_ktab_xml, write(tmp_path, GOOD_XML.replace("</Actors>", "</Actor>"), "bad.xml"))
    assert "not well-formed" in problem.message and problem.row is not None


def test_xml_with_one_actor(tmp_path):
    start, end = GOOD_XML.index("<Actor><name>B"), GOOD_XML.index("</Actors>")
    text = GOOD_XML[:start] + GOOD_XML[end:]
    text = text.split("<IdealAdjustment>")[0] + "</Scenario>"
    (problem,) = problems_of(read_ktab_xml, write(tmp_path, text, "one.xml"))
    assert "at least 2 actors" in problem.message and problem.field == "Actors"


def test_xml_value_problems(tmp_path):
    text = (GOOD_XML.replace("<capability>20</capability>", "<capability>much</capability>")
            .replace("<dCoord>90</dCoord><dCoord>0</dCoord>", "<dCoord>90</dCoord>")
            .replace("<dSal>10</dSal><dSal>20</dSal>", "<dSal>10</dSal><dSal>120</dSal>")
            .replace("<VotingRule>Cubic</VotingRule>", "<VotingRule>Plurality</VotingRule>")
            .replace("<referencePos>B</referencePos>", "<referencePos>Zed</referencePos>"))
    problems = problems_of(read_ktab_xml, write(tmp_path, text, "bad.xml"))
    located = {(p.actor, p.field) for p in problems}
    assert ("B", "capability") in located
    assert ("C", "position") in located
    assert (None, "ModelParameters") in located
    assert ("Zed", "referencePos") in located
    assert all(p.row is not None for p in problems)
    assert any("Plurality" in p.message for p in problems)


def test_xml_salience_over_100_after_the_structure_is_sound(tmp_path):
    text = GOOD_XML.replace("<dSal>10</dSal><dSal>20</dSal>", "<dSal>10</dSal><dSal>120</dSal>")
    problems = problems_of(read_ktab_xml, write(tmp_path, text, "bad.xml"))
    problem = next(p for p in problems if "outside 0..100" in p.message)
    assert (problem.actor, problem.issue, problem.field) == ("B", "Two", "salience") and problem.row is not None


def test_xml_accommodation_rows_may_not_exceed_one(tmp_path):
    text = GOOD_XML.replace("<adjust>0.1</adjust>", "<adjust>0.3</adjust>")
    (problem,) = problems_of(read_ktab_xml, write(tmp_path, text, "bad.xml"))
    assert problem.actor == "A" and "more than 1" in problem.message


def test_xml_root_and_encoding(tmp_path):
    (problem,) = problems_of(read_ktab_xml, write(tmp_path, "<Other/>", "other.xml"))
    assert "<Scenario>" in problem.message
    path = write(tmp_path, GOOD_XML.replace("Three actors", "Tr\u00e8s").encode("utf-16"), "wide.xml")
    (problem,) = problems_of(read_ktab_xml, path)
    assert "UTF-8" in problem.message


# --------------------------------------------------------------------------- never a traceback


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("0123456789,.-+ \n\"abcAB\u00e9e%")), max_size=300))
def test_arbitrary_csv_gives_a_scenario_or_a_scenario_error(tmp_path, text):
    path = write(tmp_path, text, "fuzz.csv")
    try:
        assert isinstance(read_ktab_csv(path), Scenario)
    except ScenarioError as error:
        assert error.problems


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(GOOD_XML) - 1), st.integers(1, 40))
def test_damaged_xml_gives_a_scenario_or_a_scenario_error(tmp_path, cut, length):
    path = write(tmp_path, GOOD_XML[:cut] + GOOD_XML[cut + length:], "fuzz.xml")
    try:
        read_ktab_xml_run(path)
    except ScenarioError as error:
        assert error.problems
