"""Names are one visible spelling; numbers are ASCII decimal or scientific notation.

Every case is refused with a message naming the actor (or issue) and field, through
the validator every reader shares, and from the command line with exit code 2.
"""

from __future__ import annotations

import pytest

from realpolitik.numbers import ascii_float
from realpolitik.scenario import ScenarioError, load_scenario_dict


def table(names: list[str], position: object = 30, issue: str = "ceasefire") -> dict:
    return {"name": "s", "issues": [{"name": issue}],
            "actors": [{"name": name, "capability": 1, "stances": {issue: {"position": position, "salience": 50}}}
                       for name in names]}


def problems(data: dict) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_dict(data)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("names, expected", [
    (["USA", "USA\u200b"], "actor 'USA\\u200b', field 'name': contains an invisible formatting character (U+200B"),
    (["USA", "\u200b\u200c"], "invisible formatting character (U+200B ZERO WIDTH SPACE) at character 1"),
    (["USA", "\u202e\u2066"], "RIGHT-TO-LEFT OVERRIDE"),
    (["USA", "Rus\nsia"], "actor 'Rus\\u000asia', field 'name': contains a control character (U+000A)"),
    (["USA", "Russia\x00"], "contains a control character (U+0000) at character 7"),
    (["USA", "   "], "a name must have visible characters"),
    (["USA", "ＵＳＡ"], "actor 'ＵＳＡ', field 'name': looks like the actor 'USA'"),
    (["USA", "usa"], "looks like the actor 'USA'"),
    (["Ukraine", "Ukr\u0430ine"], "looks like the actor 'Ukraine'"),  # Cyrillic a
])
def test_invisible_control_and_lookalike_names_are_refused(names, expected):
    found = problems(table(names))
    assert any(expected in problem for problem in found), found


def test_names_are_normalised_to_nfc_so_two_spellings_are_one_name():
    decomposed, composed = "Gene\u0300ve", "Genève"
    scenario = load_scenario_dict(table([decomposed, "Bern"], issue="Genève"))
    assert scenario.actors[0].name == composed
    # the stance key, written decomposed, still names the issue written composed
    data = table(["A", "B"], issue=composed)
    data["actors"][0]["stances"] = {"Gene\u0300ve": {"position": 1, "salience": 1}}
    assert load_scenario_dict(data).actors[0].stances[composed].position == 1
    assert any("duplicate actor name" in p for p in problems(table([decomposed, composed])))


def test_free_text_may_break_lines_but_not_hide_or_reorder():
    data = table(["A", "B"])
    data["description"] = "first line\nsecond line\twith a tab"
    load_scenario_dict(data)
    data["actors"][0]["stances"]["ceasefire"]["position_rationale"] = "safe \u202egnp.exe"
    assert any("actor 'A', issue 'ceasefire', field 'position_rationale': contains a bidirectional control" in p
               for p in problems(data))


@pytest.mark.parametrize("text, expected", [
    ("1_000", "write numbers without digit separators (e.g. 1000)"),
    ("١٢", "write numbers with the digits 0-9"),
    ("۱۲ ± ۲", "write numbers with the digits 0-9"),
    ("0x1F", "is not a number"),
    ("1" * 5000, "a number of 5000 characters is longer than the 100 accepted"),
])
def test_numbers_only_in_ascii_notation(text, expected):
    found = problems(table(["A", "B"], position=text))
    assert any(f"actor 'A', issue 'ceasefire', field 'position': " in p and expected in p for p in found), found


def test_ascii_numbers_are_read():
    for text, value in (("12", 12.0), (" -0.5 ", -0.5), (".5", 0.5), ("2.5e-3", 0.0025), ("1E2", 100.0)):
        assert ascii_float(text) == value
    scenario = load_scenario_dict(table(["A", "B"], position="30 ± 10"))
    assert scenario.actors[0].stances["ceasefire"].position_sd == 10


def test_cli_refuses_a_zero_width_duplicate_with_exit_code_2(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("Actor,Capability,Position,Salience\nUSA,1,10,50\nUSA\u200b,2,60,80\n", encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "actor 'USA\\u200b', field 'name': contains an invisible formatting character" in result.stderr


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?cache=shared"])
def test_stores_that_keep_nothing_are_refused(cli, url):
    result = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--db", url)
    assert result.exit_code == 2
    assert "in-memory database that keeps nothing" in result.stderr
    assert "stored as run" not in result.stderr
