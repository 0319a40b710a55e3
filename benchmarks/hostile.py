"""Hostile and careless inputs against the service, the CLI and the bulk runner (issue #13).

Per surface: inputs tried, crashes (a traceback, a dead server, an exit status no error has),
5xx answers, the server's peak memory, document text found in logs or stderr, and bulk rows lost
or duplicated. Everything but the memory figure should be zero. Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks import publish
from tests.files import make_docx_bomb, make_pdf_stream_bomb, make_xlsx_bomb
from tests.texts import INFRA_JD, ML_JD

MARKER = "Zanzibarquux"  # planted in documents; must never appear in a log or on stderr
JSON = {"content-type": "application/json"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _chunks(data: bytes, size: int = 65536):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def service_inputs() -> list[tuple[str, str, dict]]:
    """(name, path, httpx keyword arguments): what an attacker or a careless client sends."""
    ints4 = b'{"documents": [' + b"1," * 2_000_000 + b"1]}"
    ints1 = b'{"documents": [' + b"1," * 500_000 + b"1]}"
    bare4 = b"[" + b"1," * 2_000_000 + b"1]"
    marked = f"{MARKER} {ML_JD}"
    surrogate = json.dumps({"text": "We train \ud800 ranking models. " + marked}).encode()
    batch = [{"id": str(i), "text": marked} for i in range(64)]
    batch[7]["text"] = "We train \ud800 ranking models. " + marked
    inputs: list[tuple[str, str, dict]] = [
        ("4 MB int array (batch)", "/v1/classify/batch", {"content": bare4, "headers": JSON}),
        ("4 MB int documents (batch)", "/v1/classify/batch", {"content": ints4, "headers": JSON}),
        ("1 MB int documents (batch)", "/v1/classify/batch", {"content": ints1, "headers": JSON}),
        (
            "2 MB chunked array (lint)",
            "/v1/lint",
            {"content": _chunks(b"[" + b"1," * 1_000_000 + b"1]"), "headers": JSON},
        ),
        (
            "chunked 20 MB string (batch)",
            "/v1/classify/batch",
            {"content": _chunks(b'{"documents": [{"text": "' + b"a" * 20_000_000 + b'"}]}'), "headers": JSON},
        ),
        (
            "empty arrays (batch)",
            "/v1/classify/batch",
            {"content": b"[" + b"[]," * 600_000 + b"[]]", "headers": JSON},
        ),
        ("empty objects (lint)", "/v1/lint", {"content": b"[" + b"{}," * 300_000 + b"{}]", "headers": JSON}),
        (
            "100k strings (lint allow_mix)",
            "/v1/lint",
            {"content": b'{"text": "x", "allow_mix": [' + b'"a",' * 100_000 + b'"a"]}', "headers": JSON},
        ),
        (
            "nested 100,000 deep",
            "/v1/classify",
            {"content": b"[" * 100_000 + b"]" * 100_000, "headers": JSON},
        ),
        (
            "nested 5,000 deep",
            "/v1/classify",
            {"content": b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}", "headers": JSON},
        ),
        (
            "5,000-digit integer",
            "/v1/classify",
            {"content": b'{"text": ' + b"9" * 5000 + b"}", "headers": JSON},
        ),
        ("1e999999 float", "/v1/classify", {"content": b'{"text": 1e999999}', "headers": JSON}),
        (
            "invalid UTF-8",
            "/v1/classify",
            {"content": b'{"text": "caf\xe9 ' + ML_JD.encode()[:200] + b'"}', "headers": JSON},
        ),
        (
            "UTF-16 body",
            "/v1/classify",
            {"content": json.dumps({"text": ML_JD}).encode("utf-16"), "headers": JSON},
        ),
        ("truncated JSON", "/v1/classify", {"content": b'{"text": "unterminated', "headers": JSON}),
        ("NaN literal", "/v1/classify", {"content": b'{"text": NaN}', "headers": JSON}),
        ("lone surrogate (classify)", "/v1/classify", {"content": surrogate, "headers": JSON}),
        ("lone surrogate (lint)", "/v1/lint", {"content": surrogate, "headers": JSON}),
        (
            "lone surrogate in title",
            "/v1/classify",
            {"content": json.dumps({"text": marked, "title": "a\udfff"}).encode(), "headers": JSON},
        ),
        (
            "lone surrogate in one of 64 (batch)",
            "/v1/classify/batch",
            {"content": json.dumps({"documents": batch}).encode(), "headers": JSON},
        ),
        (
            "lone surrogate in an id (batch)",
            "/v1/classify/batch",
            {
                "content": json.dumps({"documents": [{"id": "\ud800", "text": marked}]}).encode(),
                "headers": JSON,
            },
        ),
        ("65 documents (batch)", "/v1/classify/batch", {"json": {"documents": [{"text": "a"}] * 65}}),
        ("text over max_chars", "/v1/classify", {"json": {"text": "word " * 50_000}}),
        (
            "2 MB declared body (lint)",
            "/v1/lint",
            {"content": b'{"text": "' + b"a" * 2_000_000 + b'"}', "headers": JSON},
        ),
        ("empty text", "/v1/classify", {"json": {"text": ""}}),
        ("NUL bytes in text", "/v1/classify", {"json": {"text": marked + "\x00" * 50}}),
        ("control characters", "/v1/classify", {"json": {"text": "\x01\x02\x03" * 1000}}),
        ("wrong field types", "/v1/classify", {"json": {"text": ["a"], "title": 5, "kind": None}}),
        ("extra fields", "/v1/classify", {"json": {"text": marked, "admin": True}}),
        ("no content type", "/v1/classify", {"content": json.dumps({"text": marked}).encode()}),
        ("form body", "/v1/lint", {"data": {"text": marked}}),
        ("JSON to upload", "/v1/classify/file", {"json": {"text": marked}}),
        (
            "DOCX bomb (50 MB XML)",
            "/v1/classify/file",
            {"files": {"file": ("cv.docx", make_docx_bomb(50_000_000), DOCX)}},
        ),
        (
            "PDF stream bomb (5 MB)",
            "/v1/classify/file",
            {"files": {"file": ("cv.pdf", make_pdf_stream_bomb(5_000_000), "application/pdf")}},
        ),
        (
            "corrupt PDF",
            "/v1/classify/file",
            {"files": {"file": ("cv.pdf", b"%PDF-1.4 broken " + MARKER.encode(), "application/pdf")}},
        ),
        (
            "corrupt DOCX",
            "/v1/classify/file",
            {"files": {"file": ("cv.docx", b"PK\x03\x04" + MARKER.encode(), DOCX)}},
        ),
        (
            "ZIP as text",
            "/v1/classify/file",
            {"files": {"file": ("cv.txt", b"PK\x03\x04junk", "text/plain")}},
        ),
        (
            "executable",
            "/v1/classify/file",
            {"files": {"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")}},
        ),
        (
            "upload over the limit",
            "/v1/classify/file",
            {"files": {"file": ("cv.txt", b"a" * 11_000_000, "text/plain")}},
        ),
        (
            "surrogate-encoded upload",
            "/v1/classify/file",
            {"files": {"file": ("cv.txt", ML_JD.encode() + b"\xed\xa0\x80", "text/plain")}},
        ),
        ("good classify", "/v1/classify", {"json": {"text": marked, "title": MARKER}}),
        ("good lint", "/v1/lint", {"json": {"text": marked, "title": MARKER}}),
    ]
    return inputs


def run_service(port: int, workdir: Path) -> dict:
    log_path = workdir / "server.log"
    env = {**os.environ, "ARCHETYPE_LOG_LEVEL": "info"}
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "classifier.cli", "serve", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    tried = crashes = fivexx = 0
    notes: list[str] = []
    try:
        for _ in range(900):
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("server did not become ready")
        baseline = _kb(server.pid, "VmRSS")
        with httpx.Client(base_url=url, timeout=120) as client:
            for name, path, kwargs in service_inputs():
                tried += 1
                try:
                    r = client.post(path, **kwargs)
                    if r.status_code >= 500:
                        fivexx += 1
                        notes.append(f"{name}: {r.status_code}")
                except Exception as exc:  # noqa: BLE001 - the client's problem unless the server died
                    notes.append(f"{str(name)[:80]}: {type(exc).__name__}")
                    if server.poll() is not None:
                        crashes += 1
                        break
            # Two slow uploads at once must not hold lint: the two bombs again, with a lint beside.
            pdf = make_pdf_stream_bomb(5_000_000)

            def upload():
                with httpx.Client(base_url=url, timeout=120) as c:
                    c.post("/v1/classify/file", files={"file": ("cv.pdf", pdf, "application/pdf")})

            uploads = [threading.Thread(target=upload) for _ in range(2)]
            for t in uploads:
                t.start()
            time.sleep(1.0)
            asked = time.perf_counter()
            lint = client.post("/v1/lint", json={"text": ML_JD})
            lint_wait = time.perf_counter() - asked
            for t in uploads:
                t.join()
            tried += 3
            fivexx += lint.status_code >= 500
            if server.poll() is not None:
                crashes += 1
        peak = _kb(server.pid, "VmHWM")
        held = _kb(server.pid, "VmRSS")
    finally:
        server.terminate()
        server.wait(timeout=30)
    log_text = log_path.read_text(errors="replace")
    crashes += log_text.count("Traceback")
    return {
        "surface": "service",
        "tried": tried,
        "crashes": crashes,
        "5xx": fivexx,
        "peak_mb": round(peak / 1024),
        "baseline_mb": round(baseline / 1024),
        "held_mb": round(held / 1024),
        "text_in_logs": log_text.count(MARKER),
        "info_lines": sum(" INFO " in line for line in log_text.splitlines()),
        "lint_wait_s": round(lint_wait, 2),
        "lost_or_duplicated": 0,
        "notes": notes,
    }


def _cli(args: list[str], stdin: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "classifier.cli", *args], input=stdin, capture_output=True, timeout=timeout
    )


def _crashed(res: subprocess.CompletedProcess) -> bool:
    """A traceback, an exit status no error has, or an error the code did not expect."""
    return res.returncode not in (0, 1, 2, 3) or b"Traceback" in res.stderr or b"internal error" in res.stderr


def run_cli(workdir: Path) -> dict:
    from classifier import default_model_dir

    marked = f"{MARKER} {ML_JD}"
    files = {
        "binary.txt": bytes(range(256)) * 10,
        "empty.txt": b"",
        "nul.txt": marked.encode() + b"\x00" * 10,
        "invalid-utf8.txt": marked.encode() + b"\xff\xfe\xfd",
        "surrogate-bytes.txt": marked.encode() + b"\xed\xa0\x80",
        "huge.txt": b"word " * 100_000,
        "controls.txt": b"\x0b\x0c\x01" * 5000,
        "jsonl-surrogate.jsonl": (
            json.dumps({"id": "1", "text": "We train \ud800 models. " + marked}) + "\n"
        ).encode(),
        "jsonl-deep.jsonl": b"[" * 100_000 + b"\n",
        "jsonl-bigint.jsonl": b'{"text": ' + b"9" * 10_000 + b"}\n",
    }
    tried = crashes = leaks = 0
    notes = []
    for name, data in files.items():
        path = workdir / name
        path.write_bytes(data)
        args = ["classify", "--jsonl", str(path)] if name.endswith(".jsonl") else ["classify", str(path)]
        for extra in ([], ["--format", "json"]):
            res = _cli(args + extra)
            tried += 1
            crashes += _crashed(res)
            leaks += MARKER.encode() in res.stderr
            if _crashed(res):
                notes.append(f"{name}: exit {res.returncode}")
    # Edited manifests: each must stop the command (exit 3), never print NaN or a flipped verdict.
    text = workdir / "jd.txt"
    text.write_text(ML_JD)
    for edit in (
        {"temperature": 0},
        {"temperature": -1},
        {"temperature": "x"},
        {"temperature": 2.0},
        {"mix_rule": None},
        {"shares_weight": -3},
    ):
        model = workdir / "model"
        shutil.rmtree(model, ignore_errors=True)
        model.mkdir()
        for part in default_model_dir().iterdir():  # the big files linked, the manifest a copy
            if part.name == "manifest.json":
                shutil.copy(part, model / part.name)
            else:
                (model / part.name).symlink_to(part.resolve())
        manifest = json.loads((model / "manifest.json").read_text())
        manifest.update(edit)
        (model / "manifest.json").write_text(json.dumps(manifest))
        res = _cli(["classify", "--model", str(model), "--format", "json", str(text)])
        tried += 1
        if res.returncode != 3 or _crashed(res):
            crashes += 1
            notes.append(f"manifest {edit}: exit {res.returncode}")
    return {
        "surface": "CLI",
        "tried": tried,
        "crashes": crashes,
        "5xx": 0,
        "peak_mb": None,
        "text_in_logs": leaks,
        "lost_or_duplicated": 0,
        "notes": notes,
    }


def _write_csv(path: Path, rows: list[tuple], header=("id", "title", "description"), encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _ids(path: Path) -> list[str]:
    import openpyxl
    import pyarrow.parquet as pq

    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return [r["id"] for r in csv.DictReader(fh)]
    if path.suffix == ".xlsx":
        rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
        col = list(rows[0]).index("id")
        return [str(r[col]) for r in rows[1:]]
    if path.suffix == ".jsonl":
        return [str(json.loads(x)["id"]) for x in path.read_text().splitlines()]
    return [str(r["id"]) for r in pq.read_table(path).to_pylist()]


def _formula_cells(path: Path) -> int:
    import openpyxl

    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        return sum(c.data_type == "f" for r in wb.active.iter_rows() for c in r)
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return sum(cell.startswith(("=", "+", "-", "@")) for r in csv.reader(fh) for cell in r)
    return 0


def run_bulk_surface(workdir: Path) -> dict:
    """Each case runs ``archetype bulk`` in a subprocess, as a user would."""
    import openpyxl

    tried = crashes = lost = leaks = formulas = 0
    notes: list[str] = []
    marked = f"{MARKER} {ML_JD}"

    def check(name: str, src: Path, out: Path, expected_rows: int | None, args=(), want=(0,)):
        nonlocal tried, crashes, lost, leaks, formulas
        tried += 1
        res = _cli(["bulk", str(src), "--out", str(out), *args])
        leaks += MARKER.encode() in res.stderr
        if _crashed(res) or res.returncode not in want:
            crashes += 1
            notes.append(f"{name}: exit {res.returncode} {res.stderr.decode(errors='replace')[-200:]}")
            return res
        if expected_rows is not None and res.returncode == 0:
            rej = out.with_name(f"{out.stem}.rejects{out.suffix}")
            got = _ids(out) + _ids(rej)
            if len(got) != expected_rows or len(set(got)) != len(got):
                lost += abs(expected_rows - len(got)) + (len(got) - len(set(got)))
                notes.append(f"{name}: {len(got)} rows out of {expected_rows}")
            formulas += _formula_cells(out)
        return res

    formula_rows = [
        ("f1", '=HYPERLINK("http://x","click")', marked),
        ("f2", "+cmd|' /C calc'!A0", "-" + INFRA_JD),
        ("f3", "@SUM(1+1)", "=1+1 " + ML_JD),
        ("f4", "ML Engineer", ML_JD),
    ]
    src = workdir / "formulas.csv"
    _write_csv(src, formula_rows)
    for suffix in ("xlsx", "csv", "jsonl", "parquet"):
        check(f"formulas -> {suffix}", src, workdir / f"formulas.out.{suffix}", 4)
    wb = openpyxl.Workbook()
    wb.active.append(["id", "title", "description"])
    for row in formula_rows:
        wb.active.append(list(row))  # written as formulas by openpyxl, as a hostile workbook would be
    wb.save(workdir / "formulas.xlsx")
    check("formula workbook -> xlsx", workdir / "formulas.xlsx", workdir / "fx.out.xlsx", 4)

    # --out equal to the input, directly and through a link: refused, input intact.
    before = src.read_bytes()
    link = workdir / "link.csv"
    link.symlink_to(src)
    check("--out is the input", src, src, None, want=(2,))
    check("--out links to the input", src, link, None, want=(2,))
    if src.read_bytes() != before:
        lost += 4
        notes.append("the input was changed")

    # Two runs on the same --out at once: one is refused, the output holds each row once.
    big = workdir / "big.csv"
    _write_csv(
        big,
        [
            (f"r{i}", "", f"Team {i} trains ranking model {i * 3}. Cluster {i} runs job {i * 7}.")
            for i in range(400)
        ],
    )
    out = workdir / "big.out.csv"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "classifier.cli",
                "bulk",
                str(big),
                "--out",
                str(out),
                "--chunk-size",
                "8",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    tried += 2
    codes = sorted(r[2] for r in results)
    crashes += sum(b"Traceback" in r[1] for r in results)
    if codes not in ([0, 2], [0, 0]):
        crashes += 1
        notes.append(f"two runs: exits {codes}")
    if out.exists():
        got = _ids(out) + _ids(workdir / "big.out.rejects.csv")
        lost += abs(400 - len(got)) + (len(got) - len(set(got)))
    else:
        lost += 400
        notes.append("two runs: no output")

    # Rows that crashed runs: lone surrogates (JSONL, CSV header), control characters, NUL, long cells.
    odd = workdir / "odd.jsonl"
    odd.write_bytes(
        b"[" * 100_000
        + b"\n"
        + b'{"id": "b", "text": '
        + b"9" * 10_000
        + b"}\n"
        + json.dumps({"id": "ok", "text": marked}).encode()
        + b"\n"
    )
    check("deep nesting and a huge number (JSONL)", odd, workdir / "odd.out.csv", 3)
    jl = workdir / "surrogates.jsonl"
    jl.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {"id": "s1", "title": "ML", "text": "We train \ud800 ranking models. " + marked},
                {"id": "s2", "title": "a\udfff", "text": marked},
                {"id": "s3", "title": f"ML\x0bEngineer {MARKER}", "text": marked},
                {"id": "s4", "title": "ML", "text": marked},
            ]
        )
        + "\n"
    )
    for suffix in ("xlsx", "csv", "jsonl", "parquet"):
        check(f"surrogates/controls -> {suffix}", jl, workdir / f"sur.out.{suffix}", 4)
    hdr = workdir / "header.csv"
    hdr.write_bytes(b'id,descr\xed\xa0\x80iption\n1,"' + marked.encode() + b'"\n')
    check(
        "bad bytes in the header",
        hdr,
        workdir / "hdr.out.csv",
        1,
        args=("--text-column", "descr\u00ed\u00a0\u20aciption"),
    )
    mixed = workdir / "mixed.csv"
    body = b'"' + marked.encode().replace(b'"', b'""') + b'"'
    mixed.write_bytes(
        b"id,title,description\n"
        + b"u1,Z\xc3\xbcrich,"
        + body
        + b"\n"
        + b"".join(b"w%d,Z\xfcrich \x96 M\xfcnchen," % i + body + b"\n" for i in range(5))
        + b"n1,NUL\x00here,"
        + body
        + b"\n"
        + b"x1,\x81\x8d,"
        + body
        + b"\n"
    )
    check("mixed encodings and NUL", mixed, workdir / "mixed.out.csv", 8)
    long = workdir / "long.csv"
    _write_csv(long, [("l1", "Long", (ML_JD + " ") * 40), ("l2", "Short", marked)])
    check("40k-character cell -> xlsx", long, workdir / "long.out.xlsx", 2)
    check("40k-character cell -> csv", long, workdir / "long.out.csv", 2)
    bomb = workdir / "bomb.xlsx"
    make_xlsx_bomb(bomb, 105_000_000)
    check("XLSX bomb", bomb, workdir / "bomb.out.csv", None, want=(2,))
    check("unwritable --out", src, Path("/sys/out.csv"), None, want=(2,))
    afile = workdir / "afile"
    afile.write_text("x")
    check("--out under a file", src, afile / "out.csv", None, want=(2,))
    # A held lock: as a run in progress holds it.
    with open(workdir / ".held.out.csv.archetype-lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        check("output locked by another run", src, workdir / "held.out.csv", None, want=(2,))
    return {
        "surface": "bulk",
        "tried": tried,
        "crashes": crashes,
        "5xx": 0,
        "peak_mb": None,
        "text_in_logs": leaks,
        "lost_or_duplicated": lost,
        "formula_cells": formulas,
        "notes": notes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--out", help="also write a markdown table here")
    parser.add_argument("--only", choices=["service", "cli", "bulk"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["service", "cli", "bulk"])
    results = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(tmp)
        if "service" in only:
            results.append(run_service(args.port, work))
        if "cli" in only:
            results.append(run_cli(work))
        if "bulk" in only:
            results.append(run_bulk_surface(work))
    lines = [
        "| surface | inputs tried | crashes | 5xx answers | peak server memory | text in logs | rows lost or duplicated |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        peak = (
            f"{r['peak_mb']} MB (idle {r['baseline_mb']} MB, after {r['held_mb']} MB)"
            if r["peak_mb"]
            else "-"
        )
        lines.append(
            f"| {r['surface']} | {r['tried']} | {r['crashes']} | {r['5xx']} | {peak} | "
            f"{r['text_in_logs']} | {r['lost_or_duplicated']} |"
        )
    extra = []
    for r in results:
        if "lint_wait_s" in r:
            extra.append(
                f"- service: a lint beside two PDF bombs waited {r['lint_wait_s']} s; "
                f"{r['info_lines']} INFO lines logged"
            )
        if "formula_cells" in r:
            extra.append(f"- bulk: {r['formula_cells']} live formula cells in the outputs")
        extra += [f"- {r['surface']}: {n}" for n in r["notes"]]
    publish(lines + [""] + extra, args.out)
    bad = sum(r["crashes"] + r["5xx"] + r["text_in_logs"] + r["lost_or_duplicated"] for r in results)
    bad += sum(r.get("formula_cells", 0) for r in results)
    bad += any(r["peak_mb"] and r["peak_mb"] >= 600 for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
