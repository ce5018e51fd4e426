"""The pages: static HTML files whose scripts call the JSON API, and plotly.js from the plotly package.

Pages hold no data, so they are served without the token; the API calls they make carry it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from realpolitik.report.figures import plotly_javascript

STATIC = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html")


@router.get("/")
def library_page() -> FileResponse:
    """The scenario library."""
    return _page("library.html")


@router.get("/editor")
def editor_page() -> FileResponse:
    """The scenario editor (``?scenario=NAME`` or ``?run=ID``)."""
    return _page("editor.html")


@router.get("/runs")
def history_page() -> FileResponse:
    """The run history."""
    return _page("history.html")


@router.get("/runs/{run_id}")
def forecast_page(run_id: int) -> FileResponse:
    """The forecast view of one run."""
    return _page("forecast.html")


@router.get("/diff")
def diff_page() -> FileResponse:
    """Two runs side by side (``?a=ID&b=ID``)."""
    return _page("diff.html")


@functools.lru_cache(maxsize=1)
def _plotly_bytes() -> bytes:
    return plotly_javascript().encode("utf-8")


@router.get("/static/vendor/plotly.min.js")
def plotly_script() -> Response:
    """plotly.js, served from the installed plotly package."""
    return Response(_plotly_bytes(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
