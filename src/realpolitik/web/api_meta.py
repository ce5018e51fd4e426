"""The API route that tells the pages what the app offers and which limits it enforces."""

from __future__ import annotations

from fastapi import APIRouter, Request

from realpolitik import __version__
from realpolitik.forecast import MODELS
from realpolitik.web.schemas import MAX_WEB_ACTORS, MAX_WEB_ROUNDS, MetaOut, ModelOut
from realpolitik.web.uploads import UPLOAD_SUFFIXES

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/meta", response_model=MetaOut)
def meta(request: Request) -> MetaOut:
    """The package version, the models and their presets, and the request limits."""
    return MetaOut(
        version=__version__,
        models=[ModelOut(name=spec.name, title=spec.title, source=spec.source, presets=list(spec.presets))
                for spec in MODELS.values()],
        max_request_bytes=request.app.state.max_request_bytes,
        max_actors=MAX_WEB_ACTORS,
        max_rounds=MAX_WEB_ROUNDS,
        upload_suffixes=list(UPLOAD_SUFFIXES),
        token_required=request.app.state.token_required,
    )
