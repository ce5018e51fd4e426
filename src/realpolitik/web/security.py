"""The app's guards: loopback-only unless a token is set, the token check, and request-size limits.

Each guard is ASGI middleware that answers before the app reads the request, in the
API's one error shape (:mod:`realpolitik.web.errors`).
"""

from __future__ import annotations

import ipaddress
import secrets

from starlette.datastructures import Headers

from realpolitik.web.errors import documented_error, send_error

#: The environment variable holding the API token.
TOKEN_VARIABLE = "REALPOLITIK_TOKEN"
#: The header the pages send the token in (``Authorization: Bearer`` works too).
TOKEN_HEADER = "X-Realpolitik-Token"
#: Largest request body accepted, in bytes; uploads included.
MAX_REQUEST_BYTES = 5 * 1024 * 1024

#: Paths under /api that answer without the token: the schema, which describes how to send it.
PUBLIC_API_PATHS = frozenset({"/api/openapi.json"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def carries_token(headers: Headers, token: str) -> bool:
    """Whether ``Authorization: Bearer TOKEN`` or the token header holds ``token`` (compared in constant time)."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    given = [headers.get(TOKEN_HEADER, ""), credentials.strip() if scheme.lower() == "bearer" else ""]
    return any(secrets.compare_digest(value.encode(), token.encode()) for value in given if value)


class TokenGuard:
    """ASGI middleware answering 401 to every API request without the token.

    Runs before the request is routed or its body read, so no operation, and no
    malformed or oversized request, is answered without the token. The pages and their
    assets (outside ``/api``) and the schema are public: they hold no data.
    """

    def __init__(self, app, token: str):
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if (scope["type"] == "http" and (path == "/api" or path.startswith("/api/")) and path not in PUBLIC_API_PATHS
                and not carries_token(Headers(scope=scope), self.token)):
            await send_error(send, 401, "this server needs its token: send it as 'Authorization: Bearer TOKEN' "
                                        f"or '{TOKEN_HEADER}: TOKEN'", [(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)


def declare_token(schema: dict) -> dict:
    """Say in the OpenAPI ``schema`` that every operation needs the token, and may answer 401 without it."""
    schema.setdefault("components", {}).setdefault("securitySchemes", {}).update({
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "The token given to `realpolitik serve` (--token or REALPOLITIK_TOKEN)."},
        "tokenHeader": {"type": "apiKey", "in": "header", "name": TOKEN_HEADER,
                        "description": "The same token in a header of its own (what the pages send)."},
    })
    schema["security"] = [{"bearer": []}, {"tokenHeader": []}]
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {})["401"] = documented_error(401)
    return schema


class HostGuard:
    """ASGI middleware answering 400 to requests whose ``Host`` is not one of ``allowed_hosts`` (any port)."""

    def __init__(self, app, allowed_hosts: list[str]):
        self.app = app
        self.allowed = {host.lower() for host in allowed_hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            host = Headers(scope=scope).get("host", "").lower()
            name = host[:host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
            if name not in self.allowed:
                await send_error(send, 400, f"this server answers requests for {', '.join(sorted(self.allowed))} "
                                            "only: the Host header names another")
                return
        await self.app(scope, receive, send)


class RequestSizeLimit:
    """ASGI middleware answering 413 to any request whose body is larger than ``limit`` bytes.

    Checks ``Content-Length`` first, then counts the body as it arrives (for chunked
    uploads): past the limit it answers 413 itself and tells the app the client left,
    so a large body is never read into memory whole.
    """

    def __init__(self, app, limit: int = MAX_REQUEST_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def counting_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if not (started or refused):
                        refused = True
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message):
            nonlocal started
            if not refused:
                started = True
                await send(message)

        await self.app(scope, counting_receive, unless_refused)

    async def _refuse(self, send) -> None:
        await send_error(send, 413, f"the request body is larger than the {self.limit // 2**20} MiB accepted",
                         [(b"connection", b"close")])
