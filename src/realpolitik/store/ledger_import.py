"""Reading an exported ledger (:func:`realpolitik.store.ledger.export_ledger`) before importing it.

Every entry is checked before anything is written: the layout, each question's kind,
scale and date, each forecast's probability (0..1) and distribution, and each
resolution (its outcome on the scale, its date not before the question was recorded).
The first problem found is reported as :class:`realpolitik.store.ledger.LedgerError`
naming the question (its place in the file) and the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from realpolitik.analysis.questions import Question, distribution_from_dict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class _Forecast(_Strict):
    created_at: datetime
    model: str = Field(min_length=1, max_length=64)
    role: Literal["model", "baseline"]
    basis: str
    probability: float | None = Field(None, ge=0, le=1)
    distribution: dict[str, Any]
    scenario_hash: str = Field(max_length=64)
    options: dict[str, Any]
    seed: int | None = None
    package_version: str
    note: str | None = None


class _Resolution(_Strict):
    outcome: float | None
    happened: bool | None
    resolved_on: dt.date
    source: str | None = None
    recorded_at: datetime


class _Question(_Strict):
    created_at: datetime
    scenario: str = Field(min_length=1, max_length=256)
    question: str = Field(min_length=1, max_length=512)
    kind: Literal["binary", "numeric"]
    issue: str = Field(min_length=1, max_length=256)
    operator: Literal[">=", ">", "<=", "<"] | None
    threshold: float | None
    scale: tuple[float, float]
    by: dt.date
    resolution: _Resolution | None = None
    forecasts: list[_Forecast]


class _Export(_Strict):
    format: Literal["realpolitik-ledger"]
    version: Literal[1]
    questions: list[_Question]


@dataclass(frozen=True)
class ImportEntry:
    """A question of an exported ledger, checked: its forecasts with their recorded times, its resolution."""

    scenario_name: str
    question: Question
    by: str
    created_at: datetime
    forecasts: list[tuple[datetime, Any]]
    resolution: Any


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _entry(number: int, item: _Question) -> ImportEntry:
    from realpolitik.store.ledger import LedgerError, NewForecast, StoredResolution

    where = f"questions[{number}] ('{item.question}')"
    low, high = item.scale
    if not low < high:
        raise LedgerError(f"{where}: field 'scale': {low:g}..{high:g} is not a scale")
    if (item.kind == "binary") != (item.operator is not None and item.threshold is not None):
        raise LedgerError(f"{where}: a binary question has an operator and a threshold, a numeric one neither")
    question = Question(item.question, item.kind, item.issue, item.operator, item.threshold, low, high)
    forecasts = []
    for index, forecast in enumerate(item.forecasts):
        try:
            distribution_from_dict(forecast.distribution)
        except ValueError as error:
            raise LedgerError(f"{where}: field 'forecasts[{index}].distribution': {error}") from None
        if item.kind == "binary" and forecast.probability is None:
            raise LedgerError(f"{where}: field 'forecasts[{index}].probability' is missing for a binary question")
        forecasts.append((_utc(forecast.created_at), NewForecast(
            forecast.model, forecast.role, forecast.basis, forecast.probability, forecast.distribution,
            forecast.scenario_hash, forecast.options, forecast.seed, forecast.package_version, forecast.note)))
    resolution = None
    if item.resolution is not None:
        found = item.resolution
        if found.resolved_on < _utc(item.created_at).date():
            raise LedgerError(f"{where}: field 'resolution.resolved_on': {found.resolved_on} is before the question "
                              f"was recorded ({_utc(item.created_at).date()})")
        if found.outcome is not None and not low <= found.outcome <= high:
            raise LedgerError(f"{where}: field 'resolution.outcome': {found.outcome:g} lies outside the scale "
                              f"{low:g}..{high:g}")
        if (found.outcome is None and found.happened is None) or (item.kind == "binary") != (found.happened
                                                                                           is not None):
            raise LedgerError(f"{where}: field 'resolution': a binary question resolves with 'happened', a numeric "
                              "one with 'outcome'")
        resolution = StoredResolution(found.outcome, found.happened, found.resolved_on.isoformat(), found.source,
                                      _utc(found.recorded_at))
    return ImportEntry(item.scenario, question, item.by.isoformat(), _utc(item.created_at), forecasts, resolution)


def read_export(document: Any) -> list[ImportEntry]:
    """The entries of an exported ledger; :class:`LedgerError` naming the first problem."""
    from realpolitik.store.ledger import LedgerError

    try:
        parsed = _Export.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "the document"
        raise LedgerError(f"not an exported ledger: field '{place}': {first['msg']} "
                          f"({error.error_count()} problem(s) in all)") from None
    return [_entry(number, item) for number, item in enumerate(parsed.questions)]
