"""Bulk runs over real files in every format, with the real model; nothing lost, ever."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest

from classifier import Classifier
from classifier.bulk import RESULT_COLUMNS, BulkError, BulkOptions, run_bulk
from classifier.model import ArchetypeModel

from .files import make_docx, make_pdf
from .texts import APPLIED_JD, INFRA_JD, ML_JD, NURSE_JD, RS_RESUME

ROWS = [
    ("j1", "ML Engineer", ML_JD),
    ("j2", "Research Engineer", INFRA_JD),
    ("j3", "AI Engineer", APPLIED_JD),
    ("j4", "Nurse", NURSE_JD),
]
EXPECTED = ["ml_engineer", "ml_infra_engineer", "applied_ai_engineer", "out_of_scope"]


def run(clf, src, out, **kw):
    options = BulkOptions(**{k: v for k, v in kw.items() if k in BulkOptions.__dataclass_fields__})
    rest = {k: v for k, v in kw.items() if k not in BulkOptions.__dataclass_fields__}
    return run_bulk(clf, src, out, options, log=lambda m: None, **rest)


def read_csv(path, **kw):
    with open(path, newline="", encoding=kw.pop("encoding", "utf-8-sig")) as fh:
        return list(csv.DictReader(fh, **kw))


def write_csv(path, header, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", "\t")])
def test_csv_dialects_and_encodings(_classifier, tmp_path, encoding, delimiter):
    src = tmp_path / "jobs.csv"
    rows = [(i, t, text.replace("'", "’") + "\nNaïve café benefits.", "Zürich") for i, t, text in ROWS]
    write_csv(src, ["id", "title", "description", "location"], rows, encoding=encoding, delimiter=delimiter)
    summary = run(_classifier, src, tmp_path / "out.csv")
    assert summary.rows == 4 and summary.classified == 4 and summary.rejected == 0
    out = read_csv(tmp_path / "out.csv", delimiter=delimiter)
    assert [r["archetype"] for r in out] == EXPECTED
    assert [r["id"] for r in out] == ["j1", "j2", "j3", "j4"]
    assert out[0]["location"] == "Zürich" and "Naïve café" in out[0]["description"]  # every column kept
    assert set(RESULT_COLUMNS) <= set(out[0])
    assert (
        abs(
            sum(float(out[0][f"prob_{k}"]) for k in EXPECTED + ["research_scientist", "research_engineer"])
            - 1
        )
        < 1e-3
    )
    assert read_csv(tmp_path / "out.rejects.csv", delimiter=delimiter) == []


def test_bad_rows_are_rejected_with_reasons_and_counted(_classifier, tmp_path):
    src = tmp_path / "export.csv"
    lines = [
        b"id,title,description\n",
        b'1,ML Engineer,"'
        + (ML_JD + "\nOffices in Z\u00fcrich \u2013 M\u00fcnchen.").encode().replace(b'"', b'""')
        + b'"\n',  # embedded newlines, UTF-8
        b"2,Bad bytes,Train ranking models \x81\x8d in production\n",  # neither UTF-8 nor Windows-1252
        b"3,Ragged,too,many,fields\n",
        b"4,Empty,\n",
        b"5,Binary,\x01\x02\x03\x04\x05\x06\x07\x08\x01\x02\x03\x04\x05\x06\x07\x08\n",
        b'6,Long,"' + ("Operate GPU clusters with Slurm. " * 1500).encode() + b'"\n',  # ~50k characters
        b"7,Spanish,Buscamos una persona para el equipo de datos con experiencia en los modelos y la nube para nuestra empresa.\n",
    ]
    src.write_bytes(b"".join(lines))
    summary = run(_classifier, src, tmp_path / "out.csv")
    assert summary.rows == 7 and summary.classified + summary.rejected == 7 and summary.balanced
    out = read_csv(tmp_path / "out.csv")
    rejects = {r["id"]: r["reason"] for r in read_csv(tmp_path / "out.rejects.csv")}
    assert [r["id"] for r in out] == ["1", "6"]
    assert out[1]["archetype"] == "ml_infra_engineer"
    assert "undecodable" in rejects["2"]
    assert "ragged row: 5 fields, the header has 3" in rejects["3"]
    assert "empty text in column description" in rejects["4"]
    assert "binary" in rejects["5"]
    assert "not to be English" in rejects["7"]
    assert {r["row"] for r in read_csv(tmp_path / "out.rejects.csv")} == {"2", "3", "4", "5", "7"}


def test_missing_column_lists_the_available_ones(_classifier, tmp_path):
    src = tmp_path / "x.csv"
    write_csv(src, ["req", "name", "body_html"], [("1", "a", ML_JD)])
    with pytest.raises(
        BulkError, match=r"text column 'jd' is not in x.csv; available columns: req, name, body_html"
    ):
        run(_classifier, src, tmp_path / "o.csv", text_column="jd")
    write_csv(src, ["req", "name", "notes_blob"], [("1", "a", ML_JD)])
    with pytest.raises(BulkError, match="give --text-column"):
        run(_classifier, src, tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_xlsx_in_xlsx_out(_classifier, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Req ID", "Job Title", "Job Description"])
    for row in ROWS:
        ws.append(list(row))
    ws.append(["j5", "Empty", None])
    wb.save(tmp_path / "jobs.xlsx")
    summary = run(
        _classifier,
        tmp_path / "jobs.xlsx",
        tmp_path / "out.xlsx",
        text_column="Job Description",
        title_column="Job Title",
        id_column="Req ID",
    )
    assert (summary.rows, summary.classified, summary.rejected) == (5, 4, 1)
    out = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    header = list(out[0])
    assert header[:3] == ["Req ID", "Job Title", "Job Description"] and "archetype" in header
    assert [r[header.index("archetype")] for r in out[1:]] == EXPECTED
    rej = list(openpyxl.load_workbook(tmp_path / "out.rejects.xlsx").active.iter_rows(values_only=True))
    assert rej[0] == ("row", "id", "reason") and rej[1][1] == "j5"


def test_jsonl_in_parquet_and_jsonl_out(_classifier, tmp_path):
    import pyarrow.parquet as pq

    src = tmp_path / "cands.jsonl"
    lines = [
        json.dumps({"candidate_id": 10, "resume_text": RS_RESUME, "tags": ["a"]}),
        "{broken",
        json.dumps({"candidate_id": 11, "resume_text": ML_JD}),
    ]
    src.write_text("\n".join(lines) + "\n")
    s = run(_classifier, src, tmp_path / "out.parquet", kind="resume")
    assert (s.rows, s.classified, s.rejected) == (3, 2, 1)
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["archetype"] for r in table] == ["research_scientist", "ml_engineer"]
    assert table[0]["candidate_id"] == "10" and isinstance(table[0]["confidence"], float)
    assert pq.read_table(tmp_path / "out.rejects.parquet").to_pylist()[0]["row"] == 2
    s = run(_classifier, src, tmp_path / "out.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert (
        rows[0]["candidate_id"] == 10
        and rows[0]["tags"] == ["a"]
        and rows[0]["archetype"] == "research_scientist"
    )


def test_folder_of_resume_files(_classifier, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    lines = RS_RESUME.splitlines()
    (folder / "a.pdf").write_bytes(make_pdf(lines))
    (folder / "b.docx").write_bytes(make_docx(lines))
    (folder / "c.txt").write_text(RS_RESUME)
    (folder / "d.html").write_text("<html><body>" + "".join(f"<p>{x}</p>" for x in lines) + "</body></html>")
    (folder / "e.pdf").write_bytes(b"%PDF-1.4 corrupt")
    (folder / "ignored.png").write_bytes(b"\x89PNG")
    s = run(_classifier, folder, tmp_path / "tags.csv")
    assert (s.rows, s.classified, s.rejected) == (5, 4, 1)
    out = read_csv(tmp_path / "tags.csv")
    assert [r["file"] for r in out] == ["a.pdf", "b.docx", "c.txt", "d.html"]
    assert {r["archetype"] for r in out} == {"research_scientist"}
    (rej,) = read_csv(tmp_path / "tags.rejects.csv")
    assert rej["id"] == "e.pdf" and "cannot read this PDF" in rej["reason"]


def test_known_ats_layouts(_classifier, tmp_path):
    import html

    gh = tmp_path / "greenhouse.csv"
    write_csv(
        gh,
        ["id", "internal_job_id", "title", "absolute_url", "content"],
        [("101", "9", "AI Engineer", "https://x", html.escape("<p>" + APPLIED_JD + "</p>"))],
    )
    s = run(_classifier, gh, tmp_path / "gh.out.csv")
    assert (
        "Greenhouse" in s.plan and read_csv(tmp_path / "gh.out.csv")[0]["archetype"] == "applied_ai_engineer"
    )

    lever = tmp_path / "lever.csv"
    lists = json.dumps(
        [
            {
                "text": "What you'll do",
                "content": "<li>Run our GPU cluster on Slurm</li><li>Fix NCCL hangs</li>",
            }
        ]
    )
    write_csv(
        lever,
        ["id", "text", "descriptionPlain", "description", "lists", "additional"],
        [("lv1", "Infrastructure Engineer", INFRA_JD, "<p>dup</p>", lists, "<p>We offer equity.</p>")],
    )
    s = run(_classifier, lever, tmp_path / "lv.out.csv")
    row = read_csv(tmp_path / "lv.out.csv")[0]
    assert "Lever" in s.plan and "title from text" in s.plan and row["archetype"] == "ml_infra_engineer"

    ashby = tmp_path / "ashby.jsonl"
    ashby.write_text(
        json.dumps({"id": "a1", "title": "Research Scientist", "descriptionHtml": "<p>" + ML_JD + "</p>"})
        + "\n"
    )
    s = run(_classifier, ashby, tmp_path / "ashby.out.jsonl")
    out = json.loads((tmp_path / "ashby.out.jsonl").read_text())
    assert "Ashby" in s.plan and out["archetype"] == "ml_engineer" and out["title_mismatch"] is True


# -- nothing lost: atomic output, interruption and resume -----------------------------------------
class _Boom(Exception):
    pass


def _big_csv(path, n):
    bodies = [ML_JD, INFRA_JD, APPLIED_JD, NURSE_JD]
    write_csv(
        path, ["id", "description"], [(f"r{i}", bodies[i % 4] + f"\nRequisition {i}.") for i in range(n)]
    )


def test_crash_leaves_no_output_and_resume_finishes_exactly(_classifier, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _big_csv(src, 40)
    reference = tmp_path / "ref.csv"
    run(_classifier, src, reference, chunk_size=8)

    class Flaky:
        calls = 0

        def __getattr__(self, name):
            return getattr(_classifier, name)

        def classify_batch(self, docs):
            Flaky.calls += 1
            if Flaky.calls == 3:
                raise _Boom("power cut")
            return _classifier.classify_batch(docs)

    with pytest.raises(_Boom):
        run(Flaky(), src, out, chunk_size=8)
    assert not out.exists() and not (tmp_path / "out.rejects.csv").exists()  # nothing that looks complete
    with pytest.raises(BulkError, match="add --resume"):
        run(_classifier, src, out, chunk_size=8)
    s = run(_classifier, src, out, chunk_size=8, resume=True)
    assert s.resumed_from == 16 and s.rows == 40 and s.classified == 40
    assert out.read_bytes() == reference.read_bytes()


def test_kill_midway_then_resume_loses_and_repeats_nothing(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    n = 1000  # distinct sentences in every row, so the run takes seconds and can be caught midway
    write_csv(
        src,
        ["id", "description"],
        [
            (f"r{i}", f"Team {i} trains ranking model {i * 3}. Cluster {i} runs job {i * 7}.")
            for i in range(n)
        ],
    )
    cmd = [sys.executable, "-m", "classifier.cli", "bulk", str(src), "--out", str(out), "--chunk-size", "4"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpt = tmp_path / ".out.csv.archetype-run" / "checkpoint.json"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        try:
            if json.loads(ckpt.read_text())["rows_done"] >= 40:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    done = json.loads(ckpt.read_text())["rows_done"]
    assert 40 <= done < n
    res = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "every row accounted for" in res.stdout and f"resuming after row {done:,}" in res.stderr
    ids = [r["id"] for r in read_csv(out)]
    assert ids == [f"r{i}" for i in range(n)]  # each row exactly once, in order
    assert not (tmp_path / ".out.csv.archetype-run").exists()


# -- memory stays flat as the input grows ---------------------------------------------------------
class _FakeEncoder:
    """Deterministic, instant vectors: this test measures the runner's memory, not the model."""

    name = "fake"

    def encode(self, texts):
        rows = [np.frombuffer((t * 8).encode()[:384].ljust(384, b" "), dtype=np.uint8) for t in texts]
        vecs = np.asarray(rows, dtype=np.float32).reshape(len(texts), 384) - 64.0
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def _peak(clf, src, out):
    tracemalloc.start()
    run(clf, src, out, chunk_size=64)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_is_flat_as_the_input_grows_10x(_classifier, tmp_path):
    model: ArchetypeModel = _classifier.model
    clf = Classifier(model, _FakeEncoder(), cache_size=0)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    body = "Own ranking models in production and monitor drift. We offer a pension."
    write_csv(small, ["id", "description"], [(i, f"{body} Ref {i}.") for i in range(300)])
    write_csv(large, ["id", "description"], [(i, f"{body} Ref {i}.") for i in range(3000)])
    p_small = _peak(clf, small, tmp_path / "s.csv")
    p_large = _peak(clf, large, tmp_path / "l.csv")
    print(f"\npeak traced memory: 300 rows {p_small / 1e6:.1f} MB, 3,000 rows {p_large / 1e6:.1f} MB")
    assert p_large < 1.5 * p_small + 2e6
    assert len(read_csv(tmp_path / "l.csv")) == 3000


# -- beyond one machine ---------------------------------------------------------------------------
@pytest.mark.slow
def test_ray_engine_matches_the_local_run(_classifier, tmp_path, monkeypatch):
    pytest.importorskip("ray")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    src = tmp_path / "in.csv"
    _big_csv(src, 24)
    from classifier import default_model_dir

    # int8 encodes one sentence per call, so every embedding is a pure function of its text: the
    # two runs must then agree to the byte, whatever each worker's cache has seen.
    model = (str(default_model_dir()), None, "onnx-int8")
    run(model, src, tmp_path / "local.csv", chunk_size=8)
    s = run(model, src, tmp_path / "ray.csv", chunk_size=8, engine="ray", workers=2)
    assert s.rows == 24 and s.balanced
    assert (tmp_path / "ray.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    assert os.path.exists(tmp_path / "ray.rejects.csv")


def test_input_columns_named_like_result_columns_survive_parquet(_classifier, tmp_path):
    import pyarrow.parquet as pq

    src = tmp_path / "in.csv"
    write_csv(src, ["id", "confidence", "description"], [(1, "high", ML_JD), (2, "low", INFRA_JD)])
    s = run(_classifier, src, tmp_path / "out.parquet")
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert s.classified == 2 and [r["confidence"] for r in rows] == ["high", "low"]
    assert isinstance(rows[0]["archetype_confidence"], float) and rows[0]["archetype"] == "ml_engineer"
