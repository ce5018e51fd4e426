"""A run's analyses in the store: queued with the run, their status and progress while they
are computed, their results when done (see ``docs/run-analyses.md``).

Each analysis is one row of ``run_analyses``, keyed by run, name and model ("" for an
analysis of the whole run). Its status moves ``pending`` -> ``running`` -> ``done`` or
``failed``; every change is one transaction, so a reader sees either the old state or
the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from realpolitik.store.database import transaction
from realpolitik.store.tables import AnalysisRow

STATUSES = ("pending", "running", "done", "failed")


@dataclass(frozen=True)
class PlannedAnalysis:
    """An analysis to compute: ``name``, ``model`` (None for the whole run), and the size of the
    work in ``unit`` (draws, issues)."""

    name: str
    model: str | None
    total: int
    unit: str


def _moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def _document(row: AnalysisRow, with_result: bool) -> dict[str, Any]:
    document = {"name": row.name, "model": row.model or None, "status": row.status,
                "progress": {"done": int(row.done), "total": int(row.total), "unit": row.unit},
                "message": row.message, "started_at": _moment(row.started_at),
                "finished_at": _moment(row.finished_at)}
    if with_result:
        document["result"] = row.result
    return document


def queue_analyses(run_id: int, plan: Sequence[PlannedAnalysis], db: str | None = None) -> bool:
    """Queue ``plan`` as pending analyses of run ``run_id``, unless the run has analyses already;
    returns whether they were queued."""
    with transaction(db) as session:
        if session.scalars(select(AnalysisRow.id).where(AnalysisRow.run_id == run_id).limit(1)).first() is not None:
            return False
        session.add_all(AnalysisRow(run_id=run_id, name=item.name, model=item.model or "", status="pending", done=0,
                                    total=item.total, unit=item.unit) for item in plan)
        return True


def update_analysis(run_id: int, name: str, model: str | None, db: str | None = None, *,
                    status: str | None = None, done: float | None = None, message: str | None = None,
                    result: Any = None) -> None:
    """Record a change of one analysis: its status (with the time it started or finished), its
    progress ``done``, a failure's ``message``, a finished analysis's ``result``."""
    now = datetime.now(timezone.utc)
    with transaction(db) as session:
        row = session.scalars(select(AnalysisRow).where(
            AnalysisRow.run_id == run_id, AnalysisRow.name == name, AnalysisRow.model == (model or ""))).one()
        if status is not None:
            row.status = status
            if status == "running":
                row.started_at = now
            elif status in ("done", "failed"):
                row.finished_at = now
                if status == "done":
                    row.done = row.total
        if done is not None:
            row.done = done
        if message is not None:
            row.message = message
        if result is not None:
            row.result = result


def run_analyses(run_id: int, db: str | None = None, results: bool = False) -> list[dict[str, Any]]:
    """The analyses of run ``run_id`` in the order they were queued (empty when none), each as
    ``{name, model, status, progress: {done, total, unit}, message, started_at, finished_at}``
    and, with ``results``, its ``result``."""
    with transaction(db) as session:
        rows = session.scalars(select(AnalysisRow).where(AnalysisRow.run_id == run_id).order_by(AnalysisRow.id))
        return [_document(row, results) for row in rows]


def overall(analyses: Sequence[dict[str, Any]]) -> tuple[str, float]:
    """The run's status and progress (0..1) from its analyses (see ``docs/run-analyses.md``)."""
    statuses = {item["status"] for item in analyses}
    if not analyses or statuses == {"done"}:
        status = "done"
    elif "running" in statuses or ("pending" in statuses and statuses & {"done", "failed"}):
        status = "running"
    elif "pending" in statuses:
        status = "pending"
    else:
        status = "failed"
    shares = [1.0 if item["status"] in ("done", "failed") else
              min(1.0, item["progress"]["done"] / item["progress"]["total"]) if item["progress"]["total"] else 0.0
              for item in analyses]
    return status, (sum(shares) / len(shares) if shares else 1.0)
