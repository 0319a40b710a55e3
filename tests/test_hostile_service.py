"""Hostile and careless requests: every one gets a small, clear error, costs little, and is logged
without its text. Real HTTP through the real app and the real model."""

import json
import logging
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from service import Settings, create_app

from .files import make_docx_bomb, make_pdf_stream_bomb
from .texts import ML_JD, RS_RESUME

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http(live_server):
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def _chunks(data: bytes, size: int = 65536):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_a_chunked_body_is_bounded_like_a_declared_one(http):
    body = b"[" + b"1," * 1_000_000 + b"1]"  # 2 MB, no Content-Length
    r = http.post("/v1/lint", content=_chunks(body), headers=JSON)
    assert "content-length" not in r.request.headers
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    assert http.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/v1/classify/batch", b'{"documents": [' + b"1," * 500_000 + b"1]}", 413, "body_too_complex"),
        ("/v1/classify/batch", b"[" + b"[]," * 300_000 + b"[]]", 413, "body_too_complex"),
        ("/v1/lint", b'{"text": "x", "allow_mix": [' + b'"a",' * 100_000 + b'"a"]}', 413, "body_too_complex"),
        ("/v1/classify", b"[" * 5000 + b"]" * 5000, 422, "malformed_json"),
        ("/v1/classify", b'{"text": ' + b"9" * 5000 + b"}", 422, "malformed_json"),
        ("/v1/classify", b'{"text": "caf\xe9 machine learning"}', 422, "malformed_json"),
        ("/v1/classify", b'{"text": "ok"', 422, "malformed_json"),
        (
            "/v1/classify/batch",
            json.dumps({"documents": [{"text": "a"}] * 65}).encode(),
            413,
            "batch_too_large",
        ),
    ],
    ids=["ints", "empty-arrays", "strings", "deep", "huge-int", "not-utf8", "truncated", "batch-65"],
)
def test_json_bodies_are_checked_before_they_are_parsed(http, path, body, status, code):
    r = http.post(path, content=body, headers=JSON)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]


def test_a_lone_surrogate_is_that_documents_422(http):
    # JSON escapes allow a lone surrogate; UTF-8 cannot hold one (the cache hashes UTF-8).
    raw = json.dumps({"text": "We train \ud800 ranking models in production. " + ML_JD})
    r = http.post("/v1/classify", content=raw.encode(), headers=JSON)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_unicode"
    assert "U+D800" in r.json()["error"]["message"]
    r = http.post("/v1/lint", content=raw.encode(), headers=JSON)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_unicode"
    r = http.post(
        "/v1/classify", content=json.dumps({"text": ML_JD, "title": "ML \ud800"}).encode(), headers=JSON
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_unicode"
    docs = [{"id": str(i), "text": ML_JD} for i in range(63)]
    docs[5] = {"id": "bad\ud800", "text": "We train \ud800 ranking models. " + ML_JD}
    r = http.post("/v1/classify/batch", content=json.dumps({"documents": docs}).encode(), headers=JSON)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[5]["error"]["code"] == "invalid_unicode" and results[5]["id"] == "bad\ufffd"
    assert all(x["result"]["archetype"] == "ml_engineer" for i, x in enumerate(results) if i != 5)


def test_upload_bombs_are_refused_quickly(http):
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    for name, data, ctype in (
        ("cv.docx", make_docx_bomb(50_000_000), docx_type),
        ("cv.pdf", make_pdf_stream_bomb(5_000_000), "application/pdf"),
    ):
        started = time.perf_counter()
        r = http.post("/v1/classify/file", files={"file": (name, data, ctype)})
        assert r.status_code == 422 and r.json()["error"]["code"] == "extraction_limit", r.text
        assert name in r.json()["error"]["message"]
        assert time.perf_counter() - started < 5


def test_slow_uploads_never_starve_lint(http, live_server, monkeypatch):
    from service.routes import api

    def slow_extract(data, *args, **kwargs):  # a file that takes seconds to read
        time.sleep(3)
        return RS_RESUME

    monkeypatch.setattr(api, "extract_text", slow_extract)
    statuses = []

    def upload():
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            statuses.append(
                c.post("/v1/classify/file", files={"file": ("cv.txt", b"x", "text/plain")}).status_code
            )

    uploads = [threading.Thread(target=upload) for _ in range(2)]
    for t in uploads:
        t.start()
    time.sleep(0.5)
    asked = time.perf_counter()
    assert http.post("/v1/lint", json={"text": ML_JD}).status_code == 200
    waited = time.perf_counter() - asked
    for t in uploads:
        t.join()
    assert statuses == [200, 200]
    assert waited < 2.0, f"lint waited {waited:.1f}s behind uploads"


def test_a_500_logs_the_exception_type_never_its_text(http, _classifier, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("Zanzibarquux's private resume text")

    monkeypatch.setattr(_classifier, "classify", boom)
    with caplog.at_level(logging.DEBUG):
        r = http.post("/v1/classify", json={"text": ML_JD})
        time.sleep(0.2)
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal"
    assert "RuntimeError" in r.json()["error"]["message"] and "Zanzibarquux" not in r.text
    assert any("RuntimeError" in rec.getMessage() for rec in caplog.records)
    for rec in caplog.records:
        assert "Zanzibarquux" not in rec.getMessage() and not rec.exc_info, rec.getMessage()
    assert http.get("/healthz").status_code == 200


def test_serve_logs_the_apps_info_lines(monkeypatch):
    import uvicorn

    from classifier import cli

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    try:
        assert cli.main(["serve"]) == 0
        assert logging.getLogger("archetype.service").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_limits_follow_settings(_classifier):
    app = create_app(Settings(max_batch_bytes=20_000, max_extracted_bytes=1_000_000), classifier=_classifier)
    with TestClient(app) as c:
        docs = {"documents": [{"text": ML_JD}] * 60}
        r = c.post("/v1/classify/batch", json=docs)
        assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
        r = c.post("/v1/classify/batch", json={"documents": [{"text": ML_JD}] * 2})
        assert r.status_code == 200
        r = c.post(
            "/v1/classify/file",
            files={"file": ("cv.docx", make_docx_bomb(2_000_000), "application/octet-stream")},
        )
        assert r.status_code == 422 and "1,000,000" in r.json()["error"]["message"]


def test_text_that_looks_like_structure_is_still_just_text(http):
    text = ML_JD + "\n" + "[" * 40 + " " + "-" * 60 + " " + "1" * 50 + " " + ", " * 20_000
    r = http.post("/v1/classify", json={"text": text})
    assert r.status_code == 200, r.text
