"""Reclassify a whole ATS export: every row out, nothing lost, resumable, streaming.

Rows are read in order, classified in chunks through :meth:`Classifier.classify_batch`, and
appended to a spool (JSONL) beside the output; unreadable rows go to a rejects spool with the
reason. After each chunk both spools are flushed to disk and a checkpoint records how many input
rows they hold and their byte sizes. ``--resume`` truncates the spools to the checkpoint and skips
the rows already done, so a run killed at any moment loses and repeats nothing. At the end the
spools become the output and the rejects file in the requested format, written to temporary
names and renamed into place: a crash never leaves a half-written file that looks complete.

Invariant, checked and reported: input rows = output rows + rejected rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, OutputError
from .inputs import SURROGATE
from .model import OUTCOME_NAMES
from .pipeline import Classifier, Document
from .readers import html_to_text, looks_like_html
from .tables import XLSX_ILLEGAL, XLSX_MAX_CELL, Row, Table, TableWriter, format_of, open_table

PROB_COLUMNS = [f"prob_{name}" for name in OUTCOME_NAMES]
RESULT_COLUMNS = [
    "archetype",
    "confidence",
    *PROB_COLUMNS,
    "mixed",
    "mixed_with",
    "title_mismatch",
    "needs_review",
    "model_version",
    "mode",
    "backend",
]
REJECT_COLUMNS = ["row", "id", "reason"]
CHECKPOINT_VERSION = 1

_TEXT_NAMES = [
    "text",
    "description",
    "job_description",
    "jobdescription",
    "jd",
    "body",
    "content",
    "resume",
    "resume_text",
    "cv",
    "cv_text",
    "posting",
    "details",
    "job_details",
]
_TITLE_NAMES = ["title", "job_title", "jobtitle", "position", "position_title", "role", "headline", "name"]
_ID_NAMES = [
    "id",
    "job_id",
    "jobid",
    "posting_id",
    "requisition_id",
    "req_id",
    "candidate_id",
    "application_id",
    "uuid",
    "file",
]


class BulkError(InputError):
    code = "bulk"


@dataclass(frozen=True)
class BulkOptions:
    text_column: str | None = None
    title_column: str | None = None
    id_column: str | None = None
    kind: str = "auto"
    chunk_size: int = 64
    engine: str = "local"
    workers: int = 2
    # CSV output: prefix a cell starting with = + - @ (a formula to Excel) with ' (OWASP's advice).
    csv_escape: bool = True


@dataclass
class Plan:
    """How rows become documents: which layout was recognised and which columns are read."""

    layout: str
    text_columns: list[str]
    title_column: str | None
    id_column: str | None
    guessed: bool = False

    def describe(self) -> str:
        how = "guessed" if self.guessed else "recognised" if self.layout != "given" else "given"
        parts = [f"layout {self.layout} ({how}); text from {', '.join(self.text_columns)}"]
        parts.append(f"title from {self.title_column}" if self.title_column else "no title column")
        parts.append(f"id from {self.id_column}" if self.id_column else "id = row number")
        return "; ".join(parts)


@dataclass
class Summary:
    input: str
    output: str
    rejects: str
    rows: int = 0
    classified: int = 0
    rejected: int = 0
    by_archetype: dict[str, int] = field(default_factory=dict)
    mixed: int = 0
    out_of_scope: int = 0
    needs_review: int = 0
    seconds: float = 0.0
    resumed_from: int = 0
    plan: str = ""
    rejected_by: dict[str, int] = field(default_factory=dict)  # reason (numbers as N) -> rows

    @property
    def balanced(self) -> bool:
        return self.rows == self.classified + self.rejected

    def text(self) -> str:
        rate = (self.rows - self.resumed_from) / self.seconds if self.seconds else 0.0
        lines = [
            f"{self.rows:,} rows read: {self.classified:,} classified -> {self.output}, "
            f"{self.rejected:,} rejected -> {self.rejects}",
            f"check: {self.classified:,} + {self.rejected:,} = {self.classified + self.rejected:,} "
            + ("(every row accounted for)" if self.balanced else "(MISMATCH)"),
            "by archetype: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_archetype.items(), key=lambda kv: -kv[1])),
            f"mixed {self.mixed:,}, out of scope {self.out_of_scope:,}, needs review {self.needs_review:,}",
            *(
                [
                    "rejected because: "
                    + "; ".join(
                        f"{n:,} x {reason}"
                        for reason, n in sorted(self.rejected_by.items(), key=lambda kv: -kv[1])[:8]
                    )
                ]
                if self.rejected_by
                else []
            ),
            f"{self.seconds:.1f}s, {rate:.1f} rows/s"
            + (f" (resumed after row {self.resumed_from:,})" if self.resumed_from else ""),
        ]
        return "\n".join(lines)


# -- which columns hold what --------------------------------------------------------------------
def plan_columns(table: Table, options: BulkOptions) -> Plan:
    cols = table.columns
    lower = {c.lower(): c for c in cols}

    def need(name: str | None, what: str) -> str | None:
        if name is None:
            return None
        if name in cols:
            return name
        if name.lower() in lower:
            return lower[name.lower()]
        raise BulkError(
            f"{what} column {name!r} is not in {table.path.name}; available columns: {', '.join(cols)}"
        )

    if table.format == "folder":
        return Plan("folder of files", ["(file contents)"], need(options.title_column, "title"), "file")
    title = need(options.title_column, "title")
    ident = need(options.id_column, "id")
    if options.text_column:
        return Plan(
            "given",
            [need(options.text_column, "text")],
            title or _pick(lower, _TITLE_NAMES),
            ident or _pick(lower, _ID_NAMES),
        )
    names = set(lower)
    if {"descriptionplain", "lists"} <= names or {"description", "lists", "additional"} <= names:
        text = [
            lower[n]
            for n in ("descriptionplain", "description", "lists", "additionalplain", "additional")
            if n in names
        ]
        if "descriptionplain" in names and "description" in names:
            text.remove(lower["description"])
        if "additionalplain" in names and "additional" in names:
            text.remove(lower["additional"])
        return Plan("Lever postings", text, title or lower.get("text"), ident or lower.get("id"))
    if "descriptionplain" in names or "descriptionhtml" in names:
        text = [lower["descriptionplain"] if "descriptionplain" in names else lower["descriptionhtml"]]
        return Plan("Ashby job postings", text, title or lower.get("title"), ident or lower.get("id"))
    if "content" in names and ("internal_job_id" in names or "absolute_url" in names or "title" in names):
        return Plan(
            "Greenhouse job posts", [lower["content"]], title or lower.get("title"), ident or lower.get("id")
        )
    guess = _pick(lower, _TEXT_NAMES, exclude=title)
    if guess is None:
        raise BulkError(
            f"cannot tell which column holds the text in {table.path.name}; give --text-column "
            f"(available columns: {', '.join(cols)})"
        )
    return Plan(
        "generic table",
        [guess],
        title or _pick(lower, _TITLE_NAMES, exclude=guess),
        ident or _pick(lower, _ID_NAMES),
        guessed=True,
    )


def _pick(lower: dict[str, str], names: list[str], exclude: str | None = None) -> str | None:
    for name in names:
        col = lower.get(name)
        if col and col != exclude:
            return col
    return None


def row_text(row: Row, plan: Plan) -> str:
    """The document text of a row: known layouts join their parts; HTML becomes clean text."""
    if row.text is not None:
        return row.text
    parts = []
    for col in plan.text_columns:
        value = row.values.get(col)
        if value is None or value == "":
            continue
        if isinstance(value, str) and plan.layout == "Lever postings" and col.lower() == "lists":
            value = _lever_lists(value)
        elif not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
        parts.append(html_to_text(value) if looks_like_html(value) else value)
    return "\n\n".join(p for p in parts if p.strip())


def _lever_lists(value: str) -> str:
    try:
        items = json.loads(value)
    except json.JSONDecodeError:
        return value
    if not isinstance(items, list):
        return value
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(str(item.get("text", "")))
            content = str(item.get("content", ""))
            out.append(html_to_text(content) if looks_like_html(content) else content)
    return "\n".join(out)


# -- the run ------------------------------------------------------------------------------------
def _fingerprint(path: Path) -> dict[str, Any]:
    if path.is_dir():
        files = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
        return {"folder": str(path.resolve()), "files": hashlib.sha256("\n".join(files).encode()).hexdigest()}
    st = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        digest.update(fh.read(1 << 20))
    return {"file": str(path.resolve()), "size": st.st_size, "head_sha256": digest.hexdigest()}


def default_output_format(table: Table, output: Path) -> str:
    if output.suffix:
        return format_of(output)
    if table.format == "folder":
        raise BulkError(f"{output}: give the output a .csv, .xlsx, .jsonl or .parquet extension")
    return table.format


def rejects_path(output: Path) -> Path:
    """``out.csv`` -> ``out.rejects.csv``."""
    return output.with_name(f"{output.stem}.rejects{output.suffix}")


class _Progress:
    """A bar on a terminal; a plain line every ``every`` seconds in logs."""

    def __init__(self, total: int | None, stream=sys.stderr, every: float = 10.0):
        self.total, self.stream, self.every = total, stream, every
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, start: int) -> None:
        now = time.perf_counter()
        if not self.tty and now - self.last < self.every:
            return
        self.last = now
        rate = (done - start) / max(now - self.started, 1e-9)
        left = ""
        if self.total and rate > 0:
            secs = (self.total - done) / rate
            left = f", {int(secs // 60)}m{int(secs % 60):02d}s left"
        total = f"/{self.total:,}" if self.total else ""
        if self.tty:
            frac = done / self.total if self.total else 0
            bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
            self.stream.write(f"\r[{bar}] {done:,}{total} rows, {rate:.1f} rows/s{left}   ")
        else:
            self.stream.write(f"{done:,}{total} rows, {rate:.1f} rows/s{left}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _classify_chunk(clf: Classifier, docs: list[Document]) -> list[dict | str]:
    """Plain-data results for a chunk (what crosses to and from Ray workers)."""
    out: list[dict | str] = []
    for res in clf.classify_batch(docs):
        if isinstance(res, InputError):
            out.append(str(res))
        else:
            out.append(result_columns(res))
    return out


def result_columns(res) -> dict[str, Any]:
    row = {
        "archetype": res.archetype,
        "confidence": res.confidence,
        "mixed": res.mixed,
        "mixed_with": res.mixed_with or "",
        "title_mismatch": res.title_mismatch,
        "needs_review": res.needs_review,
        "model_version": res.model_version,
        "mode": res.mode,
        "backend": res.backend,
    }
    row.update({f"prob_{k}": v for k, v in res.probabilities.items()})
    return row


def run_bulk(
    clf: Classifier | str | Path | tuple,
    input_path: str | Path,
    output_path: str | Path,
    options: BulkOptions = BulkOptions(),
    *,
    resume: bool = False,
    restart: bool = False,
    out_format: str | None = None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
    progress_stream=sys.stderr,
) -> Summary:
    """Classify every row of ``input_path`` into ``output_path`` (see the module docstring)."""
    started = time.perf_counter()
    output = Path(output_path)
    check_output(Path(input_path), output)  # before anything is opened, created or replaced
    table = open_table(input_path)
    fmt = out_format or default_output_format(table, output)
    plan = plan_columns(table, options)
    with _OutputLock(output):
        return _run_locked(
            clf, table, output, fmt, plan, options, resume, restart, log, progress_stream, started
        )


def _run_locked(clf, table, output, fmt, plan, options, resume, restart, log, progress_stream, started):
    total = "?" if table.total is None else f"{table.total:,}"
    log(f"{table.path.name}: {table.format}, {total} rows; {plan.describe()}")
    for note in table.notes:
        log(f"{table.path.name}: {note}")

    work = output.with_name(f".{output.name}.archetype-run")
    spool, reject_spool, ckpt_path = work / "rows.jsonl", work / "rejects.jsonl", work / "checkpoint.json"
    settings = {"options": asdict(options), "format": fmt, "input": _fingerprint(table.path)}
    counts: Counter = Counter()
    done = 0
    if ckpt_path.exists() and not restart:
        checkpoint = json.loads(ckpt_path.read_text())
        if not resume:
            raise BulkError(
                f"found an interrupted run into {output} ({checkpoint['rows_done']:,} rows done): "
                "add --resume to continue it or --restart to start over"
            )
        if checkpoint.get("settings") != settings or checkpoint.get("version") != CHECKPOINT_VERSION:
            raise BulkError("the interrupted run used another input file or other options; use --restart")
        done = int(checkpoint["rows_done"])
        counts = Counter(checkpoint["counts"])
        for path, size in ((spool, checkpoint["spool_bytes"]), (reject_spool, checkpoint["rejects_bytes"])):
            with open(path, "r+b") as fh:  # drop whatever was written after the last checkpoint
                fh.truncate(size)
        log(f"resuming after row {done:,}")
    else:
        if resume:
            log("no interrupted run to resume: starting from the first row")
        shutil.rmtree(work, ignore_errors=True)
        try:
            work.mkdir(parents=True)
            spool.touch()
            reject_spool.touch()
        except OSError as exc:
            raise OutputError(f"cannot write beside {output}: {exc.strerror or type(exc).__name__}") from None
    resumed_from = done

    if options.engine == "ray":
        from .distributed import RayChunkClassifier

        engine = RayChunkClassifier(clf, workers=options.workers)
        classified = engine.map_ordered(_prepared(table, plan, options, done, fmt), lambda p: p[1])
    else:
        if isinstance(clf, tuple):
            local = Classifier.load(clf[0], mode=clf[1], backend=clf[2])
        else:
            local = Classifier.load(clf) if isinstance(clf, (str, Path)) else clf
        engine = None
        classified = (
            (p, _classify_chunk(local, p[1]) if p[1] else [])
            for p in _prepared(table, plan, options, done, fmt)
        )

    progress = _Progress(table.total, progress_stream)
    try:
        with (
            open(spool, "a", encoding="utf-8") as out_fh,
            open(reject_spool, "a", encoding="utf-8") as rej_fh,
        ):
            for (slots, _docs), chunk_results in classified:
                results = iter(chunk_results)
                for row, row_id, error in slots:
                    result = error if error is not None else next(results)
                    if isinstance(result, str):
                        reject = {"row": row.number, "id": row_id, "reason": result}
                        rej_fh.write(json.dumps(reject, ensure_ascii=False) + "\n")
                        counts["rejected"] += 1
                        counts[f"reason:{reason_kind(result)}"] += 1
                    else:
                        item = {"values": row.values, "result": result}
                        out_fh.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
                        counts["classified"] += 1
                        counts[f"archetype:{result['archetype']}"] += 1
                        counts["mixed"] += int(result["mixed"])
                        counts["needs_review"] += int(result["needs_review"])
                done = slots[-1][0].number
                _checkpoint(ckpt_path, out_fh, rej_fh, done, counts, settings)
                progress.update(done, resumed_from)
    finally:
        progress.close()
        if engine is not None:
            engine.close()

    summary = _finish(table, plan, output, fmt, spool, reject_spool, counts, done, options.csv_escape)
    shutil.rmtree(work, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    summary.resumed_from = resumed_from
    summary.plan = plan.describe()
    return summary


def _prepared(table: Table, plan: Plan, options: BulkOptions, skip: int, fmt: str = "jsonl"):
    """Per chunk: ``(slots, docs)``; a slot is (row, id, reason it is rejected or None)."""
    for chunk in _chunks(table.rows(), skip, options.chunk_size):
        docs, slots = [], []
        for row in chunk:
            row_id = _printable(_row_id(row, plan))
            error = row.error or unwritable(row, fmt)
            if error:
                slots.append((row, row_id, error))
                continue
            text = row_text(row, plan)
            if not text.strip():
                slots.append((row, row_id, f"empty text in column {', '.join(plan.text_columns)}"))
                continue
            title = row.values.get(plan.title_column) if plan.title_column else None
            docs.append(Document(text, str(title) if title else None, options.kind, row_id))
            slots.append((row, row_id, None))
        yield slots, docs


def unwritable(row: Row, fmt: str) -> str | None:
    """Why a row cannot be written to ``fmt`` unchanged, or None. The reason names the column and
    the problem, never the text: a cell is never cut or stripped behind the user's back."""
    for column, value in row.values.items():  # a file's text is classified, not written out
        if not isinstance(value, str):
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            else:
                continue
        found = SURROGATE.search(value)
        if found:
            return f"column {column} holds a lone surrogate (U+{ord(found.group()):04X}): not valid Unicode"
        if fmt == "xlsx":
            bad = XLSX_ILLEGAL.search(value)
            if bad:
                return (
                    f"column {column} holds control character U+{ord(bad.group()):04X}, which XLSX cannot "
                    "store; write CSV, JSONL or Parquet to keep it"
                )
            if len(value) > XLSX_MAX_CELL:
                return (
                    f"column {column} has {len(value):,} characters; an XLSX cell holds {XLSX_MAX_CELL:,}: "
                    "write CSV, JSONL or Parquet to keep it whole"
                )
    return None


def reason_kind(reason: str) -> str:
    """A reject reason with its numbers as N, so the summary can count rows by reason."""
    return re.sub(r"\b\d[\d,]*\b", "N", reason)[:120]


def _printable(value: str) -> str:
    return SURROGATE.sub("\ufffd", value)


def _chunks(rows: Iterator[Row], skip: int, size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        if row.number <= skip:
            continue
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _row_id(row: Row, plan: Plan) -> str:
    if plan.id_column:
        value = row.values.get(plan.id_column)
        if value not in (None, ""):
            return str(value)
    return str(row.number)


def _checkpoint(path: Path, out_fh, rej_fh, done: int, counts: Counter, settings: dict) -> None:
    for fh in (out_fh, rej_fh):
        fh.flush()
        os.fsync(fh.fileno())
    data = {
        "version": CHECKPOINT_VERSION,
        "rows_done": done,
        "spool_bytes": out_fh.tell(),
        "rejects_bytes": rej_fh.tell(),
        "counts": dict(counts),
        "settings": settings,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def _finish(
    table: Table,
    plan: Plan,
    output: Path,
    fmt: str,
    spool: Path,
    reject_spool: Path,
    counts: Counter,
    rows: int,
    csv_escape: bool = True,
) -> Summary:
    columns = list(table.columns)
    rename = {c: (f"archetype_{c}" if c in columns else c) for c in RESULT_COLUMNS}
    out_columns = columns + [rename[c] for c in RESULT_COLUMNS]
    rej_out = rejects_path(output)
    tmp_out = output.with_name(output.name + ".partial")
    tmp_rej = rej_out.with_name(rej_out.name + ".partial")
    dialect = table.dialect if (fmt == "csv" and table.format == "csv") else None
    encoding = "utf-8-sig" if table.encoding in ("utf-8-sig", "cp1252") and fmt == "csv" else "utf-8"
    writer = TableWriter(
        tmp_out,
        fmt,
        out_columns,
        csv_dialect=dialect,
        encoding=encoding,
        typed=frozenset(rename.values()),
        escape_formulas=csv_escape,
    )
    written = 0
    with open(spool, encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            row = dict(item["values"])
            for col in columns:  # JSONL rows may lack some keys: keep them absent, not invented
                row.setdefault(col, None)
            row.update({rename[k]: v for k, v in item["result"].items()})
            if fmt == "jsonl":
                row = {k: v for k, v in row.items() if k in item["values"] or k in rename.values()}
            writer.write(row)
            written += 1
    writer.close()
    rwriter = TableWriter(
        tmp_rej,
        fmt,
        REJECT_COLUMNS,
        csv_dialect=dialect,
        encoding=encoding,
        typed=frozenset(REJECT_COLUMNS),
        escape_formulas=csv_escape,
    )
    rejected = 0
    with open(reject_spool, encoding="utf-8") as fh:
        for line in fh:
            rwriter.write(json.loads(line))
            rejected += 1
    rwriter.close()
    # Checked before anything is renamed into place: a mismatch leaves the run resumable, and no
    # file under the final name that looks complete.
    if rows != written + rejected or written != counts["classified"] or rejected != counts["rejected"]:
        raise BulkError(
            f"row count mismatch: {rows:,} read, {written:,} written, {rejected:,} rejected "
            f"(checkpoint: {counts['classified']:,} and {counts['rejected']:,}); nothing was replaced"
        )
    os.replace(tmp_rej, rej_out)
    os.replace(tmp_out, output)
    by = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("archetype:")}
    summary = Summary(
        str(table.path),
        str(output),
        str(rej_out),
        rows=rows,
        classified=written,
        rejected=rejected,
        by_archetype=by,
        mixed=counts["mixed"],
        out_of_scope=by.get("out_of_scope", 0),
        needs_review=counts["needs_review"],
        rejected_by={k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("reason:")},
    )
    return summary


def check_output(input_path: Path, output: Path) -> None:
    """Refuse an output (or its rejects file) that is the input, directly or through a link."""
    for target in (output, rejects_path(output)):
        same = target.resolve() == input_path.resolve()
        if not same and target.exists() and input_path.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(target, input_path)
        if same:
            raise OutputError(
                f"--out {output} would replace the input {input_path}"
                + (f" (through {target})" if target != output else "")
                + "; write to another file"
            )
    if output.is_dir():
        raise OutputError(f"--out {output} is a folder; give a file name such as {output / 'out.csv'}")


def _try_lock(fh) -> None:
    """Lock ``fh`` exclusively without waiting; BlockingIOError when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None
        return
    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)


class _OutputLock:
    """One run per output: a second run into the same file is refused, not interleaved."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.path = output.with_name(f".{output.name}.archetype-lock")
        self.fh = None

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            while True:
                fh = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
                try:
                    _try_lock(fh)
                except BlockingIOError:
                    fh.seek(0)
                    holder = fh.read().strip() or "?"
                    fh.close()
                    raise OutputError(
                        f"another archetype bulk run (pid {holder}) is writing {self.output}; "
                        "wait for it to finish, or choose another --out"
                    ) from None
                # The lock file may have been removed by a run that just finished: lock the live one.
                if os.path.exists(self.path) and os.path.samestat(os.fstat(fh.fileno()), os.stat(self.path)):
                    break
                fh.close()
            fh.truncate(0)
            fh.write(str(os.getpid()))
            fh.flush()
        except OSError as exc:
            raise OutputError(f"cannot write {self.output}: {exc.strerror or type(exc).__name__}") from None
        self.fh = fh
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        self.fh.close()
