"""Shared fixtures: the reference data beside the repository, and the CLI runner."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
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


#: The environment variable naming the PostgreSQL server the store tests also run against
#: (``.ci/run`` starts a throwaway one with ``scripts/start-test-postgres.sh``).
POSTGRES_VARIABLE = "REALPOLITIK_TEST_POSTGRES"


@contextlib.contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A fresh, empty database on the server named by ``$REALPOLITIK_TEST_POSTGRES``, dropped afterwards.

    Without a server the test is skipped, with the reason; in CI (``CI=true``) it fails instead,
    so that a CI run cannot pass without having run the PostgreSQL variants.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get(POSTGRES_VARIABLE)
    if not base:
        reason = f"no PostgreSQL server named by ${POSTGRES_VARIABLE} (scripts/start-test-postgres.sh starts one)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must run the PostgreSQL tests")
        pytest.skip(reason)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        from realpolitik.store.database import _sessionmakers

        for url in [url for url in _sessionmakers if name in url]:
            _sessionmakers.pop(url).kw["bind"].dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, run_store, monkeypatch) -> Iterator[str]:
    """A test that asks for this runs twice: on a fresh SQLite store and on a fresh PostgreSQL
    database; either is also the default store (``$REALPOLITIK_DB``) during the test."""
    if request.param == "sqlite":
        yield str(run_store)
        return
    with postgres_database("store") as url:
        monkeypatch.setenv("REALPOLITIK_DB", url)
        yield url


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly whether the PostgreSQL variants of the store tests ran, and how they ended."""
    outcomes: dict[str, set[str]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if "[postgresql" in getattr(report, "nodeid", "") or "-postgresql" in getattr(report, "nodeid", ""):
                outcomes.setdefault(outcome, set()).add(report.nodeid)
    if not outcomes:
        return
    counts = ", ".join(f"{len(nodes)} {outcome}" for outcome, nodes in outcomes.items())
    server = os.environ.get(POSTGRES_VARIABLE)
    where = f"against {server}" if server else f"no server (${POSTGRES_VARIABLE} is not set)"
    terminalreporter.write_sep("=", f"PostgreSQL store tests: {counts}; {where}", bold=True,
                               red="failed" in outcomes or "error" in outcomes,
                               yellow="skipped" in outcomes and "passed" not in outcomes)
