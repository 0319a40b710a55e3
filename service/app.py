"""``create_app(settings)`` assembles the service; the model loads once, in lifespan.

Requests pass a small gate before any body is parsed (API key, content type, declared size), so a
bad request is answered cheaply and the same way on every endpoint. Classification runs in worker
threads, so health checks answer while a long document is being read. Logs hold sizes, timings and
verdicts, never document text.
"""

from __future__ import annotations

import logging
import secrets
import time
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from classifier import Classifier
from classifier.errors import ArchetypeError, InputError, TextTooLargeError, UnsupportedFormatError
from classifier.pay import load_bands

from .limits import JSON_ENDPOINTS, UPLOAD_ENDPOINTS, BodyLimit, body_limit, error
from .routes import api, pages
from .settings import Settings

log = logging.getLogger("archetype.service")
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, *, classifier: Classifier | None = None) -> FastAPI:
    """Build the app. Pass ``classifier`` to serve an already-loaded one (tests, embedding)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        clf = classifier
        if clf is None:
            started = time.perf_counter()
            clf = Classifier.load(  # a ModelError here stops start-up with its message
                settings.model,
                max_chars=settings.max_chars,
                cache_size=settings.cache_size,
                mode=settings.mode,
                backend=settings.backend,
            )
            clf.classify("Warm-up: train and deploy machine learning models.")  # load weights now
            log.info(
                "model %s (%s, %s) loaded in %.1fs",
                clf.model_version,
                clf.mode,
                clf.backend,
                time.perf_counter() - started,
            )
        clf.max_chars = settings.max_chars
        # A team's own pay bands (ARCHETYPE_PAY_BANDS), read once; a bad table stops start-up.
        app.state.pay_bands = load_bands(settings.pay_bands) if settings.pay_bands else None
        app.state.classifier = clf
        app.state.limiter = anyio.CapacityLimiter(max(1, settings.workers))
        # Uploads are read under their own limiter: slow files never hold the classification slots.
        app.state.upload_limiter = anyio.CapacityLimiter(max(1, settings.upload_workers))
        yield
        app.state.classifier = None

    app = FastAPI(
        title="archetype",
        version="0.1.0",
        description="Classify AI/ML job descriptions and resumes into five archetypes; lint JDs "
        "that mix two. Send `Authorization: Bearer <key>` to /v1 when the server has an API key.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.classifier = None
    app.state.pay_bands = None
    app.add_middleware(BodyLimit, settings=settings)  # inside the gate: runs after its cheap checks

    @app.middleware("http")
    async def gate(request: Request, call_next):
        started = time.perf_counter()
        path = request.url.path
        response = None
        if path.startswith("/v1/") and request.method == "POST":
            response = _check(request, settings, path)
        if response is None:
            try:
                response = await call_next(request)
            except Exception as exc:  # noqa: BLE001 - answered here so no server logs a traceback
                # The type only: exception text could quote the document.
                log.error("%s %s failed: %s", request.method, path, type(exc).__name__)
                response = error(
                    500, "internal", f"internal error ({type(exc).__name__}); the server keeps serving"
                )
        log.info(
            "%s %s %s %sB %.0fms",
            request.method,
            path,
            response.status_code,
            request.headers.get("content-length", "-"),
            1000 * (time.perf_counter() - started),
        )
        return response

    if settings.api_key:

        @app.middleware("http")
        async def auth(request: Request, call_next):
            if request.url.path.startswith("/v1/"):
                header = request.headers.get("authorization", "")
                scheme, _, token = header.partition(" ")
                if scheme.lower() != "bearer" or not secrets.compare_digest(
                    token.encode(), settings.api_key.encode()
                ):
                    return error(
                        401,
                        "unauthorized",
                        "missing or wrong API key: send 'Authorization: Bearer <key>'",
                        {"WWW-Authenticate": "Bearer"},
                    )
            return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error(422, "malformed_json", "the request body is not valid JSON")
        parts = []
        for e in errors[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where or 'body'}: {e.get('msg')}")
        return error(422, "invalid_request", "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed"}
        message = {404: f"no such path: {request.url.path}", 405: f"{request.method} is not allowed here"}
        return error(
            exc.status_code,
            codes.get(exc.status_code, "http_error"),
            message.get(exc.status_code, str(exc.detail)),
            getattr(exc, "headers", None),
        )

    @app.exception_handler(TextTooLargeError)
    async def too_large(request: Request, exc: TextTooLargeError):
        return error(413, exc.code, str(exc))

    @app.exception_handler(UnsupportedFormatError)
    async def unsupported(request: Request, exc: UnsupportedFormatError):
        return error(415, exc.code, str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError):
        return error(422, exc.code, str(exc))

    @app.exception_handler(ArchetypeError)
    async def failure(request: Request, exc: ArchetypeError):
        return error(500, "internal", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # The message names the type only: exception text could quote the document.
        log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
        return error(500, "internal", f"internal error ({type(exc).__name__}); the server keeps serving")

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _check(request: Request, settings: Settings, path: str) -> JSONResponse | None:
    """Content type and declared size, before the body is read (BodyLimit counts what arrives)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    if path in JSON_ENDPOINTS:
        if ctype != "application/json":
            return error(
                415,
                "unsupported_media_type",
                f"send the body as application/json, not {ctype or 'no content type'}",
            )
    elif path in UPLOAD_ENDPOINTS:
        if ctype != "multipart/form-data":
            return error(
                415,
                "unsupported_media_type",
                f"upload the file as multipart/form-data, not {ctype or 'no content type'}",
            )
    else:
        return None
    limit = body_limit(settings, path)
    if length and length.isdigit() and int(length) > limit:
        return error(413, "body_too_large", f"request body is {int(length):,} bytes; the limit is {limit:,}")
    return None
