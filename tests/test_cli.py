"""The `archetype` command, run in-process through main() and once as a real subprocess."""

import json
import subprocess
import sys

import pytest

from classifier import cli

from .texts import INFRA_JD, MIXED_JD, ML_JD, NURSE_JD


@pytest.fixture(autouse=True)
def _shared_classifier(monkeypatch, _classifier):
    # Load the model once for all CLI tests instead of once per command.
    monkeypatch.setattr(cli, "_load", lambda args: _classifier)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_classify_text_and_json(tmp_path, capsys):
    f = tmp_path / "jd.txt"
    f.write_text(ML_JD)
    code, out, _ = run(capsys, "classify", str(f))
    assert code == 0 and "archetype: ml_engineer" in out
    code, out, _ = run(capsys, "classify", str(f), "--format", "json", "--title", "Frontend Engineer")
    data = json.loads(out)
    assert code == 0 and data["archetype"] == "ml_engineer" and data["title_mismatch"] is True


def test_classify_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(INFRA_JD.encode())))
    code, out, _ = run(capsys, "classify", "-", "--format", "json")
    assert code == 0 and json.loads(out)["archetype"] == "ml_infra_engineer"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (
            b"Buscamos una persona ingeniera de datos para la empresa con experiencia en los modelos y "
            b"en la nube, que trabaje con nosotros en el equipo de la oficina.",
            "not to be English",
        ),
        (b"word " * 1_000_000, "characters; the limit is"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(tmp_path, capsys, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    for command in ("classify", "lint"):
        code, out, err = run(capsys, command, str(f))
        assert code == 2, (command, err)
        assert message in err and "Traceback" not in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "classify", "/nonexistent/jd.txt")
    assert code == 2 and "no such file" in err


def test_jsonl_one_output_line_per_input_line(tmp_path, capsys):
    lines = [
        json.dumps({"id": "a", "text": ML_JD, "title": "ML Engineer"}),
        "{not json",
        json.dumps({"id": "c", "title": "no text here"}),
        json.dumps({"id": "d", "text": "   "}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"id": "g", "text": NURSE_JD, "kind": "jd"}),
        json.dumps({"id": "h", "text": ML_JD, "kind": "poster"}),
        json.dumps({"id": "i", "text": ML_JD, "title": 42}),
    ]
    inp, outp = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "j", "text": "Train models \xff\xfe"}\n')
    code, _, err = run(capsys, "classify", "--jsonl", str(inp), "--out", str(outp))
    rows = [json.loads(x) for x in outp.read_text().splitlines()]
    assert code == 0 and len(rows) == len(lines) + 1
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 2))
    assert rows[0]["id"] == "a" and rows[0]["archetype"] == "ml_engineer"
    assert "line 2: not valid JSON" in rows[1]["error"]["message"]
    assert rows[2]["id"] == "c" and rows[2]["error"]["message"] == "line 3: 'text' is missing"
    assert rows[3]["error"]["code"] == "empty_text"
    assert rows[4]["error"]["code"] == "empty_line"
    assert "expected a JSON object" in rows[5]["error"]["message"]
    assert rows[6]["archetype"] == "out_of_scope"
    assert rows[7]["error"]["code"] == "invalid_kind"
    assert rows[8]["error"]["message"] == "line 9: 'title' must be a string"
    assert rows[9]["error"]["code"] == "undecodable" and "not valid UTF-8" in rows[9]["error"]["message"]
    assert "classified 2 lines, 8 errors" in err
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_jsonl_applies_command_line_kind_title_and_blend(tmp_path, capsys):
    inp = tmp_path / "in.jsonl"
    inp.write_text(
        json.dumps({"id": "a", "text": MIXED_JD})
        + "\n"
        + json.dumps({"id": "b", "text": ML_JD, "kind": "jd"})
        + "\n"
    )
    code, out, _ = run(
        capsys,
        "classify",
        "--jsonl",
        str(inp),
        "--kind",
        "resume",
        "--title",
        "Research Engineer",
        "--allow-mix",
        "ml_engineer,research_scientist",
    )
    a, b = (json.loads(x) for x in out.splitlines())
    assert a["kind"] == "resume" and a["title"] == "Research Engineer" and not a["mixed"]
    assert b["kind"] == "jd"


def test_lint_exit_codes(tmp_path, capsys):
    single, mixed, oos = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    single.write_text(ML_JD)
    mixed.write_text(MIXED_JD)
    oos.write_text(NURSE_JD)
    code, out, _ = run(capsys, "lint", str(single))
    assert code == 0 and "PASS" in out
    code, out, _ = run(capsys, "lint", str(mixed), "--title", "Machine Learning Engineer")
    assert code == 1 and "Mixed" in out and "cut or move" in out
    code, out, _ = run(capsys, "lint", str(mixed), "--allow-mix", "ml_engineer,research_scientist")
    assert code == 0
    code, out, _ = run(capsys, "lint", str(oos), "--format", "json")
    assert code == 1 and json.loads(out)["out_of_scope"] is True
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["out-of-scope"]


def test_lint_title_only_and_title_mismatch_fail(tmp_path, capsys):
    only_title = tmp_path / "title.txt"
    only_title.write_text("Senior Machine Learning Engineer\n")
    code, out, _ = run(capsys, "lint", str(only_title))
    assert code == 1 and "no-role-content" in out
    titled = tmp_path / "titled.txt"
    titled.write_text("Research Scientist\n\n" + INFRA_JD)
    code, out, _ = run(capsys, "lint", str(titled))
    assert code == 1 and f"title-mismatch    {titled}:1:1" in out


def test_fail_on_threshold_and_pay_bands(tmp_path, capsys, monkeypatch):
    jd = tmp_path / "jd.txt"
    jd.write_text(ML_JD + "\nSalary: $120,000 - $140,000 base.\n")
    code, out, _ = run(capsys, "lint", str(jd))
    assert code == 0 and "pay-below-market" in out and "$120,000-$140,000 USD per year" in out
    code, out, _ = run(capsys, "lint", str(jd), "--fail-on", "warning")
    assert code == 1 and "FAIL" in out
    bands = tmp_path / "bands.csv"
    bands.write_text("archetype,currency,low,high\nml_engineer,USD,100000,150000\n")
    code, out, _ = run(capsys, "lint", str(jd), "--fail-on", "warning", "--pay-bands", str(bands))
    assert code == 0 and "pay-below-market" not in out
    monkeypatch.setenv("ARCHETYPE_PAY_BANDS", str(bands))
    assert run(capsys, "lint", str(jd), "--fail-on", "warning")[0] == 0
    monkeypatch.setenv("ARCHETYPE_PAY_BANDS", str(tmp_path / "missing.csv"))
    code, _, err = run(capsys, "lint", str(jd))
    assert code == 2 and "missing.csv: no such file" in err


def test_config_from_the_files_folder_and_inline_disable(tmp_path, capsys):
    folder = tmp_path / "jobs"
    folder.mkdir()
    jd = folder / "jd.txt"
    jd.write_text("Research Scientist\n\n" + INFRA_JD)
    (tmp_path / "archetype.toml").write_text('[rules]\ntitle-mismatch = "warning"\n')
    code, out, _ = run(capsys, "lint", str(jd))
    assert code == 0 and "warning title-mismatch" in out
    assert run(capsys, "lint", str(jd), "--fail-on", "warning")[0] == 1
    (tmp_path / "archetype.toml").unlink()
    jd.write_text("# archetype: disable=title-mismatch\nResearch Scientist\n\n" + INFRA_JD)
    assert run(capsys, "lint", str(jd))[0] == 0
    (tmp_path / "archetype.toml").write_text('fail_on = "often"\n')
    code, _, err = run(capsys, "lint", str(jd))
    assert code == 2 and "not a severity" in err and "archetype.toml" in err


def test_lint_many_files_sarif_and_one_bad_file(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ML_JD)
    b.write_text(MIXED_JD)
    code, out, _ = run(capsys, "lint", str(a), str(b), "--format", "sarif")
    sarif = json.loads(out)
    assert code == 1 and sarif["version"] == "2.1.0"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    }
    assert uris == {str(b)}
    code, out, _ = run(capsys, "lint", str(a), str(b), "--format", "json")
    assert [d["file"] for d in json.loads(out)] == [str(a), str(b)]
    empty = tmp_path / "empty.txt"
    empty.write_text("  ")
    code, out, err = run(capsys, "lint", str(a), str(empty))
    assert code == 2 and "empty" in err and "PASS" in out


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    jd = tmp_path / "jd.txt"
    jd.write_text(MIXED_JD)
    proc = subprocess.Popen(
        [sys.executable, "-m", "classifier.cli", "lint", str(jd)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the report is written, as with `| head -0`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_missing_model_exits_3_as_a_real_process(tmp_path):
    jd = tmp_path / "jd.txt"
    jd.write_text(ML_JD)
    proc = subprocess.run(
        [sys.executable, "-m", "classifier.cli", "classify", str(jd), "--model", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3
    assert "no model at" in proc.stderr and "archetype train" in proc.stderr


def test_pre_commit_hooks_run_the_lint_command_on_the_files_given():
    from pathlib import Path

    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"archetype-lint", "archetype-lint-system"}
    for hook in hooks:
        assert hook["entry"] == "archetype lint" and hook["require_serial"] is True
        assert hook.get("pass_filenames", True)  # pre-commit appends the staged JD files
        args = cli.build_parser().parse_args(hook["entry"].split()[1:] + ["a.txt", "b.md"])
        assert args.func is cli.cmd_lint and args.files == ["a.txt", "b.md"]


def test_lint_reads_pdf_docx_and_html_files_and_html_comments_still_disable(tmp_path, capsys):
    from .files import make_docx, make_pdf

    pdf, docx, html = tmp_path / "jd.pdf", tmp_path / "jd.docx", tmp_path / "jd.html"
    pdf.write_bytes(make_pdf(MIXED_JD.splitlines()))
    docx.write_bytes(make_docx(MIXED_JD.splitlines()))
    for f in (pdf, docx):
        code, out, _ = run(capsys, "lint", str(f))
        assert code == 1 and "mixed-archetypes" in out
    body = "".join(f"<p>{line}</p>" for line in ("Research Scientist", *INFRA_JD.splitlines()))
    html.write_text(f"<html><body>{body}</body></html>")
    assert run(capsys, "lint", str(html))[0] == 1
    html.write_text(f"<html><body><!-- archetype: disable=title-mismatch -->{body}</body></html>")
    code, out, _ = run(capsys, "lint", str(html))
    assert code == 0 and "title-mismatch" not in out
