"""Native YAML, Scholz CSV and XLSX: reading, lossless writing, located problems."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.io import load_scenario
from realpolitik.io.native import dump_native, parse_native
from realpolitik.io.xlsx import read_xlsx, write_xlsx
from realpolitik.scenario import ScenarioError
from tests.conftest import shared_file

RICH_YAML = """\
name: demo
title: A demo
date: '2025-03-18'
sources: [one report]
issues:
  - name: x
    title: Issue X
    scale_min: -10
    scale_max: 10
    anchors: {-10: far left, 0: centre, 10: far right}
    status_quo: 2.5
    status_quo_rationale: today
  - name: y
actors:
  - name: A
    title: Actor A
    capability: 30
    capability_rationale: big
    capability_by_issue:
      y: {value: 5, rationale: weak on y}
    stances:
      x: {position: -3.25, salience: 40, position_rationale: said so, salience_rationale: cares}
      y: {position: 70, salience: 10}
  - name: B
    capability: 1
    stances:
      x: {position: 8, salience: 100}
"""


def test_yaml_round_trip_is_lossless():
    scenario = parse_native(RICH_YAML, "demo.yaml")
    again = parse_native(dump_native(scenario), "again.yaml")
    assert again == scenario
    assert dump_native(again) == dump_native(scenario)
    assert again.actor("A").capability_on("y") == 5
    assert again.issue("x").anchors[-10.0] == "far left"


def test_xlsx_round_trip_is_lossless(tmp_path):
    scenario = parse_native(RICH_YAML, "demo.yaml")
    path = tmp_path / "demo.xlsx"
    write_xlsx(scenario, path)
    assert read_xlsx(path) == scenario
    assert load_scenario(path) == scenario


def test_issue_arrays_skip_actors_without_a_stance():
    scenario = parse_native(RICH_YAML, "demo.yaml")
    arrays = scenario.issue_arrays("x")
    assert arrays.actors == ["A", "B"]
    np.testing.assert_allclose(arrays.salience, [0.4, 1.0])
    np.testing.assert_allclose(arrays.capability, [30, 1])
    only_a = scenario.issue_arrays("y")
    assert only_a.actors == ["A"]
    np.testing.assert_allclose(only_a.capability, [5])
    with pytest.raises(ScenarioError, match="demo.yaml, row 13, issue 'y': no actor takes a position on this issue"):
        parse_native(RICH_YAML.replace("      y: {position: 70, salience: 10}\n", ""), "demo.yaml")


def test_duplicate_yaml_keys_are_refused():
    text = RICH_YAML.replace("      x: {position: 8, salience: 100}\n",
                             "      x: {position: 8, salience: 100}\n      x: {position: 9, salience: 100}\n")
    with pytest.raises(ScenarioError, match="demo.yaml, row 28: key 'x' appears twice"):
        parse_native(text, "demo.yaml")


def test_scholz_csv_reads_fractions_as_percent():
    scenario = load_scenario(shared_file("scholz2011", "emissions.csv"))
    assert len(scenario.actors) == 10
    assert scenario.actor("Denmark").stances["emissions"].salience == pytest.approx(100.0)
    assert scenario.actor("UK").capability == pytest.approx(0.16)


def test_xlsx_problems_name_sheet_and_row(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.create_sheet("Issues").append(["name"])
    workbook["Issues"].append(["x"])
    actors = workbook.create_sheet("Actors")
    actors.append(["name", "capability"])
    actors.append(["A", 1])
    actors.append(["B", "lots"])
    stances = workbook.create_sheet("Stances")
    stances.append(["actor", "issue", "position", "salience"])
    stances.append(["A", "x", 10, 50])
    stances.append(["C", "x", 10, 50])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    with pytest.raises(ScenarioError) as caught:
        read_xlsx(path)
    assert str(caught.value) == (f"{path}, sheet 'Actors', row 3, field 'capability': 'lots' is not a number\n"
                                 f"{path}, sheet 'Stances', row 3, actor 'C', issue 'x', field 'actor': "
                                 "names an actor missing from sheet 'Actors'")  # every problem at once
    actors["B3"] = 2
    workbook.save(path)
    with pytest.raises(ScenarioError) as caught:
        read_xlsx(path)
    assert str(caught.value) == (f"{path}, sheet 'Stances', row 3, actor 'C', issue 'x', field 'actor': "
                                 "names an actor missing from sheet 'Actors'")
    stances["A3"] = "B"
    stances["D3"] = 140
    workbook.save(path)
    with pytest.raises(ScenarioError) as caught:
        read_xlsx(path)
    assert str(caught.value) == (f"{path}, sheet 'Stances', row 3, actor 'B', issue 'x', field 'salience': "
                                 "salience 140 is outside 0..100")


def test_written_files_get_ordinary_permissions(tmp_path):
    import os

    from realpolitik.io.files import write_atomically

    umask = os.umask(0o022)
    try:
        target = tmp_path / "out.yaml"
        write_atomically(target, b"x")
        assert target.stat().st_mode & 0o777 == 0o644
        assert target.read_bytes() == b"x"
    finally:
        os.umask(umask)
