"""The decide-exchange-model input format: the peer's sample files and every kind of bad row."""

from __future__ import annotations

from pathlib import Path

import pytest

from realpolitik.io.decide import read_decide
from realpolitik.scenario import ScenarioError

DECIDE_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "decide"

GOOD = """'#A'\t'North'\t'North'\t''
'#A'\t'South'\t'South Alliance'\t'a comment'
'#P'\t'tax'\t'tax'\t'Tax rate'
'#M'\t'tax'\t0
'#M'\t'tax'\t50\t'half'
'#M'\t'tax'\t100
'#P'\t'toll'\t'toll'\t''
'#M'\t'toll'\t0.5
'#M'\t'toll'\t7
'#D'\t'North'\t'tax'\t20.0\t0.8\t0.5
'#D'\t'North'\t'toll'\t3.0\t0.4\t0.5
'#D'\t'South'\t'tax'\t80.0\t0.6\t0.3
'#D'\t'South'\t'toll'\t6.5\t0.9\t0.7
"""


def shared(name: str) -> Path:
    path = DECIDE_DATA / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not available")
    return path


def write(tmp_path: Path, text: str | bytes, name: str = "input.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path):
    with pytest.raises(ScenarioError) as caught:
        read_decide(path)
    return caught.value.problems


@pytest.mark.parametrize("name, actors, issues", [("cop21.csv", 15, 13), ("copenhagen.csv", 11, 7),
                                                  ("sample_data.txt", 10, 6)])
def test_reads_the_peers_sample_files(name, actors, issues):
    path = shared(name)
    scenario = read_decide(path)
    assert (len(scenario.actors), len(scenario.issues)) == (actors, issues)
    stance_rows = sum(line.startswith("'#D'") for line in path.read_text().splitlines())
    assert sum(len(actor.stances) for actor in scenario.actors) == stance_rows


def test_sample_data_values():
    scenario = read_decide(shared("sample_data.txt"))
    toll = scenario.issue("tol-hoogte")
    assert (toll.scale_min, toll.scale_max) == (0.5, 7.0)
    assert scenario.issue("wanneer-tol").description == "Wat is dit voor onzin?"
    willems = scenario.actor("Willems")
    assert willems.stances["tol-hoogte"].position == 3.0
    assert willems.stances["tol-hoogte"].salience == pytest.approx(70.0)  # 0.7 on 0..1
    assert willems.capability == 1.0 and not willems.capability_by_issue
    assert scenario.actor("GL").capability == 0.6


def test_the_loader_recognises_the_format():
    from realpolitik.io import load_scenario

    path = shared("cop21.csv")
    assert load_scenario(path) == read_decide(path)


def test_small_file_with_per_issue_power_and_anchors(tmp_path):
    scenario = read_decide(write(tmp_path, GOOD))
    tax = scenario.issue("tax")
    assert (tax.scale_min, tax.scale_max, tax.anchors, tax.description) == (0.0, 100.0, {50.0: "half"}, "Tax rate")
    assert scenario.issue("toll").scale_min == 0.5
    south = scenario.actor("South")
    assert south.title == "South Alliance"
    # powers 0.3 and 0.7: equally common, the first seen becomes the capability
    assert south.capability == 0.3
    assert south.capability_on("toll") == 0.7
    assert south.stances["toll"].salience == pytest.approx(90.0)
    assert scenario.actor("North").capability_by_issue == {}


def test_saliences_on_0_to_100_are_kept(tmp_path):
    text = GOOD.replace("\t0.8\t0.5", "\t80\t0.5").replace("\t0.4\t0.5", "\t40\t0.5")
    scenario = read_decide(write(tmp_path, text))
    assert scenario.actor("North").stances["tax"].salience == 80.0
    assert scenario.actor("South").stances["tax"].salience == 0.6  # read as 0..100 too


def test_semicolons_and_double_quotes_are_accepted(tmp_path):
    text = GOOD.replace("\t", ";").replace("'", '"')
    semicolons, tabs = read_decide(write(tmp_path, text)), read_decide(write(tmp_path, GOOD, "tabs.csv"))
    assert (semicolons.issues, semicolons.actors) == (tabs.issues, tabs.actors)


@pytest.mark.parametrize("change, row, actor, issue, field, words", [
    (("'#P'\t'toll'", "'#Q'\t'toll'"), 7, None, None, "record type", "unknown record type '#Q'"),
    (("'#D'\t'South'\t'tax'", "'#D'\t'West'\t'tax'"), 12, "West", "tax", "actor", "without an '#A' line"),
    (("'#D'\t'South'\t'tax'", "'#D'\t'South'\t'vat'"), 12, "South", "vat", "issue", "without a '#P' line"),
    (("\t80.0\t0.6", "\teighty\t0.6"), 12, "South", "tax", "position", "'eighty' is not a number"),
    (("\t0.6\t0.3", "\tnan\t0.3"), 12, "South", "tax", "salience", "not a finite number"),
    (("\t0.9\t0.7", "\t0.9\t-1"), 13, "South", "toll", "power", "power -1 is negative"),
    (("'#M'\t'toll'\t7\n", ""), 7, None, "toll", "scale", "needs two '#M' lines"),
    (("\t6.5\t0.9", "\t9.5\t0.9"), 13, "South", "toll", "position", "outside the scale 0.5..7"),
    (("'#A'\t'South'", "'#A'\t'North'"), 2, "North", None, "actor", "duplicate actor (first on row 1)"),
    (("'#D'\t'North'\t'toll'", "'#D'\t'North'\t'tax'"), 11, "North", "tax", "stance", "duplicate stance"),
    (("\t3.0\t0.4\t0.5", "\t3.0\t0.4"), 11, "North", "toll", "stance", "it has 4 cells"),
    (("'#M'\t'toll'\t0.5", "'#M'\t'tol'\t0.5"), 8, None, "tol", "issue", "without a '#P' line"),
])
def test_bad_rows_are_located(tmp_path, change, row, actor, issue, field, words):
    old, new = change
    assert old in GOOD
    problems = problems_of(write(tmp_path, GOOD.replace(old, new, 1)))
    matching = [p for p in problems if words in p.message]
    assert matching, [str(p) for p in problems]
    found = matching[0]
    assert (found.file, found.row, found.actor, found.issue, found.field) == (
        str(tmp_path / "input.csv"), row, actor, issue, field)
    assert "input.csv" in str(found) and f"row {row}" in str(found)


def test_a_line_that_cannot_be_split(tmp_path):
    huge = "'#A'\t'" + "x" * 200_000 + "'\t''\n"
    problems = problems_of(write(tmp_path, GOOD + huge))
    assert [(p.row, p.field) for p in problems if "cannot be split" in p.message] == [(14, "record type")]


def test_salience_above_100_is_refused(tmp_path):
    text = GOOD.replace("\t0.8\t0.5", "\t180\t0.5")
    (found,) = problems_of(write(tmp_path, text))
    assert (found.row, found.actor, found.issue, found.field) == (10, "North", "tax", "salience")


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD.replace("'#P'\t'toll'", "'#X'\t'toll'").replace("\t80.0\t", "\tabc\t")
    problems = problems_of(write(tmp_path, text))
    assert {p.field for p in problems} >= {"record type", "position"}


def test_non_utf8_bytes(tmp_path):
    data = GOOD.encode("utf-8").replace(b"South Alliance", b"S\xf6uth")
    (found,) = problems_of(write(tmp_path, data))
    assert found.row == 2 and "not UTF-8" in found.message


@pytest.mark.parametrize("text, words", [("", "has no actors"), ("\n\n", "has no actors"),
                                         ("'#A'\t'North'\t'North'\n", "has no issues")])
def test_empty_files(tmp_path, text, words):
    problems = problems_of(write(tmp_path, text))
    assert any(words in p.message for p in problems)


def test_missing_file(tmp_path):
    (found,) = problems_of(tmp_path / "absent.csv")
    assert "cannot be read" in found.message
