"""The ledger's tables: questions, the forecasts recorded on them, and their resolutions.

The ledger is append-only, and the database itself enforces it: triggers refuse any
UPDATE or DELETE of a ledger row (SQLite and PostgreSQL), and a question's resolution
is keyed by the question, so a second one cannot be inserted. Stores made before the
ledger existed gain these tables and triggers when they are next opened
(:func:`realpolitik.store.database.transaction` creates missing tables; the triggers
come with their table).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import DDL

from realpolitik.store.tables import Base

#: The message of the database when a ledger row would be changed or removed.
APPEND_ONLY = "the ledger is append-only: recorded rows are never changed or removed"


class LedgerQuestionRow(Base):
    """A question: an event on an issue (``ceasefire>=75``) or an issue's outcome (``territory``), by a date."""

    __tablename__ = "ledger_questions"
    __table_args__ = (UniqueConstraint("scenario_name", "question", "by_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scenario_name: Mapped[str] = mapped_column(String(256), index=True)
    question: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(16))
    issue: Mapped[str] = mapped_column(String(256))
    operator: Mapped[str | None] = mapped_column(String(2))
    threshold: Mapped[float | None] = mapped_column(Float)
    scale_min: Mapped[float] = mapped_column(Float)
    scale_max: Mapped[float] = mapped_column(Float)
    by_date: Mapped[str] = mapped_column(String(10))


class LedgerForecastRow(Base):
    """One model's (or baseline's) forecast of a question, with everything needed to make it again."""

    __tablename__ = "ledger_forecasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("ledger_questions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    model: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(256))
    probability: Mapped[float | None] = mapped_column(Float)
    distribution: Mapped[dict[str, Any]] = mapped_column(JSON)
    scenario_hash: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    package_version: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class LedgerResolutionRow(Base):
    """How a question resolved; one per question (its key), never changed."""

    __tablename__ = "ledger_resolutions"

    question_id: Mapped[int] = mapped_column(ForeignKey("ledger_questions.id"), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[float | None] = mapped_column(Float)
    happened: Mapped[bool | None] = mapped_column(Boolean)
    resolved_on: Mapped[str] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(Text)


_POSTGRES_FUNCTION = DDL(
    "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY} (%% on %%)', TG_OP, TG_TABLE_NAME; END $$"  # %% is DDL's %
).execute_if(dialect="postgresql")


def _append_only(table) -> None:
    """Triggers refusing UPDATE and DELETE on ``table``, created with it."""
    name = table.name
    for operation in ("UPDATE", "DELETE"):
        event.listen(table, "after_create", DDL(
            f"CREATE TRIGGER {name}_no_{operation.lower()} BEFORE {operation} ON {name} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END").execute_if(dialect="sqlite"))
    event.listen(table, "after_create", _POSTGRES_FUNCTION)
    event.listen(table, "after_create", DDL(
        f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()").execute_if(dialect="postgresql"))


for _table in (LedgerQuestionRow.__table__, LedgerForecastRow.__table__, LedgerResolutionRow.__table__):
    _append_only(_table)
