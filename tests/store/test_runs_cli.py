"""``realpolitik runs ...`` and the storing of ``realpolitik forecast`` runs."""

from __future__ import annotations

import json


def test_forecast_is_stored_and_shown_as_printed(cli, store_url):
    printed = cli("forecast", "emissions-1994", "--model", "all", "--format", "json")
    assert printed.exit_code == 0, printed.output
    assert "stored as run 1" in printed.stderr
    shown = cli("runs", "show", "1")
    assert shown.exit_code == 0
    document = json.loads(shown.stdout)
    assert document["result"] == json.loads(printed.stdout)
    assert document["kind"] == "forecast"
    assert document["seed"] is None
    assert set(document["options"]) == {item["model"] for item in document["result"]["results"]}
    assert document["scenario_data"]["name"] == "emissions-1994"


def test_list_diff_export_and_rerun(cli, tmp_path, store_url):
    assert cli("forecast", "ukraine-2025-03", "--model", "median").exit_code == 0
    assert cli("forecast", "ukraine-2025-03", "--model", "median", "--rounds", "3").exit_code == 0
    listing = json.loads(cli("runs", "list", "--format", "json").stdout)
    assert [run["id"] for run in listing] == [2, 1]
    assert "ukraine-2025-03" in cli("runs", "list").stdout
    diff = cli("runs", "diff", "1", "2")
    assert diff.exit_code == 0
    assert "same inputs, options and parameters" in diff.stdout
    assert "ceasefire" in diff.stdout
    target = tmp_path / "run.json"
    assert cli("runs", "export", "2", "--output", str(target)).exit_code == 0
    assert json.loads(target.read_text())["id"] == 2
    rerun = cli("runs", "rerun", "1")
    assert rerun.exit_code == 0
    assert "reproduced" in rerun.stdout


def test_bad_requests_get_one_message_and_exit_code_2(cli, tmp_path):
    missing = cli("runs", "show", "7")
    assert missing.exit_code == 2
    assert "error: no run 7 in the run store" in missing.stderr
    bad_store = cli("runs", "list", "--db", "nosuchdialect://x")
    assert bad_store.exit_code == 2
    assert "cannot open the run store nosuchdialect://x" in bad_store.stderr
    assert cli("forecast", "emissions-1994", "--db", "nosuchdialect://x").exit_code == 2
    export = cli("runs", "export", "1", "--output", str(tmp_path / "no" / "run.json"))
    assert export.exit_code == 2
    assert "Traceback" not in missing.output + bad_store.output + export.output


def test_forecast_writes_to_the_store_named_by_db(cli, tmp_path):
    store = tmp_path / "elsewhere.sqlite"
    assert cli("forecast", "emissions-1994", "--db", str(store)).exit_code == 0
    assert json.loads(cli("runs", "list", "--db", str(store), "--format", "json").stdout)[0]["id"] == 1
    assert json.loads(cli("runs", "list", "--format", "json").stdout) == []


def test_a_stored_backtest_runs_again_to_the_same_scores(cli):
    from tests.conftest import shared_file

    data = shared_file("deu3", "deu3.tsv")
    result = cli("backtest", "deu3", "--data", str(data), "--models", "compromise,median", "--format", "json")
    assert result.exit_code == 0, result.output
    stored = json.loads(cli("runs", "show", "1").stdout)
    assert stored["kind"] == "backtest" and stored["parameters"]["data"] == str(data)
    rerun = cli("runs", "rerun", "1")
    assert rerun.exit_code == 0, rerun.output
    assert "reproduced" in rerun.stdout


def test_stored_simulations_and_lever_sweeps_run_again_to_the_same_numbers(cli):
    assert cli("simulate", "emissions-1994", "--draws", "50", "--seed", "7", "--threshold", "emissions>=7",
               "--format", "json").exit_code == 0
    assert cli("levers", "emissions-1994", "--model", "compromise", "--shock", "Germany.salience=20",
               "--format", "json").exit_code == 0
    simulation, sweep = (json.loads(cli("runs", "show", str(run_id)).stdout) for run_id in (1, 2))
    assert (simulation["kind"], simulation["seed"], simulation["parameters"]["draws"]) == ("simulate", 7, 50)
    assert sweep["kind"] == "levers" and sweep["parameters"]["shocks"] == ["Germany.salience=20"]
    for run_id in (1, 2):
        rerun = cli("runs", "rerun", str(run_id))
        assert rerun.exit_code == 0, rerun.output
        assert "reproduced" in rerun.stdout
