"""The page for people, and the health checks."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from ..schemas import HealthOut

router = APIRouter()
INDEX = Path(__file__).resolve().parent.parent / "static" / "index.html"


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(INDEX, media_type="text/html")


@router.get("/healthz", response_model=HealthOut, tags=["health"])
async def healthz() -> HealthOut:
    """The process is alive."""
    return HealthOut(status="ok")


@router.get(
    "/readyz", response_model=HealthOut, tags=["health"], responses={503: {"description": "model not loaded"}}
)
async def readyz(request: Request):
    """The model is loaded and requests can be served."""
    clf = request.app.state.classifier
    if clf is None:
        return JSONResponse({"status": "loading", "model_version": None}, 503)
    return HealthOut(status="ready", model_version=clf.model_version)
