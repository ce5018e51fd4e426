"""The browser workbench: scenario library and editor, forecasts with charts, run history and diffs.

``realpolitik serve`` runs :func:`create_app` under uvicorn on 127.0.0.1; the JSON
API under ``/api`` (schema at ``/api/openapi.json``) does everything the pages do.
"""

from realpolitik.web.app import create_app

__all__ = ["create_app"]
