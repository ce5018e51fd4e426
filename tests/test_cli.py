"""The command line as a user runs it: built-ins, formats, the JSON contract."""

from __future__ import annotations

import csv
import io
import json

import pytest

from realpolitik.io.native import dump_native, parse_native
from realpolitik.scenarios import builtin_names, load_builtin


def test_builtins_are_listed(cli):
    result = cli("scenarios")
    assert result.exit_code == 0
    for name in ("ukraine-2025-03", "emissions-1994"):
        assert name in result.stdout


def test_ukraine_scenario_is_complete_and_sourced():
    scenario = load_builtin("ukraine-2025-03")
    assert len(scenario.actors) >= 10
    assert [issue.name for issue in scenario.issues] == ["ceasefire", "territory", "security", "aid", "sanctions",
                                                         "zaporizhzhia"]
    for issue in scenario.issues:
        assert {0, 100} <= set(issue.anchors), issue.name
        if issue.status_quo is not None:
            assert issue.status_quo_rationale, issue.name
    for actor in scenario.actors:
        assert actor.capability_rationale, actor.name
        for name, override in actor.capability_by_issue.items():
            assert override.rationale, (actor.name, name)
        for name, stance in actor.stances.items():
            assert stance.position_rationale and stance.salience_rationale, (actor.name, name)


@pytest.mark.parametrize("name", builtin_names())
def test_builtins_write_back_losslessly(name, tmp_path, cli):
    scenario = load_builtin(name)
    assert parse_native(dump_native(scenario), "again") == scenario
    for suffix in ("yaml", "xlsx", "json"):
        target = tmp_path / f"{name}.{suffix}"
        assert cli("convert", name, str(target)).exit_code == 0
        from realpolitik.io import load_scenario

        assert load_scenario(target) == scenario


def test_all_models_table_shows_every_issue_model_and_anchor(cli):
    result = cli("forecast", "ukraine-2025-03", "--model", "all")
    assert result.exit_code == 0, result.output
    scenario = load_builtin("ukraine-2025-03")
    text = " ".join(result.stdout.split())
    for issue in scenario.issues:
        assert issue.label in text
    for model in ("compromise", "median", "nash", "eum", "smp", "exchange"):
        assert f"{model} " in text
    assert "25 limited moratoria (energy, Black Sea)" in text


def test_all_models_json_holds_one_result_per_model(cli):
    result = cli("forecast", "ukraine-2025-03", "--model", "all", "--format", "json")
    document = json.loads(result.stdout)
    assert [r["model"] for r in document["results"]] == ["compromise", "median", "nash", "eum", "smp", "exchange",
                                                         "veto"]
    for entry in document["results"]:
        assert {"model", "options", "issues"} <= entry.keys()
        assert len(entry["issues"]) == 6
        for issue in entry["issues"]:
            assert {"issue", "forecast", "rounds"} <= issue.keys()
            first = issue["rounds"][0]
            assert {"round", "positions", "weighted_mean", "weighted_median", "moves"} <= first.keys()
    eum = document["results"][3]
    assert "risk_exponents" in eum["issues"][0]["rounds"][1]
    moves = [m for r in eum["issues"][0]["rounds"] for m in r["moves"]]
    assert moves and set(moves[0]) == {"actor", "kind", "with", "to"}


def test_static_model_json_matches_hand_arithmetic(cli, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,1,10,50\nB,2,40,80\nC,3,90,30\n")
    document = json.loads(cli("forecast", str(path), "--model", "compromise", "--format", "json").stdout)
    # (1*.5*10 + 2*.8*40 + 3*.3*90) / (.5 + 1.6 + .9) = 150 / 3 = 50
    assert document["issues"][0]["forecast"] == pytest.approx(50.0)
    assert document["issues"][0]["rounds"][0]["weighted_median"] == 40.0


def test_csv_output_has_a_row_per_actor_and_round(cli):
    result = cli("forecast", "emissions-1994", "--preset", "scholz2011", "--rounds", "3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 10 * 4
    assert {row["round"] for row in rows} == {"0", "1", "2", "3"}


def test_rounds_option_limits_the_run(cli):
    document = json.loads(cli("forecast", "emissions-1994", "--rounds", "2", "--format", "json").stdout)
    assert len(document["issues"][0]["rounds"]) == 3
    assert document["options"]["rounds"] == 2


def test_schema_is_json_schema(cli):
    schema = json.loads(cli("schema").stdout)
    assert schema["title"] == "Scenario"
    assert {"issues", "actors"} <= set(schema["required"])


def test_convert_refuses_unknown_target_without_writing(cli, tmp_path):
    target = tmp_path / "out.docx"
    result = cli("convert", "emissions-1994", str(target))
    assert result.exit_code == 2
    assert not target.exists()
