"""The store's tables: runs, their analyses, and scenarios saved from the web app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class RunRow(Base):
    """One run: what went in (scenario, options, parameters, seed, version) and what came out."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    package_version: Mapped[str] = mapped_column(String(64))
    scenario_name: Mapped[str | None] = mapped_column(String(256), index=True)
    models: Mapped[str] = mapped_column(String(256))
    preset: Mapped[str | None] = mapped_column(String(128))
    seed: Mapped[int | None] = mapped_column(BigInteger)
    scenario: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class AnalysisRow(Base):
    """One analysis of a run (Monte Carlo sensitivity, levers, ...), computed after the run: its
    status and progress while it runs, its result when done (:mod:`realpolitik.store.analyses`)."""

    __tablename__ = "run_analyses"
    __table_args__ = (UniqueConstraint("run_id", "name", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(Integer, ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(64))  # "" for an analysis of the whole run
    status: Mapped[str] = mapped_column(String(16))
    done: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(String(2000))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    result: Mapped[Any | None] = mapped_column(JSON)


class ScenarioRow(Base):
    """A scenario saved from the web app's editor, in the native layout."""

    __tablename__ = "scenarios"

    name: Mapped[str] = mapped_column(String(256), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
