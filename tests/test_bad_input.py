"""Every bad input of architecture.md's "Clear errors" list: one precise message, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

GOOD_CSV = "Actor,Capability,Position,Salience\nA,1,10,50\nB,2,60,80\nC,1,90,30\n"


def run_validate_and_forecast(cli, path: Path):
    """Both commands must refuse the file in the same way; returns the validate result."""
    forecast = cli("forecast", str(path), "--model", "compromise")
    assert forecast.exit_code == 2
    assert "Traceback" not in forecast.output
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    return result


def test_good_file_passes(cli, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD_CSV)
    assert cli("validate", str(path)).exit_code == 0


def test_missing_column(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("Actor,Capability,Position\nA,1,10\nB,2,60\n")
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 1" in result.stderr
    assert "missing column(s) Salience" in result.stderr


def test_salience_of_140(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(GOOD_CSV.replace("B,2,60,80", "B,2,60,140"))
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 3, actor 'B', issue 'table', field 'salience': salience 140 is outside 0..100" in \
        result.stderr


def test_nan(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(GOOD_CSV.replace("C,1,90,30", "C,1,nan,30"))
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 4, actor 'C', field 'Position': nan is not a finite number" in result.stderr


def test_nan_in_yaml(cli, tmp_path):
    path = tmp_path / "table.yaml"
    path.write_text("name: t\nissues: [{name: x}]\nactors:\n  - name: A\n    capability: 1\n"
                    "    stances: {x: {position: .nan, salience: 10}}\n")
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 6, actor 'A', issue 'x', field 'position'" in result.stderr
    assert "finite number" in result.stderr


def test_duplicate_actor(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(GOOD_CSV + "B,3,20,10\n")
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 5, actor 'B', field 'Actor': duplicate actor (first on row 3)" in result.stderr


def test_duplicate_actor_in_yaml(cli, tmp_path):
    path = tmp_path / "table.yaml"
    path.write_text("name: t\nissues: [{name: x}]\nactors:\n"
                    "  - {name: A, capability: 1, stances: {x: {position: 1, salience: 10}}}\n"
                    "  - {name: A, capability: 2, stances: {x: {position: 5, salience: 10}}}\n")
    result = run_validate_and_forecast(cli, path)
    assert "actor 'A', field 'name': duplicate actor name" in result.stderr


def test_empty_issue(cli, tmp_path):
    path = tmp_path / "table.yaml"
    path.write_text("name: t\nissues: [{name: x}, {name: y}]\nactors:\n"
                    "  - {name: A, capability: 1, stances: {x: {position: 1, salience: 10}}}\n")
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 2, issue 'y': no actor takes a position on this issue" in result.stderr


def test_non_utf8_file(cli, tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(GOOD_CSV.encode() + "D,1,5,5,Zürich\n".encode("latin-1"))
    result = run_validate_and_forecast(cli, path)
    assert f"{path}, row 5: is not UTF-8 text (byte 0xfc" in result.stderr


def test_a_million_actors(cli, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("w") as stream:
        stream.write("Actor,Capability,Position,Salience\n")
        stream.writelines(f"A{i},1,{i % 100},50\n" for i in range(10**6))
    result = run_validate_and_forecast(cli, path)
    assert "more than the 20000 actors this tool accepts" in result.stderr
    assert f"{path}, row 20002" in result.stderr


def test_every_problem_is_listed(cli, tmp_path):
    path = tmp_path / "table.yaml"
    path.write_text("name: t\nissues: [{name: x}]\nactors:\n"
                    "  - {name: A, capability: 1, stances: {x: {position: 1, salience: 140}}}\n"
                    "  - {name: B, capability: -2, stances: {x: {position: 500, salience: 10}, z: {position: 1, "
                    "salience: 1}}}\n")
    result = run_validate_and_forecast(cli, path)
    assert "4 problem(s) found" in result.stderr
    assert "row 5, actor 'B', field 'capability': capability -2 is negative" in result.stderr
    assert "row 4, actor 'A', issue 'x', field 'salience': salience 140 is outside 0..100" in result.stderr
    assert "row 5, actor 'B', issue 'x', field 'position': position 500 lies outside the scale 0..100" in \
        result.stderr
    assert "row 5, actor 'B', issue 'z', field 'stances': stance on an unknown issue" in result.stderr


def test_structural_problems_are_located(cli, tmp_path):
    path = tmp_path / "table.yaml"
    path.write_text("name: t\nissues: [{name: x}]\nactors:\n"
                    "  - {name: A, capability: lots, stances: {x: {position: 1, salience: 10}}}\n"
                    "  - {name: B, capability: 1, stances: {x: {position: 5}}}\n")
    result = run_validate_and_forecast(cli, path)
    assert "row 4, actor 'A', field 'capability': Input should be a valid number" in result.stderr
    assert "row 5, actor 'B', issue 'x', field 'salience': Field required" in result.stderr


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary junk\xff\xfe", b"name: [unclosed"])
def test_junk_yaml(cli, tmp_path, content):
    path = tmp_path / "junk.yaml"
    path.write_bytes(content)
    result = run_validate_and_forecast(cli, path)
    assert str(path) in result.stderr


def test_junk_xlsx(cli, tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run_validate_and_forecast(cli, path)
    assert f"{path}: cannot be opened (not an .xlsx workbook)" in result.stderr


def test_missing_file_and_unknown_builtin(cli, tmp_path):
    result = cli("forecast", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "no such file, and no built-in scenario of that name" in result.stderr


def test_unknown_preset(cli, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD_CSV)
    result = cli("forecast", str(path), "--model", "eum", "--preset", "nonesuch")
    assert result.exit_code == 2
    assert "model 'eum' has no preset 'nonesuch' (presets: scholz2011, bdm-pairwise)" in result.stderr


def test_negative_rounds(cli, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD_CSV)
    result = cli("forecast", str(path), "--rounds", "-3")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


VETO_YAML = ("name: t\nissues:\n  - {name: x, status_quo: 20, veto_players: [A, B], reversion: 30}\n"
             "  - {name: y, status_quo: 50}\nactors:\n"
             "  - {name: A, capability: 1, stances: {x: {position: 1, salience: 10}, y: {position: 5, salience: 10}}}\n"
             "  - {name: B, capability: 2, stances: {x: {position: 5, salience: 10}}}\n")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("veto_players: [A, B]", "veto_players: [A, Z]", "field 'veto_players': veto player 'Z' is not an actor"),
    ("{name: y, status_quo: 50}", "{name: y, status_quo: 50, veto_players: [B]}",
     "issue 'y', field 'veto_players': veto player 'B' takes no position on this issue"),
    ("reversion: 30", "reversion: 130", "field 'reversion': reversion point 130 lies outside the scale 0..100"),
    ("reversion: 30", "reversion: 30, agenda_setter: Z", "field 'agenda_setter': agenda setter 'Z' is not an actor"),
])
def test_veto_players_reversion_and_agenda_setter(cli, tmp_path, old, new, message):
    path = tmp_path / "table.yaml"
    path.write_text(VETO_YAML)
    assert cli("validate", str(path)).exit_code == 0
    path.write_text(VETO_YAML.replace(old, new))
    result = run_validate_and_forecast(cli, path)
    issue = "y" if "issue 'y'" in message else "x"
    row = 4 if issue == "y" else 3
    assert f"{path}, row {row}, issue '{issue}', " + message.removeprefix("issue 'y', ") in result.stderr
    assert "1 problem(s) found" in result.stderr
