"""The ledger in the run store: append-only, one resolution per question, migration, export and import.

Each test runs on SQLite and, where ``REALPOLITIK_TEST_POSTGRES`` names a PostgreSQL server
(an SQLAlchemy URL of a database the tests may create databases from), on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.questions import Question, distribution_to_dict
from realpolitik.store import (
    LedgerError,
    QuestionNotFound,
    StoreError,
    export_ledger,
    get_question,
    get_run,
    import_ledger,
    list_questions,
    list_runs,
    record_forecasts,
    resolve_question,
)
from realpolitik.store.database import transaction
from realpolitik.store.ledger import NewForecast
from tests.conftest import postgres_database

EVENT = Question("ceasefire>=75", "binary", "ceasefire", ">=", 75.0, 0.0, 100.0)
BY = dt.date(2026, 12, 31)
TODAY = dt.datetime.now(dt.timezone.utc).date()
BEFORE_LEDGER = Path(__file__).parent / "data" / "runs-before-ledger.sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh, empty run store on each database."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite")
    else:
        with postgres_database("ledger") as url:
            yield url


def forecast(model: str, probability: float, role: str = "model") -> NewForecast:
    return NewForecast(model, role, "by hand", probability, distribution_to_dict(MixedDistribution.point(80.0)),
                       "0" * 64, {"draws": 10}, 7, "0.test", None)


def test_a_newer_forecast_supersedes_and_both_stay(store):
    first = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2), forecast("compromise", 0.1, "baseline")],
                             store)
    second = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.3)], store)
    assert second.id == first.id
    assert [(item.model, item.probability, item.superseded) for item in second.forecasts] == [
        ("eum", 0.2, True), ("eum", 0.3, False), ("compromise", 0.1, False)]
    assert [item.probability for item in second.latest()] == [0.3, 0.1]
    assert [item.question.text for item in list_questions(store, status="open")] == ["ceasefire>=75"]


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_forecasts SET probability = 0.9",
    "DELETE FROM ledger_forecasts",
    "UPDATE ledger_questions SET by_date = '2030-01-01'",
    "DELETE FROM ledger_questions",
    "UPDATE ledger_resolutions SET resolved_on = '2030-01-01'",
    "DELETE FROM ledger_resolutions",
])
def test_the_database_refuses_to_change_or_remove_a_ledger_row(store, statement):
    question = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2)], store)
    resolve_question(question.id, "no", TODAY, db=store)
    with pytest.raises(StoreError, match="append-only"):
        with transaction(store) as session:
            session.execute(text(statement))
    after = get_question(question.id, store)
    assert after.forecasts[0].probability == 0.2 and after.resolution.happened is False


def test_a_question_is_resolved_once(store):
    question = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2)], store)
    resolved = resolve_question(question.id, "80", TODAY, "a report", store)
    assert (resolved.resolution.outcome, resolved.resolution.happened) == (80.0, True)
    with pytest.raises(LedgerError, match="already resolved"):
        resolve_question(question.id, "no", TODAY, db=store)
    with pytest.raises(StoreError):  # the key itself refuses a second row
        with transaction(store) as session:
            session.execute(text("INSERT INTO ledger_resolutions (question_id, recorded_at, happened, resolved_on) "
                                 "VALUES (:id, CURRENT_TIMESTAMP, false, '2026-01-01')"), {"id": question.id})
    with pytest.raises(LedgerError, match="already resolved"):
        record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.9)], store)
    assert get_question(question.id, store).resolution.outcome == 80.0


def test_a_resolution_before_the_question_was_recorded_is_refused(store):
    question = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2)], store)
    with pytest.raises(LedgerError, match="before it"):
        resolve_question(question.id, "yes", question.created_at.date() - dt.timedelta(days=1), db=store)
    with pytest.raises(LedgerError, match="in the future"):
        resolve_question(question.id, "yes", TODAY + dt.timedelta(days=2), db=store)
    with pytest.raises(QuestionNotFound, match="no question 99"):
        resolve_question(99, "yes", TODAY, db=store)
    assert get_question(question.id, store).resolution is None


def test_export_and_import_carry_a_track_record(store, tmp_path):
    question = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2)], store)
    resolve_question(question.id, "no", TODAY, "a report", store)
    document = export_ledger(store)
    target = str(tmp_path / "other.sqlite")
    assert import_ledger(document, target) == {"questions": 1, "forecasts": 1, "resolutions": 1}
    assert import_ledger(document, target) == {"questions": 0, "forecasts": 0, "resolutions": 0}
    assert export_ledger(target)["questions"][0] | {"id": 1} == document["questions"][0] | {"id": 1}


def test_an_import_that_contradicts_a_resolution_writes_nothing(store, tmp_path):
    question = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2)], store)
    resolve_question(question.id, "no", TODAY, db=store)
    document = export_ledger(store)
    document["questions"][0]["resolution"]["happened"] = True
    document["questions"][0]["forecasts"].append({**document["questions"][0]["forecasts"][0],
                                                  "created_at": "2026-11-30T00:00:00+00:00"})
    with pytest.raises(LedgerError, match="differently in the file; nothing imported"):
        import_ledger(document, store)
    assert len(get_question(question.id, store).forecasts) == 1


def test_a_store_made_before_the_ledger_opens_and_gains_it(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(BEFORE_LEDGER, path)
    [run] = list_runs(str(path))
    assert get_run(run.id, str(path)).kind == "forecast"
    question = record_forecasts("ukraine", EVENT, BY, [forecast("eum", 0.2)], str(path))
    resolve_question(question.id, "yes", TODAY, db=str(path))
    with sqlite3.connect(path) as connection:
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM ledger_forecasts")
    assert {"ledger_forecasts_no_update", "ledger_forecasts_no_delete", "ledger_resolutions_no_update"} <= triggers
