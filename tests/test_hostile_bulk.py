"""Bulk runs against hostile and careless inputs: spreadsheet formulas stay text, the input is never
overwritten, two runs never interleave, and a row that cannot be kept unchanged is rejected with
its reason, never cut, stripped, garbled or crashed on."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import time

import openpyxl
import pytest

from classifier.bulk import BulkError
from classifier.errors import InputError, OutputError

from .files import make_xlsx_bomb
from .test_bulk import read_csv, run, write_csv
from .texts import INFRA_JD, ML_JD, RS_RESUME

FORMULA = '=HYPERLINK("http://x","click")'
BODY = b'"' + ML_JD.encode().replace(b'"', b'""') + b'"'  # one quoted CSV field
CLI = [sys.executable, "-m", "classifier.cli", "bulk"]


def _formula_csv(path):
    write_csv(
        path,
        ["id", "title", "description", "notes"],
        [("@j1", FORMULA, ML_JD, "-5"), ("j2", "+SUM(A1:A9)", "-" + INFRA_JD, "-2+3")],
    )


def test_xlsx_output_writes_text_as_text(_classifier, tmp_path):
    src = tmp_path / "in.csv"
    _formula_csv(src)
    run(_classifier, src, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["title"].value == FORMULA and row["title"].data_type == "s"
    assert row["id"].value == "@j1" and row["id"].data_type == "s"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_xlsx_input_string_cells_stay_strings(_classifier, tmp_path):
    from openpyxl.cell import Cell

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "title", "description"])
    cell = Cell(ws, value="=1+1")
    cell.data_type = "s"  # a text cell that merely starts with '='
    ws.append(["j1", cell, ML_JD])
    wb.save(tmp_path / "in.xlsx")
    run(_classifier, tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert out["B2"].value == "=1+1" and out["B2"].data_type == "s"


def test_csv_output_escapes_formula_cells_unless_told_not_to(_classifier, tmp_path):
    src = tmp_path / "in.csv"
    _formula_csv(src)
    run(_classifier, src, tmp_path / "out.csv")
    out = read_csv(tmp_path / "out.csv")
    assert [r["title"] for r in out] == ["'" + FORMULA, "'+SUM(A1:A9)"]
    assert out[0]["id"] == "'@j1" and out[1]["description"].startswith("'-")
    assert [r["notes"] for r in out] == ["-5", "'-2+3"]  # a plain number cannot be a formula
    run(_classifier, src, tmp_path / "raw.csv", csv_escape=False)
    raw = read_csv(tmp_path / "raw.csv")
    assert raw[0]["title"] == FORMULA and raw[0]["id"] == "@j1"


def test_out_equal_to_the_input_is_refused_before_anything_is_touched(_classifier, tmp_path):
    src = tmp_path / "jobs.csv"
    write_csv(src, ["id", "description"], [("1", ML_JD), ("2", "")])
    before = src.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    for out in (src, link, tmp_path / "." / "jobs.csv"):
        with pytest.raises(OutputError, match="would replace the input"):
            run(_classifier, src, out)
    rejects_named_like_input = tmp_path / "jobs.rejects.csv"
    write_csv(rejects_named_like_input, ["id", "description"], [("1", ML_JD)])
    with pytest.raises(OutputError, match="would replace the input"):
        run(_classifier, rejects_named_like_input, tmp_path / "jobs.csv")
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.csv", "jobs.rejects.csv", "link.csv"]
    res = subprocess.run(CLI + [str(src), "--out", str(link)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "would replace the input" in res.stderr and "Traceback" not in res.stderr
    assert src.read_bytes() == before


def test_a_second_run_on_the_same_output_is_refused(_classifier, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, ["id", "description"], [(str(i), ML_JD) for i in range(3)])
    with open(tmp_path / ".out.csv.archetype-lock", "a+") as held:  # as a run in progress holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242")
        held.flush()
        with pytest.raises(OutputError, match=r"another archetype bulk run \(pid 4242\) is writing"):
            run(_classifier, src, out)
    assert not out.exists()
    s = run(_classifier, src, out)
    assert s.classified == 3 and len(read_csv(out)) == 3
    assert not (tmp_path / ".out.csv.archetype-lock").exists()


def test_counts_are_checked_before_the_output_is_renamed(_classifier, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, ["id", "description"], [(f"r{i}", ML_JD + f" Ref {i}.") for i in range(16)])

    class Flaky:
        calls = 0

        def __getattr__(self, name):
            return getattr(_classifier, name)

        def classify_batch(self, docs):
            Flaky.calls += 1
            if Flaky.calls == 2:
                raise KeyboardInterrupt
            return _classifier.classify_batch(docs)

    with pytest.raises(KeyboardInterrupt):
        run(Flaky(), src, out, chunk_size=8)
    spool = tmp_path / ".out.csv.archetype-run" / "rows.jsonl"
    ckpt = json.loads((tmp_path / ".out.csv.archetype-run" / "checkpoint.json").read_text())
    # What an interleaved second writer did: one row twice, and the checkpoint agreeing with it.
    spool.write_bytes(spool.read_bytes() * 2)
    ckpt["spool_bytes"] = spool.stat().st_size
    (tmp_path / ".out.csv.archetype-run" / "checkpoint.json").write_text(json.dumps(ckpt))
    with pytest.raises(BulkError, match="row count mismatch"):
        run(_classifier, src, out, chunk_size=8, resume=True)
    assert not out.exists() and not (tmp_path / "out.rejects.csv").exists()


def test_lone_surrogates_and_control_characters_are_rejected_rows_not_crashes(_classifier, tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "ok", "title": "ML Engineer", "text": ML_JD}),
        json.dumps({"id": "s1", "title": "ML", "text": "We train \ud800 ranking models. " + ML_JD}),
        json.dumps({"id": "s2", "title": "ML \udfff", "text": ML_JD}),
        json.dumps({"id": "c1", "title": "ML\x0bEngineer Zanzibarquux", "text": ML_JD}),
    ]
    src.write_text("\n".join(lines) + "\n")
    s = run(_classifier, src, tmp_path / "out.xlsx")
    assert (s.rows, s.classified, s.rejected) == (4, 1, 3) and s.balanced
    rej = list(openpyxl.load_workbook(tmp_path / "out.rejects.xlsx").active.iter_rows(values_only=True))[1:]
    reasons = {r[1]: r[2] for r in rej}
    assert "U+D800" in reasons["s1"] and "U+DFFF" in reasons["s2"]
    assert "control character U+000B" in reasons["c1"] and "column title" in reasons["c1"]
    assert "Zanzibarquux" not in json.dumps(reasons)
    # The same through the CLI: nothing on stderr quotes the document, and the run finishes.
    res = subprocess.run(
        CLI + [str(src), "--out", str(tmp_path / "cli.xlsx")], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr
    assert "Zanzibarquux" not in res.stderr + res.stdout and "Traceback" not in res.stderr


def test_a_header_with_bad_bytes_does_not_crash_the_run(_classifier, tmp_path):
    src = tmp_path / "in.csv"
    # Mostly UTF-8 (so the file is read as UTF-8), with a header that is not: the column name
    # once reached the spool as surrogate escapes and crashed the write.
    rows = b"".join(b"%d,Z\xc3\xbcrich M\xc3\xbcnchen," % i + BODY + b"\n" for i in range(3))
    src.write_bytes(b"id,city,descr\xed\xa0\x80iption\n" + rows)
    s = run(_classifier, src, tmp_path / "out.csv", text_column="descr\u00ed\u00a0\u20aciption")
    assert s.classified == 3
    assert read_csv(tmp_path / "out.csv")[0]["city"] == "Zürich München"


def test_mixed_encodings_are_decoded_row_by_row(_classifier, tmp_path):
    src = tmp_path / "mixed.csv"
    rows = [b"id,location,description\n", b"u1,Z\xc3\xbcrich caf\xc3\xa9," + BODY + b"\n"]
    rows += [b"w%d,Z\xfcrich caf\xe9 \x96 M\xfcnchen," % i + BODY + b"\n" for i in range(5)]
    src.write_bytes(b"".join(rows))
    s = run(_classifier, src, tmp_path / "out.csv")
    assert s.classified == 6
    out = read_csv(tmp_path / "out.csv")
    assert out[0]["location"] == "Zürich café"
    assert all(r["location"] == "Zürich café – München" for r in out[1:])


def test_cells_are_never_cut_or_stripped_silently(_classifier, tmp_path):
    src = tmp_path / "in.csv"
    long_jd = (ML_JD.replace("\n", " ") + " ") * (40_023 // len(ML_JD) + 1)
    long_jd = long_jd[:40_023]
    quoted = b'"' + long_jd.encode().replace(b'"', b'""') + b'"'
    nul = b'"Train\x00 ' + BODY[1:]
    src.write_bytes(b"id,description\n" + b"long," + quoted + b"\nnul," + nul + b"\nok," + BODY + b"\n")
    s = run(_classifier, src, tmp_path / "out.xlsx")
    rej = {
        r[1]: r[2]
        for r in openpyxl.load_workbook(tmp_path / "out.rejects.xlsx").active.iter_rows(values_only=True)
    }
    assert (s.classified, s.rejected) == (1, 2), rej
    rej = {
        r[1]: r[2]
        for r in openpyxl.load_workbook(tmp_path / "out.rejects.xlsx").active.iter_rows(values_only=True)
    }
    assert "40,023 characters" in rej["long"] and "32,767" in rej["long"]
    assert "NUL" in rej["nul"]
    # The summary says why rows were not written, not just how many.
    assert s.rejected_by == {
        "column description has N characters; an XLSX cell holds N: write CSV, JSONL or Parquet to keep it whole": 1,
        "NUL bytes in the row (a cell cannot hold them unchanged)": 1,
    }
    assert "rejected because: 1 x column description has N characters" in s.text()
    s = run(_classifier, src, tmp_path / "out.csv")  # CSV holds the long cell whole
    out = {r["id"]: r for r in read_csv(tmp_path / "out.csv")}
    assert len(out["long"]["description"]) == 40_023 and "nul" not in out
    assert "NUL" in read_csv(tmp_path / "out.rejects.csv")[0]["reason"]


def test_an_xlsx_bomb_is_refused_quickly(_classifier, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    make_xlsx_bomb(bomb, 105_000_000)
    assert bomb.stat().st_size < 2_000_000
    started = time.perf_counter()
    with pytest.raises(InputError, match="compression bomb"):
        run(_classifier, bomb, tmp_path / "out.csv")
    assert time.perf_counter() - started < 5


def test_an_unwritable_out_is_a_message_and_exit_2(tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, ["id", "description"], [("1", ML_JD)])
    (tmp_path / "afile").write_text("x")
    for out in ("/sys/out.csv", str(tmp_path / "afile" / "out.csv")):
        res = subprocess.run(CLI + [str(src), "--out", out], capture_output=True, text=True, timeout=120)
        assert res.returncode == 2, res.stderr
        assert res.stderr.startswith("archetype: error:") and "Traceback" not in res.stderr
        assert "out.csv" in res.stderr


def test_a_long_file_in_a_folder_is_classified_into_xlsx(_classifier, tmp_path):
    # A file's text is classified, not written out: its length is no reason to reject it.
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "long.txt").write_text((RS_RESUME + "\n") * (40_000 // len(RS_RESUME) + 1))
    s = run(_classifier, folder, tmp_path / "out.xlsx")
    assert (s.classified, s.rejected) == (1, 0)


def test_jsonl_lines_too_deep_or_with_huge_numbers_are_rejected_rows(_classifier, tmp_path):
    src = tmp_path / "odd.jsonl"
    src.write_bytes(
        b"[" * 100_000
        + b"\n"
        + b'{"id": "b", "text": '
        + b"9" * 10_000
        + b"}\n"
        + json.dumps({"id": "ok", "text": ML_JD}).encode()
        + b"\n"
    )
    s = run(_classifier, src, tmp_path / "out.csv")
    assert (s.rows, s.classified, s.rejected) == (3, 1, 2)
    reasons = [r["reason"] for r in read_csv(tmp_path / "out.rejects.csv")]
    assert reasons == ["not valid JSON (nested too deeply)", "not valid JSON (a number too long to read)"]
    res = subprocess.run(
        [sys.executable, "-m", "classifier.cli", "classify", "--jsonl", str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x.get("error", {}).get("code") for x in lines] == ["bad_json", "bad_json", None]
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
