"""API routes of a run's analyses: their status and progress while they are computed in the
background, and their results (the contract: ``docs/run-analyses.md``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from realpolitik.store import get_run
from realpolitik.store.analyses import overall, run_analyses
from realpolitik.web.errors import error_responses

router = APIRouter(prefix="/api", tags=["runs"])

RunId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A stored run's id.")]
Status = Literal["pending", "running", "done", "failed"]
AnalysisName = Literal["sensitivity", "levers", "calibrated", "outlook"]


class ProgressOut(BaseModel):
    """How far an analysis has come: ``done`` of ``total`` ``unit`` (draws, issues)."""

    done: int
    total: int
    unit: str


class AnalysisOut(BaseModel):
    """One analysis of a run."""

    name: AnalysisName
    model: str | None = Field(description="The model analysed; null for an analysis of the whole run (outlook).")
    status: Status
    progress: ProgressOut
    message: str | None = Field(description="Why it failed, in one sentence; null unless failed.")
    started_at: str | None
    finished_at: str | None
    result: Any = Field(None, description="The result once done (null before); present with ?results=true and "
                        "on the single analysis.")


class RunAnalysesOut(BaseModel):
    """Every analysis of a run, with the run's status and progress (0..1)."""

    run_id: int
    status: Status
    progress: float = Field(ge=0, le=1)
    analyses: list[AnalysisOut]


def _analyses(run_id: int, request: Request, results: bool) -> list[dict[str, Any]]:
    """The run's analyses, queued first when a forecast run has none."""
    from realpolitik.report.issue_view import NotAForecast

    db = request.app.state.db
    stored = get_run(run_id, db)
    if stored.kind != "forecast":
        raise NotAForecast(f"run {run_id} is a {stored.kind} run, not a forecast: it has no analyses")
    found = run_analyses(run_id, db, results)
    if not found:
        request.app.state.analysis_workers.start(stored)
        found = run_analyses(run_id, db, results)
    return found


@router.get("/runs/{run_id}/analyses", response_model=RunAnalysesOut, operation_id="get_run_analyses",
            responses=error_responses(404, 503))
def analyses(run_id: RunId, request: Request,
             results: Annotated[bool, Query(description="Include each analysis's result.")] = False
             ) -> dict[str, Any]:
    """The analyses of a forecast run, computed in the background after the run: each with its
    status (pending, running, done, failed), progress and, if asked, its result."""
    found = _analyses(run_id, request, results)
    status, progress = overall(found)
    return {"run_id": run_id, "status": status, "progress": progress, "analyses": found}


@router.get("/runs/{run_id}/analyses/{name}", response_model=AnalysisOut, operation_id="get_run_analysis",
            responses=error_responses(404, 503))
def analysis(run_id: RunId, name: AnalysisName, request: Request,
             model: Annotated[str | None, Query(max_length=64, description="The model; omit for outlook.")] = None
             ) -> dict[str, Any]:
    """One analysis of a forecast run, with its result (null until done)."""
    for item in _analyses(run_id, request, True):
        if item["name"] == name and item["model"] == (model or None):
            return item
    raise HTTPException(404, f"run {run_id} has no analysis '{name}'" + (f" of model '{model}'" if model else ""))
