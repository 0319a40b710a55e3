"""The HTTP API through the real app and the real model, over real HTTP on loopback."""

import json
import logging
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from classifier.errors import ModelError
from service import Settings, create_app

from .files import make_docx, make_pdf
from .texts import BOILERPLATE, EVEN_BLEND_JD, INFRA_JD, MIXED_JD, ML_JD, RS_RESUME


@pytest.fixture(scope="module")
def http(live_server):
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def test_health_ready_taxonomy_docs(http):
    assert http.get("/healthz").json() == {"status": "ok", "model_version": None}
    ready = http.get("/readyz").json()
    assert ready["status"] == "ready" and ready["model_version"].startswith("archetype-")
    ids = [a["id"] for a in http.get("/v1/archetypes").json()]
    assert ids == [
        "research_scientist",
        "research_engineer",
        "ml_engineer",
        "ml_infra_engineer",
        "applied_ai_engineer",
        "out_of_scope",
    ]
    assert http.get("/docs").status_code == 200
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/v1/classify", "/v1/classify/batch", "/v1/lint", "/v1/classify/file"} <= set(paths)


def test_classify(http):
    r = http.post("/v1/classify", json={"text": INFRA_JD, "title": "Research Engineer"})
    assert r.status_code == 200
    body = r.json()
    assert body["archetype"] == "ml_infra_engineer" and body["title_mismatch"] is True
    assert abs(sum(body["probabilities"].values()) - 1) < 1e-3
    for e in body["evidence"]["ml_infra_engineer"]:
        assert INFRA_JD[e["start"] : e["end"]].replace("\n", " ") == e["text"]


def test_batch_keeps_order_and_isolates_bad_documents(http):
    docs = [{"id": "1", "text": ML_JD}, {"id": "2", "text": "  "}, {"id": "3", "text": RS_RESUME}]
    r = http.post("/v1/classify/batch", json={"documents": docs})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["id"] for x in results] == ["1", "2", "3"]
    assert results[0]["result"]["archetype"] == "ml_engineer"
    assert results[1]["error"]["code"] == "empty_text" and results[1]["result"] is None
    assert results[2]["result"]["archetype"] == "research_scientist"


def test_lint_mixed_jd(http):
    r = http.post("/v1/lint", json={"text": MIXED_JD, "title": "Research Scientist"})
    assert r.status_code == 200
    body = r.json()
    assert body["mixed"] and not body["passed"]
    assert body["mix"]["primary"] == "ml_engineer" and body["mix"]["secondary"] == "research_scientist"
    pulled = {h["archetype"] for h in body["highlights"]}
    assert {"ml_engineer", "research_scientist"} <= pulled
    for h in body["highlights"]:
        assert h["message"] and MIXED_JD[h["start"] : h["end"]]
    assert body["suggestions"] and all(s["archetype"] == "research_scientist" for s in body["suggestions"])
    assert body["title_mismatch"]["mismatch"] is True and body["title_mismatch"]["source"] == "given"
    assert body["title_mismatch"]["title_suggests"] == ["research_scientist"]
    assert body["title_mismatch"]["body_says"] == "ml_engineer"
    rules = [f["rule"] for f in body["findings"]]
    assert rules[:2] == ["mixed-archetypes", "title-mismatch"]  # errors first
    assert all(f["severity"] in ("error", "warning", "info") and f["message"] for f in body["findings"])
    assert body["counts"]["error"] == 2 and body["fail_on"] == "error"


def test_lint_api_and_cli_json_are_the_same_document(http, tmp_path, capsys, _classifier, monkeypatch):
    from classifier import cli

    monkeypatch.setattr(cli, "_load", lambda args: _classifier)
    jd = tmp_path / "jd.txt"
    jd.write_text(MIXED_JD)
    assert cli.main(["lint", str(jd), "--format", "json", "--title", "Research Scientist"]) == 1
    from_cli = json.loads(capsys.readouterr().out)
    from_api = http.post("/v1/lint", json={"text": MIXED_JD, "title": "Research Scientist"}).json()
    assert from_cli == from_api
    from service.schemas import LintOut

    assert LintOut.model_validate(from_api).model_dump(mode="json") == from_api  # the documented schema


def test_lint_request_re_levels_rules_and_sets_the_threshold(http):
    body = http.post(
        "/v1/lint",
        json={
            "text": MIXED_JD,
            "title": "Research Scientist",
            "rules": {"mixed-archetypes": "off", "title-mismatch": "warning"},
        },
    ).json()
    assert body["passed"] and [f["rule"] for f in body["findings"]][0] == "title-mismatch"
    assert body["findings"][0]["severity"] == "warning" and body["disabled"] == ["mixed-archetypes"]
    body = http.post(
        "/v1/lint", json={"text": MIXED_JD, "fail_on": "info", "rules": {"mixed-archetypes": "info"}}
    ).json()
    assert not body["passed"]
    r = http.post("/v1/lint", json={"text": MIXED_JD, "rules": {"no-such-rule": "off"}})
    assert r.status_code == 422 and "unknown rule 'no-such-rule'" in r.json()["error"]["message"]
    r = http.post("/v1/lint", json={"text": MIXED_JD, "fail_on": "sometimes"})
    assert r.status_code == 422


def test_lint_file_returns_the_document_and_the_text_read(http):
    pdf = make_pdf(MIXED_JD.splitlines())
    r = http.post(
        "/v1/lint/file", files={"file": ("jd.pdf", pdf, "application/pdf")}, data={"fail_on": "error"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mixed"] and "mixed-archetypes" in [f["rule"] for f in body["findings"]]
    for h in body["highlights"]:
        assert body["text"][h["start"] : h["end"]].replace("\n", " ").strip()
    r = http.post("/v1/lint/file", files={"file": ("jd.pdf", b"%PDF-1.4 broken", "application/pdf")})
    assert r.status_code == 422 and "cannot read this PDF" in r.json()["error"]["message"]
    r = http.post("/v1/lint/file", json={"text": "not a file"})
    assert r.status_code == 415


def test_lint_without_a_clear_lead_asks_for_review_and_keeps_what_the_title_promises(http):
    cut = {}
    for title in ("Machine Learning Engineer", "ML Platform Engineer"):
        body = http.post("/v1/lint", json={"text": EVEN_BLEND_JD, "title": title}).json()
        assert body["mixed"] and {body["mix"]["primary"], body["mix"]["secondary"]} == {
            "ml_engineer",
            "ml_infra_engineer",
        }
        assert body["needs_review"] and any("no clear lead" in r for r in body["review_reasons"])
        assert "no clear lead" in body["summary"]
        cut[title] = {s["archetype"] for s in body["suggestions"]}
    assert cut == {
        "Machine Learning Engineer": {"ml_infra_engineer"},
        "ML Platform Engineer": {"ml_engineer"},
    }


def test_lint_says_why_it_needs_review(http):
    body = http.post("/v1/lint", json={"text": BOILERPLATE}).json()
    assert body["needs_review"] and any("role-bearing" in r for r in body["review_reasons"])
    clear = http.post("/v1/lint", json={"text": ML_JD}).json()
    assert not clear["needs_review"] and clear["review_reasons"] == []


def test_unknown_paths_and_methods_get_the_error_shape(http):
    r = http.get("/v1/lint")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert "POST" in r.headers["allow"]
    r = http.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == {
        "code": "not_found",
        "message": "no such path: /v1/nothing-here",
    }


def test_lint_declared_blend(http):
    body = http.post(
        "/v1/lint", json={"text": MIXED_JD, "allow_mix": ["ml_engineer", "research_scientist"]}
    ).json()
    assert body["passed"] and not body["mixed"]
    body = http.post(
        "/v1/lint", json={"text": MIXED_JD, "allow_mix": ["research_engineer", "ml_infra_engineer"]}
    ).json()
    assert body["mixed"]


@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("cv.pdf", make_pdf(RS_RESUME.splitlines()), "application/pdf"),
        (
            "cv.docx",
            make_docx(RS_RESUME.splitlines()),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("cv.txt", RS_RESUME.encode(), "text/plain"),
        (
            "cv.html",
            (
                "<html><body>" + "".join(f"<p>{x}</p>" for x in RS_RESUME.splitlines()) + "</body></html>"
            ).encode(),
            "text/html",
        ),
    ],
)
def test_file_upload_formats(http, name, content, ctype):
    r = http.post("/v1/classify/file", files={"file": (name, content, ctype)}, data={"kind": "auto"})
    assert r.status_code == 200, r.text
    assert r.json()["archetype"] == "research_scientist" and r.json()["kind"] == "resume"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"json": {"text": ""}}, 422, "empty_text"),
        ({"json": {"text": "   \n "}}, 422, "empty_text"),
        ({"json": {"text": "x " * 150_000}}, 413, "text_too_large"),
        (
            {"content": b'{"text": "unterminated', "headers": {"content-type": "application/json"}},
            422,
            "malformed_json",
        ),
        (
            {"content": b"text=hello", "headers": {"content-type": "application/x-www-form-urlencoded"}},
            415,
            "unsupported_media_type",
        ),
        (
            {"content": b'{"text": "hi"}', "headers": {"content-type": "text/plain"}},
            415,
            "unsupported_media_type",
        ),
        ({"json": {"text": ML_JD, "kind": "poster"}}, 422, "invalid_request"),
        ({"json": {"txt": ML_JD}}, 422, "invalid_request"),
        ({"json": {"text": ML_JD, "title": "x" * 5000}}, 422, "invalid_request"),
        (
            {
                "json": {
                    "text": "Buscamos una ingeniera de datos para la empresa con experiencia en los modelos y en la nube para el equipo."
                }
            },
            422,
            "unsupported_language",
        ),
    ],
)
def test_bad_input_statuses(http, kwargs, status, code):
    r = http.post("/v1/classify", **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]
    assert http.get("/healthz").status_code == 200  # still serving


def test_bad_uploads(http):
    r = http.post("/v1/classify/file", files={"file": ("cv.pdf", b"%PDF-1.4 broken", "application/pdf")})
    assert r.status_code == 422 and "cannot read this PDF" in r.json()["error"]["message"]
    r = http.post("/v1/classify/file", files={"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_file_type"
    r = http.post("/v1/classify/file", json={"text": "not a file"})
    assert r.status_code == 415


def test_batch_over_limit(http):
    r = http.post("/v1/classify/batch", json={"documents": [{"text": ML_JD}] * 65})
    assert r.status_code == 413 and "limit is 64" in r.json()["error"]["message"]


def test_health_answers_while_a_long_document_is_classified(http, live_server):
    # ~3,000 distinct sentences (the embedding cache cannot shortcut them): seconds of work.
    long_jd = "\n".join(f"- Team {i} runs GPU cluster {i * 7} with Slurm and NCCL." for i in range(3000))
    done = {}

    def classify():
        with httpx.Client(base_url=live_server.url, timeout=300) as c:
            done["status"] = c.post("/v1/classify", json={"text": long_jd}).status_code
            done["at"] = time.perf_counter()

    worker = threading.Thread(target=classify)
    worker.start()
    time.sleep(0.3)
    asked = time.perf_counter()
    assert http.get("/healthz").status_code == 200
    answered = time.perf_counter()
    worker.join()
    assert done["status"] == 200
    assert answered < done["at"], "health check waited for the classification"
    assert answered - asked < 2.0


def test_logs_hold_no_document_text(http, caplog):
    marker = "Zanzibarquux"
    with caplog.at_level(logging.DEBUG):
        http.post("/v1/classify", json={"text": f"{marker} led our fraud models in production. {ML_JD}"})
        http.post("/v1/lint", json={"text": f"{marker} {MIXED_JD}", "title": marker})
        http.post(
            "/v1/classify/file", files={"file": ("cv.txt", f"{marker} {RS_RESUME}".encode(), "text/plain")}
        )
    assert any("verdict=" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if marker in r.getMessage()]


# -- settings variants, through the same app factory ---------------------------------------------
def test_api_key(_classifier):
    app = create_app(Settings(api_key="s3cret"), classifier=_classifier)
    with TestClient(app) as c:
        assert c.post("/v1/classify", json={"text": ML_JD}).status_code == 401
        bad = c.post("/v1/classify", json={"text": ML_JD}, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
        assert c.get("/v1/archetypes").status_code == 401
        ok = c.post("/v1/classify", json={"text": ML_JD}, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200


def test_configured_limits(_classifier, monkeypatch):
    monkeypatch.setenv("ARCHETYPE_MAX_CHARS", "2000")
    monkeypatch.setenv("ARCHETYPE_MAX_BATCH", "2")
    settings = Settings()
    assert settings.max_chars == 2000 and settings.max_batch == 2
    with TestClient(create_app(settings, classifier=_classifier)) as c:
        r = c.post("/v1/classify", json={"text": "word " * 500})
        assert r.status_code == 413 and "limit is 2,000" in r.json()["error"]["message"]
        r = c.post("/v1/classify/batch", json={"documents": [{"text": ML_JD}] * 3})
        assert r.status_code == 413
    _classifier.max_chars = 200_000


def test_missing_model_stops_start_up(tmp_path):
    app = create_app(Settings(model=str(tmp_path / "none")))
    with pytest.raises(ModelError, match="no model at"), TestClient(app):
        pass
