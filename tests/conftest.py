"""Shared fixtures: the reference data beside the repository, and the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_file(*parts: str) -> Path:
    """A file of the reference data; the test is skipped where the data is absent."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is not available")
    return path


@pytest.fixture(autouse=True)
def run_store(tmp_path, monkeypatch) -> Path:
    """Every test stores its runs in a fresh temporary database, never under the user's home."""
    path = tmp_path / "runs.sqlite"
    monkeypatch.setenv("REALPOLITIK_DB", str(path))
    return path


@pytest.fixture
def scholz_oracle() -> dict:
    return json.loads(shared_file("scholz2011", "oracle.json").read_text())


@pytest.fixture
def cli():
    """Run the CLI in-process; returns the result (exit_code, stdout, stderr)."""
    from realpolitik.cli import app

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke
