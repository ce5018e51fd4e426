"""The ledger: dated forecasts of questions, their resolutions, and sharing them as JSON.

A question (:class:`realpolitik.analysis.questions.Question`) is identified by its
scenario, its text and its date (``by``). Recording forecasts on a question that is
already in the ledger adds them: the newest forecast of each model supersedes the
older ones, and all stay. Nothing is ever changed or removed (the database refuses it,
see :mod:`realpolitik.store.ledger_tables`). A question is resolved once, on a date no
earlier than the day it was first recorded and no later than today; a resolved question
takes no more forecasts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from realpolitik.analysis.questions import Question
from realpolitik.store.database import StoreError, transaction
from realpolitik.store.ledger_tables import LedgerForecastRow, LedgerQuestionRow, LedgerResolutionRow

#: The ``format`` field of an exported ledger.
EXPORT_FORMAT = "realpolitik-ledger"
EXPORT_VERSION = 1


class LedgerError(ValueError):
    """A ledger request that is refused; the message says why."""


class QuestionNotFound(LookupError):
    """No question with that id in the ledger."""

    def __init__(self, question_id: int):
        self.question_id = question_id
        super().__init__(f"no question {question_id} in the ledger (see `realpolitik ledger list`)")


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class NewForecast:
    """A forecast to record: who made it, how, and its answer (a probability, or a distribution only)."""

    model: str
    role: str
    basis: str
    probability: float | None
    distribution: dict[str, Any]
    scenario_hash: str
    options: dict[str, Any]
    seed: int | None
    package_version: str
    note: str | None = None


@dataclass(frozen=True)
class StoredForecast(NewForecast):
    """A recorded forecast; ``superseded`` when the same model has a newer one on the question."""

    id: int = 0
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    superseded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at.isoformat(), "model": self.model, "role": self.role,
                "basis": self.basis, "probability": self.probability, "distribution": self.distribution,
                "scenario_hash": self.scenario_hash, "options": self.options, "seed": self.seed,
                "package_version": self.package_version, "note": self.note, "superseded": self.superseded}


@dataclass(frozen=True)
class StoredResolution:
    """How a question resolved: the outcome on the scale (if given) and whether the event happened."""

    outcome: float | None
    happened: bool | None
    resolved_on: str
    source: str | None
    recorded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "happened": self.happened, "resolved_on": self.resolved_on,
                "source": self.source, "recorded_at": self.recorded_at.isoformat()}


@dataclass(frozen=True)
class StoredQuestion:
    """A question with every forecast recorded on it (oldest first) and its resolution, if any."""

    id: int
    created_at: datetime
    scenario_name: str
    question: Question
    by_date: str
    forecasts: list[StoredForecast]
    resolution: StoredResolution | None

    def latest(self) -> list[StoredForecast]:
        """The newest forecast of each model, in the order the models were first recorded."""
        return [forecast for forecast in self.forecasts if not forecast.superseded]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at.isoformat(), "scenario": self.scenario_name,
                **self.question.to_dict(), "by": self.by_date,
                "status": "resolved" if self.resolution else "open",
                "resolution": self.resolution.to_dict() if self.resolution else None,
                "forecasts": [forecast.to_dict() for forecast in self.forecasts]}


def _question_of(row: LedgerQuestionRow) -> Question:
    return Question(row.question, row.kind, row.issue, row.operator, row.threshold, row.scale_min, row.scale_max)


def _stored(row: LedgerQuestionRow, forecasts: Sequence[LedgerForecastRow],
            resolution: LedgerResolutionRow | None) -> StoredQuestion:
    ordered = sorted(forecasts, key=lambda item: item.id)
    newest = {item.model: item.id for item in ordered}
    first_seen = {}
    for item in ordered:
        first_seen.setdefault(item.model, len(first_seen))
    ordered.sort(key=lambda item: (first_seen[item.model], item.id))
    stored = [StoredForecast(item.model, item.role, item.basis, item.probability, item.distribution,
                             item.scenario_hash, item.options, item.seed, item.package_version, item.note,
                             id=item.id, created_at=_utc(item.created_at), superseded=newest[item.model] != item.id)
              for item in ordered]
    resolved = None if resolution is None else StoredResolution(
        resolution.outcome, resolution.happened, resolution.resolved_on, resolution.source,
        _utc(resolution.recorded_at))
    return StoredQuestion(row.id, _utc(row.created_at), row.scenario_name, _question_of(row), row.by_date, stored,
                          resolved)


def _load(session, rows: Sequence[LedgerQuestionRow]) -> list[StoredQuestion]:
    ids = [row.id for row in rows]
    if not ids:
        return []
    forecasts: dict[int, list[LedgerForecastRow]] = {question_id: [] for question_id in ids}
    for item in session.scalars(select(LedgerForecastRow).where(LedgerForecastRow.question_id.in_(ids))):
        forecasts[item.question_id].append(item)
    resolutions = {item.question_id: item for item in
                   session.scalars(select(LedgerResolutionRow).where(LedgerResolutionRow.question_id.in_(ids)))}
    return [_stored(row, forecasts[row.id], resolutions.get(row.id)) for row in rows]


def _find_question(session, scenario_name: str, question: Question, by: str) -> LedgerQuestionRow | None:
    return session.scalars(select(LedgerQuestionRow).where(
        LedgerQuestionRow.scenario_name == scenario_name, LedgerQuestionRow.question == question.text,
        LedgerQuestionRow.by_date == by)).first()


def _new_question(session, scenario_name: str, question: Question, by: str, created_at: datetime) -> LedgerQuestionRow:
    row = LedgerQuestionRow(created_at=created_at, scenario_name=scenario_name, question=question.text,
                            kind=question.kind, issue=question.issue, operator=question.operator,
                            threshold=question.threshold, scale_min=question.scale_min,
                            scale_max=question.scale_max, by_date=by)
    session.add(row)
    session.flush()
    return row


def _forecast_row(question_id: int, forecast: NewForecast, created_at: datetime) -> LedgerForecastRow:
    return LedgerForecastRow(question_id=question_id, created_at=created_at, model=forecast.model,
                             role=forecast.role, basis=forecast.basis, probability=forecast.probability,
                             distribution=forecast.distribution, scenario_hash=forecast.scenario_hash,
                             options=forecast.options, seed=forecast.seed, package_version=forecast.package_version,
                             note=forecast.note)


def record_forecasts(scenario_name: str, question: Question, by: dt.date, forecasts: Sequence[NewForecast],
                     db: str | None = None) -> StoredQuestion:
    """Record ``forecasts`` of ``question`` (by date ``by``) in one transaction; returns the question.

    :class:`LedgerError` if the question is already resolved.
    """
    now = datetime.now(timezone.utc)
    with transaction(db) as session:
        row = _find_question(session, scenario_name, question, by.isoformat())
        if row is None:
            row = _new_question(session, scenario_name, question, by.isoformat(), now)
        elif session.get(LedgerResolutionRow, row.id) is not None:
            raise LedgerError(f"question {row.id} ('{question.text}' by {row.by_date}) is already resolved: "
                              "a forecast made now would know the outcome")
        for forecast in forecasts:
            session.add(_forecast_row(row.id, forecast, now))
        session.flush()
        return _load(session, [row])[0]


def list_questions(db: str | None = None, status: str | None = None,
                   scenario: str | None = None) -> list[StoredQuestion]:
    """Every question (``status`` ``open`` or ``resolved`` for only those), oldest first."""
    with transaction(db) as session:
        query = select(LedgerQuestionRow).order_by(LedgerQuestionRow.id)
        if scenario is not None:
            query = query.where(LedgerQuestionRow.scenario_name == scenario)
        questions = _load(session, list(session.scalars(query)))
    if status is not None:
        questions = [item for item in questions if (item.resolution is not None) == (status == "resolved")]
    return questions


def get_question(question_id: int, db: str | None = None) -> StoredQuestion:
    """The question ``question_id``; :class:`QuestionNotFound` if there is none."""
    with transaction(db) as session:
        row = session.get(LedgerQuestionRow, question_id)
        if row is None:
            raise QuestionNotFound(question_id)
        return _load(session, [row])[0]


def resolve_question(question_id: int, outcome: str, on: dt.date, source: str | None = None,
                     db: str | None = None, today: dt.date | None = None) -> StoredQuestion:
    """Resolve question ``question_id`` with ``outcome`` (``yes``, ``no`` or a value on the scale) on ``on``.

    Refused (:class:`LedgerError`, or the question's :class:`ExpressionError` for a bad
    outcome) when the question is already resolved, when ``on`` is before the day the
    question was recorded or after ``today`` (UTC).
    """
    today = today or datetime.now(timezone.utc).date()
    with transaction(db) as session:
        row = session.get(LedgerQuestionRow, question_id)
        if row is None:
            raise QuestionNotFound(question_id)
        earlier = session.get(LedgerResolutionRow, question_id)
        if earlier is not None:
            raise LedgerError(f"question {question_id} was already resolved on {earlier.resolved_on}; "
                              "a resolution is final")
        recorded = _utc(row.created_at).date()
        if on < recorded:
            raise LedgerError(f"question {question_id} was recorded on {recorded}; a resolution on {on}, before it, "
                              "would score forecasts made after the outcome was known")
        if on > today:
            raise LedgerError(f"resolution date {on} is in the future (today is {today})")
        value, happened = _question_of(row).resolution(outcome)
        session.add(LedgerResolutionRow(question_id=question_id, recorded_at=datetime.now(timezone.utc),
                                        outcome=value, happened=happened, resolved_on=on.isoformat(),
                                        source=source))
        try:
            session.flush()
        except IntegrityError:
            raise LedgerError(f"question {question_id} was resolved meanwhile; a resolution is final") from None
        return _load(session, [row])[0]


def export_ledger(db: str | None = None) -> dict[str, Any]:
    """The whole ledger as one JSON-ready document (see :func:`import_ledger`)."""
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
            "questions": [question.to_dict() for question in list_questions(db)]}


def import_ledger(document: Any, db: str | None = None) -> dict[str, int]:
    """Add an exported ledger to this one, all or nothing; returns what was added.

    Questions are matched by scenario, text and date; forecasts already present (same
    model, time and scenario hash) are skipped, and so is a resolution equal to the one
    recorded. A resolution that contradicts the recorded one refuses the whole import.
    Recorded times are kept. :class:`LedgerError` names the entry that is wrong.
    """
    from realpolitik.store.ledger_import import read_export

    entries = read_export(document)
    added = {"questions": 0, "forecasts": 0, "resolutions": 0}
    try:
        with transaction(db) as session:
            for entry in entries:
                row = _find_question(session, entry.scenario_name, entry.question, entry.by)
                if row is None:
                    row = _new_question(session, entry.scenario_name, entry.question, entry.by, entry.created_at)
                    added["questions"] += 1
                known = {(item.model, _utc(item.created_at), item.scenario_hash) for item in session.scalars(
                    select(LedgerForecastRow).where(LedgerForecastRow.question_id == row.id))}
                for created_at, forecast in entry.forecasts:
                    if (forecast.model, created_at, forecast.scenario_hash) not in known:
                        session.add(_forecast_row(row.id, forecast, created_at))
                        added["forecasts"] += 1
                if entry.resolution is not None:
                    added["resolutions"] += _import_resolution(session, row, entry.resolution)
    except StoreError as error:
        raise LedgerError(f"the ledger could not be imported: {error}") from None
    return added


def _import_resolution(session, row: LedgerQuestionRow, resolution: StoredResolution) -> int:
    earlier = session.get(LedgerResolutionRow, row.id)
    if earlier is not None:
        same = (earlier.outcome, earlier.happened, earlier.resolved_on) == \
            (resolution.outcome, resolution.happened, resolution.resolved_on)
        if not same:
            raise LedgerError(f"question '{row.question}' by {row.by_date} of scenario '{row.scenario_name}' is "
                              f"resolved here on {earlier.resolved_on} and differently in the file; nothing imported")
        return 0
    session.add(LedgerResolutionRow(question_id=row.id, recorded_at=resolution.recorded_at,
                                    outcome=resolution.outcome, happened=resolution.happened,
                                    resolved_on=resolution.resolved_on, source=resolution.source))
    return 1
