"""Reading request bodies strictly: JSON in UTF-8 with finite numbers only, uploads as multipart forms.

Every body the API cannot read is refused with a 4xx and a message naming what is wrong:

* a JSON body in a charset other than UTF-8 (RFC 8259, section 8.1: JSON exchanged between
  systems is UTF-8), or a body that is neither JSON nor a multipart upload: 415;
* bytes that are not UTF-8, text that is not JSON, ``NaN`` and ``Infinity`` (not JSON,
  though Python's parser reads them), numbers too large for a double (``1e999``), and
  nesting deeper than :data:`MAX_JSON_DEPTH`: 400.

Non-finite numbers never reach a handler, so no handler and no error message has to
cope with them.
"""

from __future__ import annotations

import email.message
import json
import math
import sys
from typing import Any

from starlette.datastructures import Headers

from realpolitik.web.errors import send_error

#: Deepest nesting of arrays and objects accepted in a JSON body (a scenario needs five).
MAX_JSON_DEPTH = 64
#: The methods whose bodies the API reads.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NonFiniteNumber(ValueError):
    """A JSON number that a double cannot hold, or a ``NaN``/``Infinity`` literal."""


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(f"the number {text[:40]} is too large (the largest accepted is about 1.8e308)")
    return value


def _finite_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # more digits than Python converts
        raise NonFiniteNumber(f"the number {text[:40]}... has too many digits") from None
    if abs(value) > sys.float_info.max:
        raise NonFiniteNumber(f"the number {text[:40]} is too large (the largest accepted is about 1.8e308)")
    return value


def _no_constant(text: str) -> Any:
    raise NonFiniteNumber(f"{text} is not a JSON number: JSON has no NaN or Infinity")


def _depth(text: str) -> int:
    """The deepest nesting of brackets and braces outside strings, in one linear pass."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """The media type (lower case) and charset parameter of a ``Content-Type`` header."""
    if not content_type:
        return "", None
    message = email.message.Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return message.get_content_type(), str(charset).lower() if isinstance(charset, str) else None


def is_json(kind: str) -> bool:
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


class UnreadableBody(ValueError):
    """A request body the API cannot read, and the status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check_json(body: bytes, charset: str | None) -> None:
    """Refuse a JSON body that is not UTF-8, not JSON, or holds a number the API cannot use."""
    if charset is not None and charset.replace("-", "").replace("_", "") != "utf8":
        raise UnreadableBody(415, f"the JSON body is declared as charset '{charset[:40]}': send JSON in UTF-8 "
                                  "(charset=utf-8 or no charset)")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableBody(400, f"the body is not UTF-8 text (byte 0x{body[error.start]:02x} at offset "
                                  f"{error.start}): send JSON in UTF-8") from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise UnreadableBody(400, f"the JSON body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels")
    try:
        json.loads(text, parse_float=_finite_float, parse_int=_finite_int, parse_constant=_no_constant)
    except NonFiniteNumber as error:
        raise UnreadableBody(400, f"the JSON body holds a number the API cannot use: {error}") from None
    except json.JSONDecodeError as error:
        raise UnreadableBody(400, f"the body is not valid JSON: {error.msg} (line {error.lineno}, column "
                                  f"{error.colno})") from None


class StrictBodies:
    """ASGI middleware that reads the body of every API request that sends one and refuses what the API
    cannot read, before any route sees it: JSON must pass :func:`check_json`, and anything but JSON
    and multipart forms (uploads) is refused with 415. Accepted bodies are handed on unchanged.

    Sits inside :class:`realpolitik.web.security.RequestSizeLimit`, so the body it holds is bounded.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] not in BODY_METHODS
                or not scope["path"].startswith("/api/")):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left, or the size limit has already answered
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body:
            kind, charset = media_type(Headers(scope=scope).get("content-type"))
            try:
                if is_json(kind):
                    check_json(body, charset)
                elif kind != "multipart/form-data":
                    raise UnreadableBody(415, "send JSON (Content-Type: application/json), or a file to import as "
                                              f"multipart/form-data, not '{kind[:60] or 'unlabelled data'}'")
            except UnreadableBody as error:
                await send_error(send, error.status, str(error))
                return
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
