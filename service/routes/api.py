"""/v1: classify, batch, lint, file upload, taxonomy. Each handler adapts the library's API."""

from __future__ import annotations

import logging
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from classifier import TAXONOMY, Classifier, Document, Label
from classifier.errors import InputError, TextTooLargeError
from classifier.inputs import SURROGATE
from classifier.lint import LintReport, lint
from classifier.lintconfig import LintConfig, check_fail_on, check_rule
from classifier.readers import extract_text

from ..schemas import (
    ArchetypeOut,
    BatchItemOut,
    BatchOut,
    BatchRequest,
    ClassificationOut,
    ClassifyRequest,
    ErrorBody,
    ErrorOut,
    KindName,
    LintFileOut,
    LintOut,
    LintRequest,
)
from ..settings import Settings

log = logging.getLogger("archetype.service")
router = APIRouter(prefix="/v1", tags=["v1"])
ERRORS = {
    401: {"model": ErrorOut, "description": "missing or wrong API key"},
    413: {"model": ErrorOut, "description": "text, batch or file over its limit"},
    415: {"model": ErrorOut, "description": "wrong content type"},
    422: {"model": ErrorOut, "description": "empty, binary, non-English or malformed input"},
}


def get_classifier(request: Request) -> Classifier:
    return request.app.state.classifier


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


ClassifierDep = Annotated[Classifier, Depends(get_classifier)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def run(request: Request, fn, *args, **kwargs):
    """Run CPU-bound work in a worker thread so the event loop stays free."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=request.app.state.limiter)


def _log(kind: str, result, n_chars: int) -> None:
    log.info(
        "%s chars=%d verdict=%s conf=%.2f mixed=%s",
        kind,
        n_chars,
        result.archetype,
        result.confidence,
        result.mixed,
    )


@router.post("/classify", response_model=ClassificationOut, responses=ERRORS)
async def classify(body: ClassifyRequest, request: Request, clf: ClassifierDep) -> ClassificationOut:
    """Classify one JD or resume."""
    result = await run(request, clf.classify, body.text, title=body.title, kind=body.kind)
    _log("classify", result, len(body.text))
    return ClassificationOut(**result.to_dict())


@router.post("/classify/batch", response_model=BatchOut, responses=ERRORS)
async def classify_batch(body: BatchRequest, request: Request, clf: ClassifierDep, settings: SettingsDep):
    """Classify up to ``ARCHETYPE_MAX_BATCH`` documents (default 64); results in input order.

    A bad document gets an error in its place; the others are still classified."""
    n = len(body.documents)
    if n > settings.max_batch:
        return JSONResponse(
            {
                "error": {
                    "code": "batch_too_large",
                    "message": f"{n} documents in one batch; the limit is {settings.max_batch}",
                }
            },
            413,
        )
    docs = [Document(d.text, d.title, d.kind, d.id) for d in body.documents]
    results = await run(request, clf.classify_batch, docs)
    items = []
    for i, (doc, res) in enumerate(zip(body.documents, results, strict=True)):
        doc_id = _printable_id(doc.id)
        if isinstance(res, InputError):
            items.append(BatchItemOut(index=i, id=doc_id, error=ErrorBody(code=res.code, message=str(res))))
        else:
            items.append(BatchItemOut(index=i, id=doc_id, result=ClassificationOut(**res.to_dict())))
    log.info("batch n=%d errors=%d", n, sum(1 for r in results if isinstance(r, InputError)))
    return BatchOut(results=items)


def _config(request: Request, fail_on: str, rules: dict[str, str]) -> LintConfig:
    config = LintConfig(fail_on=check_fail_on(fail_on))
    for rule, level in rules.items():
        config.rules[check_rule(rule, "rules")] = level
    return config


def _printable_id(value: str | None) -> str | None:
    """An id echoed back as sent, except lone surrogates (not encodable), which become U+FFFD."""
    if value is None:
        return None
    return SURROGATE.sub("\ufffd", value)


@router.post("/lint", response_model=LintOut, responses=ERRORS)
async def lint_jd(body: LintRequest, request: Request, clf: ClassifierDep) -> JSONResponse:
    """Lint a JD before posting: findings by rule id and severity (mixed archetypes, a title that names
    another archetype, out of scope, no role content, low confidence, pay against the market band,
    adjacent skills), and which sentences to cut or move."""
    config = _config(request, body.fail_on, body.rules)
    report: LintReport = await run(
        request,
        lint,
        clf,
        body.text,
        title=body.title,
        allow_mix=tuple(body.allow_mix),
        config=config,
        bands=request.app.state.pay_bands,
    )
    _log("lint", report.classification, len(body.text))
    return JSONResponse(report.to_dict())


@router.post("/lint/file", response_model=LintFileOut, responses=ERRORS)
async def lint_file(
    request: Request,
    clf: ClassifierDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="PDF, DOCX, HTML or TXT")],
    title: Annotated[str | None, Form()] = None,
    allow_mix: Annotated[str | None, Form(description="comma-separated archetypes")] = None,
    fail_on: Annotated[str, Form()] = "error",
) -> JSONResponse:
    """Lint an uploaded JD file; the answer is the lint document plus the ``text`` read from the file."""
    text = await _read_upload(request, settings, file)
    config = _config(request, fail_on, {})
    blend = tuple(a.strip() for a in (allow_mix or "").split(",") if a.strip())
    report: LintReport = await run(
        request,
        lint,
        clf,
        text,
        title=title or None,
        allow_mix=blend,
        config=config,
        bands=request.app.state.pay_bands,
    )
    _log("lint-file", report.classification, len(text))
    return JSONResponse({**report.to_dict(), "text": text})


async def _read_upload(request: Request, settings: Settings, file: UploadFile) -> str:
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise TextTooLargeError(
            f"{file.filename}: the file is over the {settings.max_upload_bytes:,}-byte upload limit"
        )
    # Read under the upload limiter, not the classification one: slow files never starve lint.
    return await anyio.to_thread.run_sync(
        partial(
            extract_text,
            data,
            file.filename,
            file.content_type,
            max_extracted_bytes=settings.max_extracted_bytes,
            max_seconds=settings.extract_seconds,
        ),
        limiter=request.app.state.upload_limiter,
    )


@router.post("/classify/file", response_model=ClassificationOut, responses=ERRORS)
async def classify_file(
    request: Request,
    clf: ClassifierDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="PDF, DOCX, HTML or TXT")],
    title: Annotated[str | None, Form()] = None,
    kind: Annotated[KindName, Form()] = "auto",
) -> ClassificationOut:
    """Classify an uploaded resume or JD, as an ATS webhook sends it."""
    text = await _read_upload(request, settings, file)
    result = await run(request, clf.classify, text, title=title, kind=kind)
    _log("file", result, len(text))
    return ClassificationOut(**result.to_dict())


@router.get("/archetypes", response_model=list[ArchetypeOut])
async def archetypes() -> list[ArchetypeOut]:
    """The taxonomy: the five archetypes and out_of_scope, with descriptions."""
    return [
        ArchetypeOut(id=label.value, name=i.name, summary=i.summary, evidence=i.evidence, colour=i.colour)
        for label, i in TAXONOMY.items()
    ]


__all__ = ["router", "Label"]
