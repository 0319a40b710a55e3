"""The ``archetype`` command: classify, lint, train, eval, split (and serve, from the service)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from .errors import ArchetypeError, InputError, ModelError
from .inputs import decode_bytes

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_MODEL = 0, 1, 2, 3
_DIRECTIVE_IN_MARKUP = re.compile(r"archetype:[ \t]*disable[ \t]*=[ \t]*[A-Za-z0-9_, \t-]+")


def _err(message: str) -> None:
    print(f"archetype: error: {message}", file=sys.stderr)


def _read_input(path: str) -> str:
    if path == "-":
        return decode_bytes(sys.stdin.buffer.read(), source="standard input")
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    return decode_bytes(p.read_bytes(), source=path)


def _allow(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(",") if v.strip())


def _load(args):
    from .pipeline import Classifier

    return Classifier.load(
        args.model, mode=getattr(args, "mode", None), backend=getattr(args, "backend", None)
    )


def _format_text(result, source: str = "") -> str:
    lines = [f"archetype: {result.archetype} (confidence {result.confidence:.2f})"]
    if result.mixed:
        lines.append(f"mixed:     yes, with {result.mixed_with} (ratio {result.mix_ratio:.2f})")
    else:
        lines.append("mixed:     no")
    shares = sorted(result.shares.items(), key=lambda kv: -kv[1])
    lines.append("shares:    " + "  ".join(f"{k} {v:.0%}" for k, v in shares if v >= 0.01))
    probs = sorted(result.probabilities.items(), key=lambda kv: -kv[1])
    lines.append("probs:     " + "  ".join(f"{k} {v:.2f}" for k, v in probs))
    lines.append(f"kind:      {result.kind}")
    if result.title:
        named = ", ".join(result.title_labels) or "no specific archetype"
        flag = "MISMATCH" if result.title_mismatch else "ok"
        lines.append(f"title:     {result.title!r} names {named} ({flag})")
    lines.append(
        "review:    " + ("yes: " + "; ".join(result.review_reasons) if result.needs_review else "no")
    )
    lines.append("evidence:")
    for label, items in result.evidence.items():
        lines.append(f"  {label}:")
        lines += [f"    - {e.text}  ({e.score:.2f}) [{e.start}:{e.end}]" for e in items[:3]]
    lines.append(f"model:     {result.model_version}")
    return "\n".join(lines)


def _jsonl_error(line_no: int, doc_id: Any, code: str, message: str) -> dict:
    return {"line": line_no, "id": doc_id, "error": {"code": code, "message": f"line {line_no}: {message}"}}


def run_jsonl(
    clf,
    lines: Iterable[bytes | str],
    out: TextIO,
    batch_size: int = 32,
    *,
    kind: str | None = None,
    title: str | None = None,
    allow_mix: tuple[str, ...] = (),
) -> tuple[int, int]:
    """Classify a JSONL stream: one output line per input line, in order. Returns (ok, errors).

    ``kind`` and ``title`` apply to lines that do not give their own."""
    from .pipeline import Document

    ok = errors = 0
    pending: list[tuple[int, Any, Document | dict]] = []

    def flush() -> None:
        nonlocal ok, errors
        docs = [d for _, _, d in pending if isinstance(d, Document)]
        results = iter(clf.classify_batch(docs, allow_mix=allow_mix))
        for line_no, doc_id, item in pending:
            if isinstance(item, dict):
                row, errors = item, errors + 1
            else:
                res = next(results)
                if isinstance(res, InputError):
                    row, errors = _jsonl_error(line_no, doc_id, res.code, str(res)), errors + 1
                else:
                    row, ok = {"line": line_no, "id": doc_id, **res.to_dict()}, ok + 1
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
        pending.clear()

    for line_no, raw in enumerate(lines, 1):
        pending.append((line_no, *_jsonl_item(line_no, raw, kind, title)))
        if len(pending) >= batch_size:
            flush()
    flush()
    return ok, errors


def _json_limit(exc: Exception) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else "a number too long to read"


def _jsonl_item(line_no: int, raw: bytes | str, kind: str | None, title: str | None) -> tuple[Any, Any]:
    """``(id, Document)`` for a good line, ``(id, error row)`` for a bad one."""
    from .pipeline import Document

    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            return None, _jsonl_error(line_no, None, "undecodable", f"not valid UTF-8 (byte {exc.start})")
    if not raw.strip():
        return None, _jsonl_error(line_no, None, "empty_line", "empty line")
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, _jsonl_error(
            line_no, None, "bad_json", f"not valid JSON ({exc.msg} at column {exc.colno})"
        )
    except (ValueError, RecursionError) as exc:  # a number too long to parse, nesting too deep
        return None, _jsonl_error(line_no, None, "bad_json", f"not valid JSON ({_json_limit(exc)})")
    if not isinstance(obj, dict):
        return None, _jsonl_error(line_no, None, "bad_json", "expected a JSON object")
    doc_id = obj.get("id")
    if "text" not in obj:
        return doc_id, _jsonl_error(line_no, doc_id, "missing_text", "'text' is missing")
    for field in ("text", "title", "kind"):
        value = obj.get(field)
        if value is not None and not isinstance(value, str):
            return doc_id, _jsonl_error(line_no, doc_id, f"bad_{field}", f"'{field}' must be a string")
    return doc_id, Document(obj["text"], obj.get("title") or title, obj.get("kind") or kind, doc_id)


def cmd_classify(args) -> int:
    clf = _load(args)
    if args.jsonl:
        inp = Path(args.jsonl)
        if not inp.is_file():
            raise InputError(f"{args.jsonl}: no such file")
        options = {
            "kind": args.kind if args.kind != "auto" else None,
            "title": args.title,
            "allow_mix": _allow(args.allow_mix),
        }
        with open(inp, "rb") as fh:  # bytes: a line that is not UTF-8 gets its own error
            if not args.out:
                ok, errors = run_jsonl(clf, fh, sys.stdout, **options)
            else:  # written beside the target, then renamed: never a half-written OUT
                tmp = Path(args.out).with_name(Path(args.out).name + ".partial")
                try:
                    with open(tmp, "w", encoding="utf-8") as out:
                        ok, errors = run_jsonl(clf, fh, out, **options)
                    os.replace(tmp, args.out)
                finally:
                    tmp.unlink(missing_ok=True)
        print(f"classified {ok} lines, {errors} errors", file=sys.stderr)
        return EXIT_OK
    if not args.file:
        raise InputError("give a FILE, '-' for standard input, or --jsonl IN.jsonl")
    text = _read_input(args.file)
    result = clf.classify(text, title=args.title, kind=args.kind, allow_mix=_allow(args.allow_mix))
    if args.format == "json":
        print(json.dumps(result.to_dict(with_segments=args.segments), indent=2, ensure_ascii=False))
    else:
        print(_format_text(result))
    return EXIT_OK


def _read_document(path: str) -> str:
    """A JD file as text: PDF, DOCX and HTML through the same readers as uploads, else decoded text."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if path != "-" and suffix in ("pdf", "docx", "html", "htm"):
        from .readers import extract_text

        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        data = p.read_bytes()
        text = extract_text(data, p.name, None)
        if suffix in ("html", "htm"):
            # An HTML comment does not survive text extraction; carry its 'archetype: disable=' over.
            raw = data.decode("utf-8", "replace")
            text += "".join(f"\n{m.group(0)}" for m in _DIRECTIVE_IN_MARKUP.finditer(raw))
        return text
    return _read_input(path)


def cmd_lint(args) -> int:
    from .lint import format_lint, lint, to_sarif
    from .lintconfig import check_fail_on, find_config, load_config
    from .pay import BANDS_ENV

    clf = None
    reports = []
    bad = 0
    for path in args.files:
        try:
            config = load_config(args.config) if args.config else find_config(path if path != "-" else ".")
            if args.fail_on:
                config.fail_on = check_fail_on(args.fail_on, "--fail-on")
            if args.pay_bands or os.environ.get(BANDS_ENV):
                config.pay_bands = args.pay_bands or os.environ[BANDS_ENV]
            text = _read_document(path)
            if clf is None:
                clf = _load(args)
            report = lint(clf, text, title=args.title, allow_mix=_allow(args.allow_mix), config=config)
        except InputError as exc:
            if len(args.files) == 1:
                raise
            _err(str(exc) if str(exc).startswith(path) else f"{path}: {exc}")
            bad += 1
            continue
        reports.append((path, report))
    if args.format == "sarif":
        print(json.dumps(to_sarif(reports), indent=2, ensure_ascii=False))
    elif args.format == "json":
        if len(args.files) == 1 and reports:
            print(json.dumps(reports[0][1].to_dict(), indent=2, ensure_ascii=False))
        else:
            docs = [{"file": path, **report.to_dict()} for path, report in reports]
            print(json.dumps(docs, indent=2, ensure_ascii=False))
    else:
        many = len(args.files) > 1
        print("\n\n".join(format_lint(r, p if many or p != "-" else "") for p, r in reports))
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_OK if all(r.passed for _, r in reports) else EXIT_FAIL


def cmd_train(args) -> int:
    from .data import DEFAULT_DATA_DIR
    from .train import build_model

    data = Path(args.data) if args.data else DEFAULT_DATA_DIR
    cache = Path(args.cache) if args.cache else Path(".cache") / "train-embeddings.npz"
    manifest = build_model(
        args.encoder, Path(args.out), data, cache_path=cache, log=lambda m: print(m, file=sys.stderr)
    )
    print(f"saved {manifest['model_version']} to {args.out} (default backend {manifest['default_backend']})")
    return EXIT_OK


def cmd_eval(args) -> int:
    from .data import DEFAULT_DATA_DIR
    from .evaluate import evaluate, to_markdown, write_report

    data = Path(args.data) if args.data else DEFAULT_DATA_DIR
    if args.real is not None:
        return _eval_real(args, data)
    clf = _load(args)
    report = evaluate(clf, data, split=args.split, log=lambda m: print(m, file=sys.stderr))
    j, m = write_report(report, Path(args.report_dir))
    print(to_markdown(report))
    print(f"wrote {j} and {m}", file=sys.stderr)
    return EXIT_OK


def _eval_real(args, data: Path) -> int:
    """``archetype eval --real DIR``: figures on real, labelled documents (see evaluate_real)."""
    from . import evaluate_real as er

    real = Path(args.real) if args.real else er.DEFAULT_REAL_DIR
    if not any((real / name).exists() for name in er.FILES):
        print(
            f"no real documents to measure on: {real} holds neither {' nor '.join(er.FILES)}; nothing to do",
            file=sys.stderr,
        )
        return EXIT_OK
    clf = _load(args)
    report = er.evaluate_real(
        clf,
        real,
        data,
        baselines=not args.no_baselines,
        limit=args.limit,
        log=lambda m: print(m, file=sys.stderr),
    )
    j, m = er.write_real_report(report, Path(args.report_dir))
    print(er.to_markdown(report))
    print(f"wrote {j} and {m}", file=sys.stderr)
    return EXIT_OK


def cmd_split(args) -> int:
    from .data import DEFAULT_DATA_DIR, load_documents, make_split

    data = Path(args.data) if args.data else DEFAULT_DATA_DIR
    path = data / "split.json"
    docs = load_documents(data)
    existing = json.loads(path.read_text()) if path.exists() and not args.reset else {}
    ids = {d.id for d in docs}
    kept = {k: v for k, v in existing.items() if k in ids}
    fresh = make_split([d for d in docs if d.id not in kept])
    split = dict(sorted({**kept, **fresh}.items()))
    path.write_text(json.dumps(split, indent=1) + "\n")
    counts = {s: list(split.values()).count(s) for s in ("train", "val", "test")}
    print(f"{path}: {counts} ({len(fresh)} newly assigned)")
    return EXIT_OK


def cmd_bulk(args) -> int:
    from .bulk import BulkOptions, run_bulk

    options = BulkOptions(
        text_column=args.text_column,
        title_column=args.title_column,
        id_column=args.id_column,
        kind=args.kind,
        chunk_size=args.chunk_size,
        engine=args.engine,
        workers=args.workers,
        csv_escape=not args.no_csv_escape,
    )
    if args.engine == "ray":
        from .pipeline import default_model_dir

        # each Ray worker loads the model itself, once
        clf: Any = (args.model or str(default_model_dir()), args.mode, args.backend)
    else:
        clf = _load(args)
    summary = run_bulk(clf, args.input, args.out, options, resume=args.resume, restart=args.restart)
    print(summary.text())
    return EXIT_OK


def cmd_serve(args) -> int:
    try:
        import uvicorn

        from service import Settings, create_app
    except ImportError as exc:  # pragma: no cover
        raise ArchetypeError(f"the service needs its extras installed: {exc}") from None
    pairs = (
        ("host", args.host),
        ("port", args.port),
        ("model", args.model),
        ("mode", args.mode),
        ("backend", args.backend),
    )
    overrides = {k: v for k, v in pairs if v}
    settings = Settings(**overrides)
    # force: main() already set up WARNING logging, which would swallow the app's INFO lines.
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    from .persistence import read_manifest
    from .pipeline import default_model_dir

    read_manifest(default_model_dir() if not settings.model else Path(settings.model))  # fail fast
    print(f"archetype: serving on http://{settings.host}:{settings.port}/ (docs at /docs)", file=sys.stderr)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower()
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archetype",
        description="Classify AI/ML job descriptions and resumes into five archetypes.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def model_opt(p):
        p.add_argument("--model", help="model folder (default: $ARCHETYPE_MODEL or models/default)")
        p.add_argument(
            "--mode",
            choices=["standard", "fast"],
            help="standard (default, or $ARCHETYPE_MODE) or fast: the static encoder, "
            "much faster, a little less accurate",
        )
        p.add_argument(
            "--backend",
            choices=["onnx-int8", "onnx", "torch"],
            help="standard mode's encoder runtime (default: $ARCHETYPE_BACKEND, else chosen at training)",
        )

    p = sub.add_parser("classify", help="classify a JD or resume (or a JSONL file of them)")
    p.add_argument("file", nargs="?", help="a text file, or - for standard input")
    p.add_argument("--kind", default="auto", help="jd, resume or auto (default)")
    p.add_argument("--title", help="the job title; only feeds the title_mismatch flag")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--segments", action="store_true", help="with --format json: every segment's reading")
    p.add_argument("--allow-mix", help="comma-separated archetypes this JD means to blend")
    p.add_argument("--jsonl", metavar="IN.jsonl", help="classify each line {text, id?, title?, kind?}")
    p.add_argument("--out", metavar="OUT.jsonl", help="with --jsonl: where to write (default stdout)")
    model_opt(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser(
        "lint",
        help="lint JDs before posting: findings by rule and severity (exit 1 at --fail-on or above)",
        description="Lint job descriptions. Exit status: 0 clean, 1 findings at or above --fail-on, "
        "2 bad input. Configuration: archetype.toml or [tool.archetype] in pyproject.toml, found from "
        "each file's folder upwards; a line 'archetype: disable=RULE' in a file silences RULE there.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="JD files (txt, md, html, pdf, docx), or -")
    p.add_argument("--title", help="the job title (default: the file's first line when it is a title)")
    p.add_argument("--allow-mix", help="comma-separated archetypes this JD means to blend")
    p.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="lowest severity that fails (default: the config's fail_on, else error)",
    )
    p.add_argument(
        "--pay-bands", metavar="FILE", help="a CSV of market pay bands (default: $ARCHETYPE_PAY_BANDS, "
        "the config's pay_bands, else the shipped table)"
    )
    p.add_argument("--config", metavar="FILE", help="an archetype.toml or pyproject.toml to use instead")
    model_opt(p)
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("train", help="train a model from training_data/")
    p.add_argument("--data", help="training data folder (default: training_data/)")
    p.add_argument("--out", default="models/default", help="where to save the model")
    p.add_argument(
        "--encoder",
        help="sentence-transformers model name or folder "
        "(default: bundled all-MiniLM-L6-v2, or $ARCHETYPE_ENCODER)",
    )
    p.add_argument("--cache", help="embedding cache file (default .cache/train-embeddings.npz)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("eval", help="evaluate on the test split beside two baselines")
    model_opt(p)
    p.add_argument("--data", help="training data folder (default: training_data/)")
    p.add_argument("--split", choices=["val", "test"], default="test")
    p.add_argument("--report-dir", default="reports", help="where eval.json and eval.md go")
    p.add_argument(
        "--real",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help="measure on real labelled documents instead (jds.jsonl, resumes.jsonl; default "
        "../shared/real_dev); writes real.json and real.md",
    )
    p.add_argument("--no-baselines", action="store_true", help="with --real: the model only")
    p.add_argument("--limit", type=int, help="with --real: only the first N documents (a smoke test)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "bulk", help="classify every row of an ATS export (CSV, XLSX, JSONL, Parquet, a folder)"
    )
    p.add_argument(
        "input", help="a .csv, .xlsx, .jsonl or .parquet file, or a folder of PDF/DOCX/TXT/HTML files"
    )
    p.add_argument(
        "--out", required=True, help="output file; its extension picks the format (default: the input's)"
    )
    p.add_argument(
        "--text-column", help="the column holding the JD or resume text (default: recognised or guessed)"
    )
    p.add_argument("--title-column", help="the column holding the job title")
    p.add_argument(
        "--id-column", help="the column holding each row's id (default: guessed, else the row number)"
    )
    p.add_argument("--kind", default="auto", help="jd, resume or auto (default)")
    p.add_argument(
        "--resume", action="store_true", help="continue an interrupted run from its last checkpoint"
    )
    p.add_argument("--restart", action="store_true", help="discard an interrupted run and start over")
    p.add_argument("--chunk-size", type=int, default=64, help="rows classified (and checkpointed) together")
    p.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local (default), or ray: classify chunks on a Ray cluster (RAY_ADDRESS, else a local one)",
    )
    p.add_argument("--workers", type=int, default=2, help="with --engine ray: classifier actors")
    p.add_argument(
        "--no-csv-escape",
        action="store_true",
        help="CSV output: write cells starting with = + - @ as they are (by default they get a "
        "leading ' so a spreadsheet shows them as text instead of running them as formulas)",
    )
    model_opt(p)
    p.set_defaults(func=cmd_bulk)

    p = sub.add_parser("serve", help="start the HTTP service and the lint page")
    p.add_argument("--host", help="default 127.0.0.1 or $ARCHETYPE_HOST")
    p.add_argument("--port", type=int, help="default 8000 or $ARCHETYPE_PORT")
    model_opt(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("split", help="assign new documents to train/val/test (existing ones keep theirs)")
    p.add_argument("--data", help="training data folder (default: training_data/)")
    p.add_argument("--reset", action="store_true", help="re-draw the whole split")
    p.set_defaults(func=cmd_split)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        code = args.func(args)
        sys.stdout.flush()  # here, so that a reader who went away is handled below, not at exit
        return code
    except InputError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except ModelError as exc:
        _err(str(exc))
        return EXIT_MODEL
    except ArchetypeError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`archetype lint jd.txt | head`): stop quietly, with the status a
        # Unix tool killed by SIGPIPE reports.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # a file we were told to write or read: its name, not a traceback
        _err(f"{exc.filename or 'file'}: {exc.strerror or type(exc).__name__}")
        return EXIT_BAD_INPUT
    except Exception as exc:
        if args.verbose:
            raise
        # The type only: a traceback's message could quote a document (resumes are personal data).
        _err(f"internal error ({type(exc).__name__}); run with -v for the traceback")
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
