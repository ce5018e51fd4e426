"""API routes of a run's analyses: their status and progress while they are computed in the
background, their results, and what is read off them: the probability that an issue's outcome
reaches a threshold (the contract: ``docs/run-analyses.md``)."""

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


class ThresholdOut(BaseModel):
    """P(outcome ≥ ``at``) on one issue under a model's calibrated distribution, and what it rests on."""

    run_id: int
    model: str
    model_title: str
    issue: str
    title: str
    at: float = Field(description="The threshold, on the issue's scale.")
    scale: list[float] = Field(description="The issue's scale, [low, high].")
    status: Literal["pending", "running", "done", "failed", "absent"] = Field(
        description="The status of the model's calibrated analysis, which the probability is read from.")
    probability: float | None = Field(ge=0, le=1, description="P(outcome ≥ at); null until the calibrated analysis "
                                      "is done (or when it failed).")
    agreement_probability: float | None = Field(description="P(agreement) mixed into the distribution (the issue's "
                                                "settlement with it, its reversion point with the rest); null where "
                                                "the issue has no veto players.")
    borrowed_from: str | None = Field(description="The kind of negotiation the calibration was fitted on (e.g. 'EU "
                                      "legislation') when it is borrowed from there; null when it is not.")
    basis: str = Field(description="In words: the distribution the probability is read from, P(agreement) and the "
                       "calibration's provenance; or why there is no probability yet.")
    notes: list[str] = Field(description="The calibrated forecast's own notes.")


@router.get("/runs/{run_id}/threshold", response_model=ThresholdOut, operation_id="get_threshold_probability",
            responses=error_responses(404, 503))
def threshold(run_id: RunId, request: Request,
              issue: Annotated[str, Query(min_length=1, max_length=256, description="The issue's name.")],
              at: Annotated[float, Query(allow_inf_nan=False, description="The threshold, on the issue's scale.")],
              model: Annotated[str | None, Query(max_length=64, description="Default: eum if run, else the first.")]
              = None) -> dict[str, Any]:
    """P(outcome ≥ ``at``) on ``issue``, read from the model's calibrated distribution as stored with the run
    (where the issue has veto players, the settlement mixed with the reversion point by P(agreement)); null
    with ``status`` while that analysis is pending or running. 422 for an unknown issue or model, or an
    ``at`` that is not a number or lies off the issue's scale."""
    from realpolitik.report.threshold import threshold_probability

    found = _analyses(run_id, request, True)
    stored = get_run(run_id, request.app.state.db)
    analyses = {(item["name"], item["model"]): item for item in found}
    return threshold_probability(stored, analyses, issue, at, model)
