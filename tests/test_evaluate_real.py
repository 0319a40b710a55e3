"""`archetype eval --real`: the figures it computes, its report, and the absent-folder path."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from classifier import cli
from classifier.data import LabelledDocument, load_documents, load_segments
from classifier.evaluate import Predictions
from classifier.evaluate_real import (
    DEFAULT_REAL_DIR,
    RealDocument,
    by_kind,
    load_real,
    real_metrics,
    source_kind,
)

from .texts import APPLIED_JD, INFRA_JD, MIXED_JD, ML_JD, NURSE_JD, RS_RESUME


def _doc(label, kind="jd", mixed_with=None, source="job_board"):
    d = LabelledDocument("x", kind, None, "text", label, mixed_with, None, False, "f", {})
    return RealDocument(d, source)


def _pred(labels, conf, mixed=None):
    probs = np.full((len(labels), 6), 0.0)
    names = [
        "research_scientist",
        "research_engineer",
        "ml_engineer",
        "ml_infra_engineer",
        "applied_ai_engineer",
        "out_of_scope",
    ]
    for i, (lab, c) in enumerate(zip(labels, conf, strict=True)):
        probs[i] = (1 - c) / 5
        probs[i, names.index(lab)] = c
    return Predictions(list(labels), probs, mixed or [False] * len(labels), [False] * len(labels))


def test_real_metrics_counts_what_it_says():
    docs = [
        _doc("ml_engineer"),
        _doc("ml_engineer", mixed_with="applied_ai_engineer", source="hacker_news"),
        _doc("research_engineer"),
        _doc("out_of_scope", kind="resume", source="personal_site"),
    ]
    pred = _pred(
        ["ml_engineer", "applied_ai_engineer", "research_scientist", "out_of_scope"],
        [0.95, 0.6, 0.92, 0.8],
        mixed=[True, False, False, False],
    )
    m = real_metrics(docs, pred, review=[False, True, False, False])
    assert m["accuracy"] == 0.5
    assert m["lenient_accuracy"] == 0.75  # the mixed_with prediction counts
    assert m["wrong_at_sure"] == 0.25  # research_engineer read as research_scientist at 0.92
    # Postings: one mixed JD (missed), two single-archetype postings, one of them flagged.
    assert m["mixed"]["tp"] == 0 and m["mixed"]["fn"] == 1 and m["mixed"]["fp"] == 1
    assert m["mixed"]["single_archetype_flag_rate"] == 0.5
    assert m["review"] == {"rate": 0.25, "accuracy_not_flagged": 0.6667, "errors_caught": 0.5}
    assert m["by_source"]["hacker_news"] == {"n": 1, "accuracy": 0.0}
    assert m["by_source"]["personal_site"] == {"n": 1, "accuracy": 1.0}
    parts = by_kind(docs, pred, [False, True, False, False])
    assert parts["jd"]["n"] == 3 and parts["resume"]["n"] == 1 and "mixed" not in parts["resume"]


def test_source_kinds():
    assert source_kind("someone/hn-jobs-data:runs/x.json@abc", "jd") == "hacker_news"
    assert source_kind("https://jobs.example.com/123", "jd") == "job_board"
    assert source_kind("https://person.example.io", "resume") == "personal_site"


def _write_set(folder: Path) -> None:
    jds = [
        {
            "id": "a",
            "kind": "jd",
            "title": "ML Engineer",
            "source": "https://x.example/1",
            "label": "ml_engineer",
            "mixed_with": None,
            "title_mismatch": False,
            "text": ML_JD,
        },
        {
            "id": "b",
            "kind": "jd",
            "title": "",
            "source": "o/hn-jobs-data:r.json",
            "label": "ml_infra_engineer",
            "mixed_with": None,
            "title_mismatch": False,
            "text": INFRA_JD,
        },
        {
            "id": "c",
            "kind": "jd",
            "title": "AI Engineer",
            "source": "o/hn-jobs-data:r.json",
            "label": "applied_ai_engineer",
            "mixed_with": None,
            "title_mismatch": False,
            "text": APPLIED_JD,
        },
        {
            "id": "d",
            "kind": "jd",
            "title": "MLE",
            "source": "https://x.example/2",
            "label": "ml_engineer",
            "mixed_with": "research_scientist",
            "title_mismatch": False,
            "text": MIXED_JD,
        },
        {
            "id": "e",
            "kind": "jd",
            "title": "Nurse",
            "source": "https://x.example/3",
            "label": "out_of_scope",
            "mixed_with": None,
            "title_mismatch": False,
            "text": NURSE_JD,
        },
    ]
    cvs = [
        {
            "id": "f",
            "kind": "resume",
            "title": "RS",
            "source": "https://p.example",
            "label": "research_scientist",
            "mixed_with": None,
            "title_mismatch": False,
            "text": RS_RESUME,
        }
    ]
    folder.mkdir()
    (folder / "jds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in jds))
    (folder / "resumes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in cvs))


@pytest.fixture
def shared_cli(monkeypatch, _classifier):
    monkeypatch.setattr(cli, "_load", lambda args: _classifier)


def test_eval_real_writes_a_report_without_document_text(tmp_path, capsys, shared_cli):
    real = tmp_path / "real"
    _write_set(real)
    code = cli.main(["eval", "--real", str(real), "--no-baselines", "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr()
    assert code == 0
    report = json.loads((tmp_path / "r" / "real.json").read_text())
    model = report["systems"]["model"]
    assert model["all"]["n"] == 6 and model["jd"]["n"] == 5 and model["resume"]["n"] == 1
    assert model["all"]["accuracy"] >= 5 / 6  # these plain documents are easy
    md = (tmp_path / "r" / "real.md").read_text()
    assert "| accuracy |" in md and "hacker_news" in md and "Confusion matrix" in md
    # Personal data: the report names ids and labels, never the text.
    for text in (ML_JD, RS_RESUME):
        first = text.split("\n")[0][:40]
        assert first not in md and first not in out.out and first not in json.dumps(report)


def test_eval_real_absent_folder_is_a_message_and_exit_0(tmp_path, capsys, shared_cli):
    code = cli.main(["eval", "--real", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 0 and "no real documents" in err


def test_bad_real_line_names_file_and_line(tmp_path):
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "jds.jsonl").write_text(
        '{"label": "ml_engineer", "text": "x"}\n{"label": "chef", "text": "y"}\n'
    )
    with pytest.raises(Exception, match=r"jds.jsonl:2: unknown label 'chef'"):
        load_real(folder)


@pytest.mark.skipif(not DEFAULT_REAL_DIR.exists(), reason="../shared/real_dev is not present")
def test_eval_real_smoke_on_the_development_set(tmp_path, capsys, shared_cli):
    code = cli.main(["eval", "--real", "--limit", "8", "--no-baselines", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    assert json.loads((tmp_path / "real.json").read_text())["systems"]["model"]["all"]["n"] == 8


# -- the development set never leaks into training data ----------------------------------------
def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


SPAN = 15


@pytest.mark.skipif(not DEFAULT_REAL_DIR.exists(), reason="../shared/real_dev is not present")
def test_no_real_passage_of_15_words_in_training_data():
    # Spans of 15 words in each real document; stock boilerplate that several real documents
    # share (equal-opportunity text, benefits lines) is not a copied passage.
    owners: dict[str, set[str]] = {}
    for r in load_real(DEFAULT_REAL_DIR):
        w = _words(r.doc.text)
        for i in range(len(w) - SPAN + 1):
            owners.setdefault(" ".join(w[i : i + SPAN]), set()).add(r.doc.id)
    distinctive = {g for g, ids in owners.items() if len(ids) == 1}
    texts = [d.text for d in load_documents()] + [d.text for d in load_documents(folder="challenge")]
    texts += [s.text for s in load_segments()]
    hits = []
    for text in texts:
        w = _words(text)
        for i in range(len(w) - SPAN + 1):
            if " ".join(w[i : i + SPAN]) in distinctive:
                hits.append(" ".join(w[i : i + 6]) + " ...")
                break
    assert not hits, f"{len(hits)} training texts share a 15-word passage with real_dev"
