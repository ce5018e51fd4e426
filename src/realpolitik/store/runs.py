"""Recording runs and reading them back.

Every command that computes something calls :func:`record_run` once, after the
computation, with what went in and the document that came out::

    record_run("forecast", scenario, options={"eum": eum_options}, result=forecast.to_dict())
    record_run("simulate", scenario, options={"eum": eum_options}, result=document, seed=7,
               parameters={"draws": 1000})

The row is written in one transaction: a run killed before or during the write
leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from realpolitik.io.native import scenario_to_dict
from realpolitik.scenario import Scenario
from realpolitik.store.database import transaction
from realpolitik.store.tables import RunRow


class RunNotFound(LookupError):
    """No run with that id in the store."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        super().__init__(f"no run {run_id} in the run store")


@dataclass(frozen=True)
class StoredRun:
    """A run as stored: inputs, options, seed, version and result document."""

    id: int
    kind: str
    created_at: datetime
    package_version: str
    scenario_name: str | None
    models: list[str]
    preset: str | None
    seed: int | None
    scenario: dict[str, Any] | None
    options: dict[str, Any]
    parameters: dict[str, Any]
    result: dict[str, Any]

    @classmethod
    def from_row(cls, row: RunRow) -> StoredRun:
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=timezone.utc)
        return cls(row.id, row.kind, created, row.package_version, row.scenario_name,
                   [name for name in row.models.split(",") if name], row.preset, row.seed, row.scenario,
                   row.options, row.parameters, row.result)

    def summary(self) -> dict[str, Any]:
        """The run without its inputs and results: what a listing shows."""
        return {"id": self.id, "kind": self.kind, "created_at": self.created_at.isoformat(),
                "scenario": self.scenario_name, "models": self.models, "preset": self.preset, "seed": self.seed,
                "package_version": self.package_version}


def _plain_options(options: Mapping[str, BaseModel | Mapping[str, Any]]) -> dict[str, Any]:
    return {name: value.model_dump(mode="json") if isinstance(value, BaseModel) else dict(value)
            for name, value in options.items()}


def record_run(kind: str, scenario: Scenario | None, options: Mapping[str, BaseModel | Mapping[str, Any]],
               result: Mapping[str, Any], *, preset: str | None = None, seed: int | None = None,
               parameters: Mapping[str, Any] | None = None, db: str | None = None) -> int:
    """Store one run and return its id.

    ``kind`` names the command (``forecast``, ``simulate``, ``levers``, ``backtest``);
    ``options`` maps each model run to its options; ``result`` is the document the
    command printed (e.g. ``Forecast.to_dict()``); ``parameters`` holds the other
    inputs needed to run it again (draws, noise, data set); ``seed`` is None for a
    deterministic run. ``db`` is a path or URL (default: see :mod:`realpolitik.store`).
    """
    from realpolitik import __version__

    row = RunRow(
        kind=kind,
        created_at=datetime.now(timezone.utc),
        package_version=__version__,
        scenario_name=scenario.name if scenario is not None else None,
        models=",".join(options),
        preset=preset,
        seed=seed,
        scenario=scenario_to_dict(scenario) if scenario is not None else None,
        options=_plain_options(options),
        parameters=dict(parameters or {}),
        result=dict(result),
    )
    with transaction(db) as session:
        session.add(row)
        session.flush()
        return row.id


def list_runs(db: str | None = None, kind: str | None = None, scenario: str | None = None,
              limit: int = 50) -> list[StoredRun]:
    """The most recent runs first, optionally only of one kind or one scenario."""
    query = select(RunRow).order_by(RunRow.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(RunRow.kind == kind)
    if scenario is not None:
        query = query.where(RunRow.scenario_name == scenario)
    with transaction(db) as session:
        return [StoredRun.from_row(row) for row in session.scalars(query)]


def get_run(run_id: int, db: str | None = None) -> StoredRun:
    """The run with id ``run_id``; :class:`RunNotFound` if there is none."""
    with transaction(db) as session:
        row = session.get(RunRow, run_id)
        if row is None:
            raise RunNotFound(run_id)
        return StoredRun.from_row(row)


def export_run(run: StoredRun) -> dict[str, Any]:
    """The whole run as one JSON-ready document: provenance, inputs and result."""
    return {**run.summary(), "scenario_data": run.scenario, "options": run.options, "parameters": run.parameters,
            "result": run.result}
