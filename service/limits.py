"""Bound what a request body may cost before anything parses it.

The declared Content-Length is checked in the gate, but a chunked body declares nothing, so the
body is counted here as it arrives and refused as soon as it passes the limit. A JSON body within
the limit is then scanned (strings stripped, structure counted) before it is parsed: a few MB of
``[1,1,1,...]`` or ``[[],[],...]`` would otherwise become millions of Python objects and, through
validation errors, gigabytes. Only a body that passes is replayed to the app.
"""

from __future__ import annotations

import json
import re

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings

JSON_ENDPOINTS = {"/v1/classify", "/v1/classify/batch", "/v1/lint"}
UPLOAD_ENDPOINTS = {"/v1/classify/file", "/v1/lint/file"}
MAX_DEPTH = 16  # the deepest real body is 4 levels ({"documents": [{"text": ...}]})
MAX_NUMBER_CHARS = 32  # no field is a number; anything longer is an attack on int parsing
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: 6x faster than (?:a|b)*
_BRACKETS = re.compile(rb"[\[\]{}]")
_LONG_NUMBER = re.compile(rb"[-+0-9.eE]{%d,}" % (MAX_NUMBER_CHARS + 1))


def error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)


def body_limit(settings: Settings, path: str) -> int | None:
    """Bytes a body to ``path`` may have; None for paths without a body limit."""
    if path in UPLOAD_ENDPOINTS:
        return settings.max_upload_bytes + 65536
    if path in JSON_ENDPOINTS:
        single = 6 * settings.max_chars + 65536  # JSON escaping can at most ~6x a text
        if path.endswith("/batch"):
            return min(single * settings.max_batch, settings.max_batch_bytes)
        return single
    return None


def max_values(settings: Settings) -> int:
    """JSON values a body may hold: a full batch needs about 6 per document."""
    return max(10_000, 16 * settings.max_batch)


def check_json(body: bytes, settings: Settings, path: str) -> JSONResponse | None:
    """None when ``body`` is JSON cheap to parse and validate; else the error to answer."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error(
            422, "malformed_json", f"the request body is not valid UTF-8 (bad byte at {exc.start:,})"
        )
    limit = max_values(settings)
    # Counted first on the raw body (fast; strings' commas and brackets count too, so it can only
    # over-count), and on the body with its strings stripped only when the raw count says no.
    bare = body
    values, deepest, long_number = _shape(bare, limit)
    if values > limit or deepest > MAX_DEPTH or long_number:
        bare = _STRING.sub(b'""', body)  # what is left is structure, numbers and literals
        values, deepest, long_number = _shape(bare, limit)
    if values > limit:
        return error(
            413,
            "body_too_complex",
            f"the request body holds about {values:,} JSON values; the limit is {limit:,}",
        )
    if deepest > MAX_DEPTH:
        return error(
            422, "malformed_json", f"the request body nests {deepest} levels deep; the limit is {MAX_DEPTH}"
        )
    if long_number:
        return error(
            422, "malformed_json", f"the request body holds a number over {MAX_NUMBER_CHARS} characters"
        )
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return error(422, "malformed_json", f"the request body is not valid JSON: {_json_reason(exc)}")
    if path.endswith("/batch") and isinstance(data, dict) and isinstance(data.get("documents"), list):
        n = len(data["documents"])
        if n > settings.max_batch:
            return error(
                413, "batch_too_large", f"{n} documents in one batch; the limit is {settings.max_batch}"
            )
    return None


def _shape(data: bytes, limit: int) -> tuple[int, int, bool]:
    """JSON values (at most), deepest nesting, and whether a too-long number may be present."""
    values = data.count(b",") + data.count(b"[") + data.count(b"{") + 1
    depth = deepest = 0
    if values <= limit:  # else the body is refused (or stripped and counted again) anyway
        for match in _BRACKETS.finditer(data):
            depth += 1 if match.group() in (b"[", b"{") else -1
            deepest = max(deepest, depth)
    return values, deepest, _LONG_NUMBER.search(data) is not None


def _json_reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return type(exc).__name__  # never the message: it could quote the body


class BodyLimit:
    """ASGI middleware: read a /v1 POST body up to its limit (chunked or not), check JSON, replay."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        limit = body_limit(self.settings, path) if scope["type"] == "http" else None
        if limit is None or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                response = error(413, "body_too_large", f"request body is over the limit of {limit:,} bytes")
                await response(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks
        if path in JSON_ENDPOINTS:
            # Off the event loop: scanning a few MB takes milliseconds that health checks need.
            problem = await anyio.to_thread.run_sync(check_json, body, self.settings, path)
            if problem is not None:
                await problem(scope, receive, send)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
