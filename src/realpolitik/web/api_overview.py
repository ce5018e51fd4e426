"""API route of a run's overview: per issue, the answer first (see :mod:`realpolitik.report.overview`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from realpolitik.report.overview import run_overview
from realpolitik.store import get_run
from realpolitik.web.api_analyses import AnalysisName, ProgressOut, Status
from realpolitik.web.errors import error_responses

router = APIRouter(prefix="/api", tags=["runs"])

RunId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A stored run's id.")]


class AnswerOut(BaseModel):
    """What most likely happens: the run's outlook once done, else the headline model's point forecast."""

    pending: bool = Field(description="True while the outlook is not computed yet (the point forecast is shown).")
    most_likely: float
    most_likely_label: str
    agreement_probability: float | None
    sentences: list[str]


class CellOut(BaseModel):
    """One model's forecast of one issue."""

    forecast: float
    forecast_anchor: str
    calibrated_median: float | None
    calibrated_interval: list[float] | None = Field(description="The calibrated 80% interval.")
    calibrated_final: bool = Field(description="Whether the model's calibrated analysis is done (it mixes in "
                                   "the reversion point by P(agreement)).")
    agreement_probability: float | None
    sensitivity_interval: list[float] | None = Field(description="80% of the Monte Carlo draws of the inputs.")
    stability: str | None


class AgreementOut(BaseModel):
    """Whether every model's point forecast lies within a tenth of the scale of the median one; the models
    that do not (``outliers``) and the range of those that do (``low``..``high``)."""

    agree: bool
    outliers: list[str]
    low: float
    high: float


class FragilityOut(BaseModel):
    """How fragile the headline model's forecast is, and why."""

    level: Literal["steady", "sensitive", "fragile", "unknown"]
    reasons: list[str]


class LeverOut(BaseModel):
    """One of the strongest single changes: the lever's step and where the forecast goes."""

    actor: str
    attribute: str
    from_: float = Field(alias="from")
    to: float
    forecast_from: float
    forecast_to: float
    change: float


class IssueOverviewOut(BaseModel):
    """The answer for one issue."""

    issue: str
    title: str
    scale: list[float]
    anchors: dict[str, str]
    status_quo: float | None
    answer: AnswerOut
    cells: dict[str, CellOut] = Field(description="By model name.")
    models_agree: AgreementOut | None = Field(description="Null when the run has one model.")
    fragility: FragilityOut
    levers: list[LeverOut]
    levers_pending: bool


class ModelOut(BaseModel):
    model: str
    model_title: str


class WaitingOut(BaseModel):
    """An analysis not done yet (pending, running or failed)."""

    name: AnalysisName
    model: str | None
    status: Status
    progress: ProgressOut
    message: str | None


class OverviewOut(BaseModel):
    """Per issue: what most likely happens, whether the models agree, how fragile, the strongest levers."""

    run_id: int
    headline_model: str
    models: list[ModelOut]
    issues: list[IssueOverviewOut]
    waiting: list[WaitingOut]


@router.get("/runs/{run_id}/overview", response_model=OverviewOut, response_model_by_alias=True,
            operation_id="get_run_overview", responses=error_responses(404, 422, 503))
def overview(run_id: RunId, request: Request) -> dict[str, Any]:
    """The answer first, per issue of a forecast run, from the run and its stored analyses (those not done
    yet are listed in ``waiting`` with their progress; the run's analyses are queued if they never were)."""
    db = request.app.state.db
    stored = get_run(run_id, db)
    found = run_overview(stored, db)  # a run that is not a forecast is refused here (422)
    if request.app.state.analysis_workers.start(stored):  # made on the command line: analyses queued now
        found = run_overview(stored, db)
    return found
