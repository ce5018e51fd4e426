"""The web workbench: ``create_app`` assembles the JSON API, the pages and the guards."""

from __future__ import annotations

import contextlib
import os
import threading

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from realpolitik import __version__
from realpolitik.budget import WEB_BUDGET, Budget
from realpolitik.store import open_store
from realpolitik.web import api_analyses, api_ledger, api_meta, api_overview, api_runs, api_scenarios, pages
from realpolitik.web.analysis_workers import AnalysisWorkers, warm_up
from realpolitik.web.bodies import StrictBodies
from realpolitik.web.errors import declare_errors, install_error_handlers
from realpolitik.web.security import MAX_REQUEST_BYTES, HostGuard, RequestSizeLimit, TokenGuard, declare_token

#: The pages load scripts, styles and data from the app itself and nothing else.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
                           "form-action 'self'; base-uri 'none'")


def create_app(db: str | None = None, token: str | None = None,
               max_request_bytes: int = MAX_REQUEST_BYTES, allowed_hosts: list[str] | None = None,
               budget: Budget = WEB_BUDGET, warm: bool = False) -> FastAPI:
    """The app, storing runs and saved scenarios in ``db`` (see :mod:`realpolitik.store`), opened now.

    With a ``token``, every API call must carry it (``Authorization: Bearer TOKEN``), and
    the schema says so. Request bodies larger than ``max_request_bytes`` are refused with
    413. With ``allowed_hosts``, requests naming any other host are refused with 400, so a
    web page cannot reach a loopback server by pointing its own domain at 127.0.0.1. A run
    whose estimated memory or time exceeds ``budget`` is refused up front; one that runs past
    its time limit, or whose client disconnects, is stopped (see :mod:`realpolitik.budget`).
    With ``warm``, every model runs once on a small table at start-up, on a thread of its own
    (:func:`realpolitik.web.analysis_workers.warm_up`), so that the first run does not wait for
    imports and compiled kernels.
    """
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:
            threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
        yield
        app.state.analysis_workers.close()

    app = FastAPI(
        lifespan=lifespan,
        title="realpolitik workbench",
        version=__version__,
        description="Build stakeholder tables, forecast negotiations with several models, and compare stored runs.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.db = open_store(db)
    app.state.max_request_bytes = max_request_bytes
    app.state.budget = budget
    app.state.token_required = token is not None
    # Models run a few at a time: CPU-bound threads beyond the cores only slow every request down.
    app.state.model_slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
    # A forecast run's analyses are computed after it answers, on threads of their own.
    app.state.analysis_workers = AnalysisWorkers(app.state.db)
    for router in (api_meta.router, api_scenarios.router, api_runs.router, api_analyses.router, api_overview.router):
        app.include_router(router)
    app.include_router(pages.router)
    app.include_router(api_ledger.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    install_error_handlers(app)

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.add_middleware(StrictBodies)
    app.add_middleware(RequestSizeLimit, limit=max_request_bytes)
    routes_schema = app.openapi
    app.openapi = lambda: declare_errors(routes_schema())
    if token is not None:
        app.add_middleware(TokenGuard, token=token)
        schema_without_token = app.openapi
        app.openapi = lambda: declare_token(schema_without_token())
    if allowed_hosts is not None:
        app.add_middleware(HostGuard, allowed_hosts=allowed_hosts)
    return app
