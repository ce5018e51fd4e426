"""Runs without a store: --no-store, and a warning (not a failure) when the store cannot be written."""

from __future__ import annotations

import importlib.util
import json

import pytest

COMMAND = ("forecast", "emissions-1994", "--model", "compromise", "--format", "json")


def test_no_store_prints_the_forecast_and_stores_nothing(cli, run_store):
    result = cli(*COMMAND, "--no-store")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["model"] == "compromise"
    assert "stored as run" not in result.stderr
    assert not run_store.exists()


def test_a_store_that_cannot_be_written_is_a_warning_not_a_failure(cli, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = cli(*COMMAND, "--db", str(folder))  # a folder is no SQLite file
    assert result.exit_code == 0
    assert json.loads(result.stdout)["model"] == "compromise"
    assert "warning: the run was not stored: " in result.stderr
    assert "sqlalche.me" not in result.stderr and "Background on this error" not in result.stderr


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is None, reason="psycopg (extra 'postgres') is not installed")
def test_a_server_that_does_not_answer_is_a_warning_without_the_password(cli):
    result = cli(*COMMAND, "--db", "postgresql://someone:secret@127.0.0.1:1/runs")
    assert result.exit_code == 0
    assert "warning: the run was not stored: cannot open the run store postgresql://someone:***@127.0.0.1:1/runs" \
        in result.stderr.replace("\n", " ")
    assert "secret" not in result.stderr
    assert "sqlalche.me" not in result.stderr


@pytest.mark.parametrize("command", [("simulate", "emissions-1994", "--draws", "20", "--format", "json"),
                                     ("levers", "emissions-1994", "--model", "compromise", "--format", "json")])
def test_simulate_and_levers_take_no_store_too(cli, run_store, command):
    result = cli(*command, "--no-store")
    assert result.exit_code == 0, result.output
    assert not run_store.exists()
