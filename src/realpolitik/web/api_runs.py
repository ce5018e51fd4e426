"""API routes of runs: run a forecast, list and read stored runs, per-issue views, diffs and reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from realpolitik.comparison import ALL_MODELS, forecasts_document, run_models
from realpolitik.report.html import html_report
from realpolitik.report.issue_view import issue_view
from realpolitik.scenario import load_scenario_dict
from realpolitik.store import diff_runs, export_run, get_run, list_runs, record_run
from realpolitik.web.bounded import check_web_size, run_bounded
from realpolitik.web.errors import error_responses
from realpolitik.web.library import find_scenario
from realpolitik.web.schemas import RunOut, RunRequest, RunSummary

router = APIRouter(prefix="/api", tags=["runs"])

RunId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A stored run's id.")]


#: Where a new run's id leads (OpenAPI links, which clients and stateful tests follow).
RUN_LINKS = {
    "GetRun": {"operationId": "get_run", "parameters": {"run_id": "$response.body#/id"}},
    "GetIssueView": {"operationId": "get_issue_view", "parameters": {
        "run_id": "$response.body#/id", "issue": "$response.body#/scenario_data/issues/0/name"}},
    "GetReport": {"operationId": "get_report", "parameters": {"run_id": "$response.body#/id"}},
    "DiffWithItself": {"operationId": "diff_runs", "parameters": {"a": "$response.body#/id",
                                                                   "b": "$response.body#/id"}},
}


@router.post("/runs", response_model=RunOut, status_code=201,
             responses={201: {"links": RUN_LINKS}, **error_responses(404, 408, 503)})
async def create_run(body: RunRequest, request: Request) -> dict[str, Any]:
    """Run one model (or all) on a library scenario or an inline one; the run is stored and returned
    with its point forecasts, and its analyses start in the background (``/api/runs/{id}/analyses``).

    A run whose estimated cost exceeds the server's budget is refused up front (422, with the
    estimate); a run is stopped when its client disconnects or its time limit passes (408)."""
    return await run_bounded(request, lambda: _create_run(body, request))


def _create_run(body: RunRequest, request: Request) -> dict[str, Any]:
    db = request.app.state.db
    scenario = (find_scenario(body.scenario_name, db).scenario if body.scenario_name is not None
                else load_scenario_dict(body.scenario, json_types=True))
    check_web_size(scenario)
    with request.app.state.model_slots:
        forecasts = run_models(scenario, body.model, body.preset, body.rounds)
    document = forecasts_document(forecasts, compared=body.model == ALL_MODELS)
    run_id = record_run("forecast", scenario, {forecast.model: forecast.options for forecast in forecasts}, document,
                        preset=body.preset, db=db)
    stored = get_run(run_id, db)
    request.app.state.analysis_workers.start(stored)  # sensitivity, levers, ...: see GET /api/runs/{id}/analyses
    return export_run(stored)


@router.get("/runs", response_model=list[RunSummary], responses=error_responses(503))
def runs(request: Request, kind: Annotated[str | None, Query(max_length=32)] = None,
         scenario: Annotated[str | None, Query(max_length=256)] = None,
         limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    """Stored runs, newest first."""
    return [run.summary() for run in list_runs(request.app.state.db, kind=kind, scenario=scenario, limit=limit)]


@router.get("/runs/{run_id}", response_model=RunOut, operation_id="get_run",
            responses=error_responses(404, 503))
def run_document(run_id: RunId, request: Request) -> dict[str, Any]:
    """A stored run: provenance, scenario, options, parameters and result."""
    return export_run(get_run(run_id, request.app.state.db))


@router.get("/runs/{run_id}/issues/{issue}", operation_id="get_issue_view",
            responses=error_responses(404, 503))
def issue_charts(run_id: RunId, issue: str, request: Request,
               model: Annotated[str | None, Query(max_length=64, description="Default: eum if run, else the first.")]
               = None,
               perspective: Annotated[str | None, Query(max_length=256, description="The actor whose view the "
                                                        "quadrant chart shows.")] = None,
               round: Annotated[int, Query(ge=0, le=10_000, description="The round whose positions the quadrant "
                                           "chart starts from.")] = 0) -> dict[str, Any]:
    """One issue of a run: forecast, interval, comparison of models, and the chart specifications
    (positions by round, who challenges whom, levers) as plotly.js figures."""
    db = request.app.state.db
    return issue_view(get_run(run_id, db), issue, model, perspective, round, db)


#: The report's formats and their media types.
REPORT_TYPES = {"html": "text/html", "pdf": "application/pdf", "png": "image/png"}


@router.get("/runs/{run_id}/report", response_class=Response, operation_id="get_report",
            responses={200: {"content": {"text/html": {"schema": {"type": "string"}},
                                         "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                         "image/png": {"schema": {"type": "string", "format": "binary"}}},
                             "description": "A self-contained HTML report, or that report printed to PDF or "
                                            "drawn as a PNG by the local Chromium (offline)."},
                       **error_responses(404, 503)})
def report(run_id: RunId, request: Request,
           kind: Annotated[Literal["html", "pdf", "png"], Query(alias="format",
                                                                description="html (default), pdf or png.")]
           = "html") -> Response:
    """The run's HTML report: one file with charts, tables, inputs and provenance, readable offline; with
    ``format=pdf`` or ``png``, printed by the local Chromium (422 when none is installed)."""
    db = request.app.state.db
    stored = get_run(run_id, db)
    content: str | bytes = html_report(stored, db)
    if kind != "html":
        from realpolitik.report.printing import print_report

        content = print_report(content, kind, len((stored.scenario or {}).get("issues", [])) or 1)
    return Response(content, media_type=REPORT_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="realpolitik-run-{run_id}.{kind}"'})


@router.get("/diff", operation_id="diff_runs", responses=error_responses(404, 503))
def diff(request: Request, a: Annotated[int, Query(ge=1, le=2**63 - 1)],
         b: Annotated[int, Query(ge=1, le=2**63 - 1)]) -> dict[str, Any]:
    """What differs between runs ``a`` and ``b``: inputs, options, parameters and forecasts."""
    db = request.app.state.db
    return diff_runs(get_run(a, db), get_run(b, db))
