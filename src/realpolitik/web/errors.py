"""How the API answers failures: one shape for every 4xx (:class:`ErrorOut`), never a traceback.

Failures of the app (a scenario's problems, an unknown run), of the framework (a missing
parameter, a value out of range) and of the guards (no token, a body too large) all
answer ``{"detail": message, "problems": [...]}``: ``detail`` is one readable line,
``problems`` locates each thing wrong (the request ``location`` and ``field`` path, or
for a scenario its file, row, actor, issue and field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from realpolitik.budget import BudgetExceeded, RunCancelled
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
    BudgetExceeded: 422,
    RunCancelled: 408,
    UnsupportedUpload: 415,
    RunNotFound: 404,
    ScenarioNotFound: 404,
    ReadOnlyScenario: 409,
    StoreError: 503,
}

#: What each error status of the API means, as the OpenAPI schema says it.
MEANINGS = {
    400: "The request cannot be read: a body that is not UTF-8 JSON, a number JSON cannot carry (NaN, Infinity, "
         "1e999), an upload that is not a well-formed multipart form, or a Host this server does not answer.",
    401: "The server has a token and the request did not carry it.",
    404: "No such run or scenario.",
    408: "The run was stopped: it ran past the server's time limit (realpolitik serve --time-limit).",
    409: "A built-in scenario cannot be changed or deleted.",
    413: "The request body is larger than the server accepts (max_request_bytes in /api/meta).",
    415: "The body is not of the media type the operation takes, is JSON in a charset other than UTF-8, or is an "
         "upload of a file type that cannot be imported.",
    422: "The request is well formed but some values are not acceptable: every problem is listed, with the request "
         "location and field, or for a scenario its actor, issue and field.",
    503: "The run store cannot be read or written.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that can fail with ``statuses``, for the OpenAPI schema."""
    return {status: {"model": ErrorOut, "description": MEANINGS[status]} for status in statuses}


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation of the OpenAPI ``schema`` the errors any request can meet: 400 and 413 from
    reading it, 415 and 422 where it takes a body, 422 where it takes parameters (each route declares the
    rest: 404, 409, 503)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = [400, 413]
            if "requestBody" in operation:
                statuses += [415, 422]
            if operation.get("parameters"):
                statuses.append(422)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses[str(status)] = documented_error(status)
    return schema


def documented_error(status: int) -> dict[str, Any]:
    """An error response as an OpenAPI schema documents it: what ``status`` means, and the error shape."""
    return {"description": MEANINGS[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


def error_document(detail: str, problems: Sequence[ProblemOut] = ()) -> dict[str, Any]:
    """The body of an error response."""
    return ErrorOut(detail=detail, problems=list(problems)).model_dump()


def problems_response(status: int, problems: list[ProblemOut], headers: dict[str, str] | None = None) -> JSONResponse:
    """An error listing ``problems``; the detail is the one problem, or how many there are."""
    detail = problems[0].text if len(problems) == 1 else f"{len(problems)} problem(s) found"
    return JSONResponse(error_document(detail, problems), status_code=status, headers=headers)


async def send_error(send, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Answer with an error from ASGI middleware, before the app has seen the request."""
    body = json.dumps(error_document(detail)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def _field_path(parts: Sequence[Any]) -> str:
    """``("scenario", "actors", 0, "name")`` as ``scenario.actors[0].name``."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def request_problem(error: dict[str, Any]) -> ProblemOut:
    """A framework validation error (pydantic's ``loc``, ``msg``) as a located problem; the input is not echoed."""
    location, *parts = [str(error["loc"][0]), *error["loc"][1:]] if error.get("loc") else ["body"]
    field = _field_path(parts) or None
    message = error.get("msg", "is not acceptable")
    if error.get("type") == "value_error" and "error" in error.get("ctx", {}):
        message = str(error["ctx"]["error"])  # without pydantic's "Value error, "
    if field is None:
        text = "a request body is required" if error.get("type") == "missing" else f"body: {message}"
    elif location == "body":
        text = f"body field '{field}': {message}"
    else:
        text = f"{location} parameter '{field}': {message}"
    return ProblemOut(message=message, text=text, location=location, field=field)


def allowed_methods(request: Request) -> list[str]:
    """The methods the schema gives the path of ``request``, a literal path before a templated one
    (Starlette's 405 names the methods of the first route whose path matches, not of all)."""
    paths = request.app.openapi().get("paths", {})
    matching = sorted((template for template in paths
                       if re.fullmatch(re.sub(r"\\\{.*?\\\}", "[^/]+", re.escape(template)), request.scope["path"])),
                      key=lambda template: template.count("{"))
    return sorted(method.upper() for method in paths[matching[0]]) if matching else []


def install_error_handlers(app: FastAPI) -> None:
    """Answer each known failure, framework errors included, in the one error shape."""
    for kind, status in STATUS.items():
        async def handle(request: Request, error: Exception, status: int = status) -> JSONResponse:
            problems = [ProblemOut.of(problem) for problem in getattr(error, "problems", [])]
            if problems:
                return problems_response(status, problems)
            return JSONResponse(error_document(str(error)), status_code=status)

        app.add_exception_handler(kind, handle)

    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return problems_response(422, [request_problem(item) for item in error.errors()])

    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return JSONResponse(error_document(str(error.detail)), status_code=error.status_code, headers=headers)

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error)
