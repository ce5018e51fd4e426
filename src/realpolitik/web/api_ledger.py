"""The ledger and timelines in the web app: the ``/ledger`` page and its API.

``GET /api/ledger`` gives every question with its forecasts and resolution, the scores of
each model and baseline, and the reliability chart; ``GET /api/ledger/questions/{id}`` one
question. ``GET /api/timelines`` lists stored timeline runs with their charts, and
``POST /api/timelines`` draws the timeline of a library scenario and stores it as a run.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from realpolitik.forecast import MODELS, resolve_options
from realpolitik.store import QuestionNotFound, get_question, list_questions, list_runs, record_run
from realpolitik.web.bounded import check_web_size, run_bounded
from realpolitik.web.errors import error_responses
from realpolitik.web.library import find_scenario
from realpolitik.web.pages import STATIC

router = APIRouter()

#: Timeline runs listed at most.
TIMELINES_LISTED = 20
#: Most Monte Carlo draws per date a web request may ask for.
MAX_WEB_TIMELINE_DRAWS = 200


class TimelineRequest(BaseModel):
    """A timeline to draw: a library scenario with events, a model, and optional Monte Carlo draws."""

    model_config = ConfigDict(extra="forbid")
    scenario_name: str = Field(min_length=1, max_length=256, description="A built-in or saved scenario.")
    model: str = Field("eum", json_schema_extra={"enum": list(MODELS)},
                       description="One of the models (see /api/meta).")
    draws: int = Field(0, ge=0, le=MAX_WEB_TIMELINE_DRAWS, description="Draws per date (0: point forecasts).")
    seed: int = Field(0, ge=0, le=2**63 - 1)


@router.get("/ledger", include_in_schema=False)
def ledger_page() -> FileResponse:
    """The ledger: questions, forecasts, resolutions, scores, reliability and timelines."""
    return FileResponse(STATIC / "ledger.html", media_type="text/html")


@router.get("/api/ledger", tags=["ledger"], responses=error_responses(503))
def ledger(request: Request) -> dict[str, Any]:
    """Every question (oldest first) with its forecasts and resolution; scores per model and baseline on the
    resolved ones, with the reliability table and its chart."""
    from realpolitik.analysis.track_record import score_questions
    from realpolitik.report.track_figures import reliability_figure

    questions = list_questions(request.app.state.db)
    scores = score_questions(questions)
    reliability = [{"model": score.model, "bins": [item.to_dict() for item in score.reliability]}
                   for score in scores]
    return {"questions": [question.to_dict() for question in questions],
            "scores": [score.to_dict() for score in scores], "reliability": reliability,
            "reliability_figure": reliability_figure(reliability)}


@router.get("/api/ledger/questions/{question_id}", tags=["ledger"], responses=error_responses(404, 503))
def ledger_question(question_id: Annotated[int, Path(ge=1, le=2**63 - 1)], request: Request) -> dict[str, Any]:
    """One question with every forecast recorded on it (superseded ones too) and its resolution."""
    try:
        return get_question(question_id, request.app.state.db).to_dict()
    except QuestionNotFound as error:
        raise HTTPException(404, str(error)) from None


def _timeline_entry(run) -> dict[str, Any]:
    from realpolitik.report.track_figures import timeline_figure
    from realpolitik.scenario import load_scenario_dict

    scenario = load_scenario_dict(run.scenario)
    return {"run": run.summary(), "timeline": run.result,
            "figure": timeline_figure(run.result, {issue.name: issue.label for issue in scenario.issues})}


@router.get("/api/timelines", tags=["timelines"], responses=error_responses(503))
def timelines(request: Request, scenario: Annotated[str | None, Query(max_length=256)] = None) -> list[dict[str, Any]]:
    """Stored timeline runs, newest first, each with its chart."""
    runs = list_runs(request.app.state.db, kind="timeline", scenario=scenario, limit=TIMELINES_LISTED)
    return [_timeline_entry(run) for run in runs]


@router.post("/api/timelines", tags=["timelines"], status_code=201, responses=error_responses(404, 408, 503))
async def create_timeline(body: TimelineRequest, request: Request) -> dict[str, Any]:
    """Forecast a library scenario at every event date; the timeline is stored as a run and returned.

    A timeline whose estimated cost exceeds the server's budget is refused up front (422, with the
    estimate); one is stopped when its client disconnects or its time limit passes (408)."""
    return await run_bounded(request, lambda: _create_timeline(body, request))


def _create_timeline(body: TimelineRequest, request: Request) -> dict[str, Any]:
    from realpolitik.analysis.timeline import TimelineRequestError, scenario_timeline
    from realpolitik.store import get_run

    db = request.app.state.db
    if body.model not in MODELS:
        raise HTTPException(422, f"unknown model '{body.model}' (models: {', '.join(MODELS)})")
    scenario = find_scenario(body.scenario_name, db).scenario
    check_web_size(scenario)
    options = resolve_options(body.model)
    try:
        with request.app.state.model_slots:
            result = scenario_timeline(scenario, body.model, options, draws=body.draws, seed=body.seed)
    except TimelineRequestError as error:
        raise HTTPException(422, str(error)) from None
    document = result.to_dict()
    run_id = record_run("timeline", scenario, {body.model: document["options"]}, document,
                        seed=body.seed if body.draws else None, parameters={"draws": body.draws}, db=db)
    return _timeline_entry(get_run(run_id, db))
