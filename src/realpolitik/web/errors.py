"""How the API answers failures: one message (and every scenario problem), never a traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from realpolitik.forecast import ForecastRequestError
from realpolitik.scenario import ScenarioError
from realpolitik.store import RunNotFound, ScenarioNotFound, StoreError
from realpolitik.web.library import ReadOnlyScenario
from realpolitik.web.schemas import ErrorOut, ProblemOut
from realpolitik.web.uploads import UnsupportedUpload

#: Status code of each known failure.
STATUS = {
    ScenarioError: 422,
    ForecastRequestError: 422,
    UnsupportedUpload: 415,
    RunNotFound: 404,
    ScenarioNotFound: 404,
    ReadOnlyScenario: 409,
    StoreError: 503,
}

#: The error responses to declare on routes, for the OpenAPI schema.
ERROR_RESPONSES = {status: {"model": ErrorOut} for status in (401, 404, 409, 413, 415, 422, 503)}


def error_response(status: int, error: Exception) -> JSONResponse:
    """``{"detail": message, "problems": [...]}`` with ``status``."""
    problems = [ProblemOut.of(problem) for problem in getattr(error, "problems", [])]
    detail = f"{len(problems)} problem(s) found" if problems else str(error)
    return JSONResponse(ErrorOut(detail=detail, problems=problems).model_dump(), status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Answer each known failure with its status code and message."""
    for kind, status in STATUS.items():
        async def handle(request: Request, error: Exception, status: int = status) -> JSONResponse:
            return error_response(status, error)

        app.add_exception_handler(kind, handle)
