"""The run store: recording, listing, diffing, exporting and running again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from realpolitik import __version__, load_scenario, load_scenario_dict
from realpolitik.comparison import forecasts_document, run_models
from realpolitik.store import (
    RunNotFound,
    database_url,
    default_database_url,
    diff_runs,
    export_run,
    get_run,
    list_runs,
    record_run,
    reproduction_differences,
    rerun_run,
)


def record_forecast(scenario, model="eum", preset=None, rounds=None) -> int:
    forecasts = run_models(scenario, model, preset, rounds)
    document = forecasts_document(forecasts, compared=model == "all")
    return record_run("forecast", scenario, {f.model: f.options for f in forecasts}, document, preset=preset)


def test_a_recorded_run_keeps_inputs_options_seed_version_and_result(store_url):
    scenario = load_scenario("emissions-1994")
    forecasts = run_models(scenario, "eum", "scholz2011", 5)
    run_id = record_run("forecast", scenario, {"eum": forecasts[0].options}, forecasts[0].to_dict(),
                        preset="scholz2011", parameters={"rounds": 5})
    stored = get_run(run_id)
    assert stored.kind == "forecast"
    assert load_scenario_dict(stored.scenario) == scenario
    assert stored.options == {"eum": forecasts[0].options.model_dump()}
    assert stored.options["eum"]["rounds"] == 5
    assert stored.parameters == {"rounds": 5}
    assert stored.seed is None
    assert stored.preset == "scholz2011"
    assert stored.package_version == __version__
    assert stored.result == forecasts[0].to_dict()


def test_runs_are_listed_newest_first_and_filtered(store_url):
    ukraine, emissions = load_scenario("ukraine-2025-03"), load_scenario("emissions-1994")
    first = record_forecast(emissions, "median")
    second = record_forecast(ukraine, "median")
    simulated = record_run("simulate", ukraine, {"median": {}}, {"draws": []}, seed=7)
    assert [run.id for run in list_runs()] == [simulated, second, first]
    assert [run.id for run in list_runs(kind="forecast")] == [second, first]
    assert [run.id for run in list_runs(scenario="emissions-1994")] == [first]
    assert [run.id for run in list_runs(limit=1)] == [simulated]
    assert get_run(simulated).seed == 7


def test_a_missing_run_is_reported(store_url):
    with pytest.raises(RunNotFound, match="no run 42"):
        get_run(42)


def test_rerunning_a_stored_run_reproduces_its_numbers(store_url):
    run_id = record_forecast(load_scenario("ukraine-2025-03"), "all", "scholz2011", 7)
    stored = get_run(run_id)
    assert rerun_run(stored) == stored.result
    assert reproduction_differences(stored) == []


def test_a_tampered_result_does_not_reproduce(run_store, cli):
    run_id = record_forecast(load_scenario("emissions-1994"))
    document = get_run(run_id).result
    document["issues"][0]["forecast"] += 1.0
    with sqlite3.connect(run_store) as connection:
        connection.execute("UPDATE runs SET result = ? WHERE id = ?", (json.dumps(document), run_id))
    differences = reproduction_differences(get_run(run_id))
    assert [change["field"] for change in differences] == ["issues[emissions].forecast"]
    result = cli("runs", "rerun", str(run_id))
    assert result.exit_code == 1
    assert "did not reproduce" in result.stdout


def test_a_run_killed_while_writing_leaves_no_record(run_store):
    record_forecast(load_scenario("emissions-1994"))
    script = textwrap.dedent("""
        import os, signal
        from sqlalchemy import event
        from sqlalchemy.orm import Session
        from realpolitik import load_scenario, run
        from realpolitik.store import record_run

        def die(session):
            os.kill(os.getpid(), signal.SIGKILL)

        event.listen(Session, "before_commit", die)
        scenario = load_scenario("emissions-1994")
        forecast = run(scenario, "eum")
        record_run("forecast", scenario, {"eum": forecast.options}, forecast.to_dict())
    """)
    process = subprocess.run([sys.executable, "-c", script], env={**os.environ, "REALPOLITIK_DB": str(run_store)},
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert [run.id for run in list_runs()] == [1]
    with sqlite3.connect(run_store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_diff_names_the_changed_input_and_the_forecasts_it_moved(store_url):
    scenario = load_scenario("ukraine-2025-03")
    changed = scenario.model_copy(deep=True)
    changed.actor("Russia").stances["ceasefire"].salience = 10
    first, second = record_forecast(scenario, "compromise"), record_forecast(changed, "compromise", rounds=3)
    difference = diff_runs(get_run(first), get_run(second))
    assert difference["inputs"] == [{"field": "actors[Russia].stances.ceasefire.salience", "a": 85, "b": 10}]
    assert difference["options"] == []
    by_issue = {row["issue"]: row for row in difference["forecasts"]}
    assert set(by_issue) == {issue.name for issue in scenario.issues}
    assert by_issue["ceasefire"]["change"] == pytest.approx(by_issue["ceasefire"]["b"] - by_issue["ceasefire"]["a"])
    assert by_issue["ceasefire"]["change"] > 1
    assert by_issue["territory"]["change"] == 0


def test_export_holds_provenance_inputs_and_result(store_url):
    scenario = load_scenario("emissions-1994")
    run_id = record_forecast(scenario, "nash")
    document = export_run(get_run(run_id))
    assert document["id"] == run_id
    assert load_scenario_dict(document["scenario_data"]) == scenario
    assert document["result"]["model"] == "nash"
    assert document["package_version"] == __version__
    json.dumps(document, allow_nan=False)


def test_database_location(monkeypatch, tmp_path):
    monkeypatch.delenv("REALPOLITIK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'data' / 'realpolitik' / 'runs.sqlite'}"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / '.local' / 'share' / 'realpolitik' / 'runs.sqlite'}"
    assert database_url("postgresql+psycopg://analyst@db/realpolitik") == "postgresql+psycopg://analyst@db/realpolitik"
    assert database_url(str(tmp_path / "mine.sqlite")) == f"sqlite:///{tmp_path / 'mine.sqlite'}"
