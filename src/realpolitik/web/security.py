"""The app's guards: loopback-only unless a token is set, the token check, and request-size limits."""

from __future__ import annotations

import ipaddress
import json
import secrets

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

#: The environment variable holding the API token.
TOKEN_VARIABLE = "REALPOLITIK_TOKEN"
#: The header the pages send the token in (``Authorization: Bearer`` works too).
TOKEN_HEADER = "X-Realpolitik-Token"
#: Largest request body accepted, in bytes; uploads included.
MAX_REQUEST_BYTES = 5 * 1024 * 1024

bearer = HTTPBearer(auto_error=False, description="The token given to `realpolitik serve` (--token or "
                    "REALPOLITIK_TOKEN); required on every API call when the server has one.")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_guard(token: str | None):
    """A dependency that refuses API calls without ``token`` (a no-op when there is none)."""

    def require_token(request: Request,
                      credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if token is None:
            return
        given = request.headers.get(TOKEN_HEADER) or (credentials.credentials if credentials else "")
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "this server needs its token: send it as 'Authorization: Bearer TOKEN' "
                                     f"or '{TOKEN_HEADER}: TOKEN'", headers={"WWW-Authenticate": "Bearer"})

    return require_token


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
        body = json.dumps({"detail": f"request body larger than the {self.limit // 2**20} MiB accepted"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
