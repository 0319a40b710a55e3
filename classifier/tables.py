"""Stream rows in and out of the formats ATS exports come in: CSV, XLSX, JSONL, Parquet, or a
folder of resume files. Readers never load a whole file; a row that cannot be read is yielded with
the reason instead of values, so the caller can reject it and go on.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

TABLE_FORMATS = ("csv", "xlsx", "jsonl", "parquet")
FILE_SUFFIXES = {".pdf", ".docx", ".txt", ".html", ".htm", ".md"}
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # very long fields (whole JDs in one cell)


def format_of(path: Path) -> str:
    """The table format a path names by its extension."""
    suffix = path.suffix.lower().lstrip(".")
    aliases = {
        "tsv": "csv",
        "txt": "csv",
        "ndjson": "jsonl",
        "json": "jsonl",
        "xlsm": "xlsx",
        "pq": "parquet",
    }
    fmt = aliases.get(suffix, suffix)
    if fmt not in TABLE_FORMATS:
        raise InputError(f"{path}: unknown table format {suffix!r}; use one of: {', '.join(TABLE_FORMATS)}")
    return fmt


@dataclass
class Row:
    """One input row: its number (1 = first data row), values by column, or why it is unreadable."""

    number: int
    values: dict[str, Any]
    error: str | None = None
    text: str | None = None  # set by readers that produce the text themselves (files)


@dataclass
class Table:
    path: Path
    format: str
    columns: list[str]
    total: int | None = None  # rows, when cheap to know (for the progress bar)
    encoding: str = "utf-8"
    dialect: Any = None
    legacy: bool = False  # some rows are Windows-1252, not UTF-8
    notes: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[Row]:
        return {
            "csv": self._csv_rows,
            "xlsx": self._xlsx_rows,
            "jsonl": self._jsonl_rows,
            "parquet": self._parquet_rows,
            "folder": self._folder_rows,
        }[self.format]()

    # -- CSV ------------------------------------------------------------------------------------
    def _csv_rows(self) -> Iterator[Row]:
        with open(self.path, encoding=self.encoding, errors="surrogateescape", newline="") as fh:
            reader = csv.reader(_mark_nul(fh), self.dialect)
            next(reader, None)  # header
            number = 0
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    number += 1
                    yield Row(number, {}, f"unreadable CSV record: {exc}")
                    continue
                number += 1
                if not record:
                    yield Row(number, {}, "empty line")
                    continue
                if any(NUL_MARK in v for v in record):
                    values = dict(zip(self.columns, (v.replace(NUL_MARK, "") for v in record), strict=False))
                    yield Row(number, values, "NUL bytes in the row (a cell cannot hold them unchanged)")
                    continue
                if any(_has_surrogate(v) for v in record):
                    # The file mixes encodings: this row is not UTF-8, so read it as Windows-1252.
                    try:
                        record = [_as_cp1252(v) for v in record]
                    except UnicodeDecodeError:
                        values = dict(zip(self.columns, record, strict=False))  # for the id
                        yield Row(number, values, "undecodable bytes (neither UTF-8 nor Windows-1252 text)")
                        continue
                if len(record) != len(self.columns):
                    values = dict(zip(self.columns, record, strict=False))
                    yield Row(
                        number,
                        values,
                        f"ragged row: {len(record)} fields, the header has {len(self.columns)}",
                    )
                    continue
                yield Row(number, dict(zip(self.columns, record, strict=True)))

    # -- XLSX -----------------------------------------------------------------------------------
    def _xlsx_rows(self) -> Iterator[Row]:
        import openpyxl

        wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            rows = wb.active.iter_rows(values_only=True)
            next(rows, None)
            for number, record in enumerate(rows, 1):
                cells = ["" if v is None else str(v) for v in record]
                if len(cells) > len(self.columns) and any(cells[len(self.columns) :]):
                    yield Row(
                        number,
                        dict(zip(self.columns, cells, strict=False)),
                        f"ragged row: {len(cells)} cells, the header has {len(self.columns)}",
                    )
                    continue
                cells += [""] * (len(self.columns) - len(cells))
                yield Row(number, dict(zip(self.columns, cells[: len(self.columns)], strict=True)))
        finally:
            wb.close()

    # -- JSONL ----------------------------------------------------------------------------------
    def _jsonl_rows(self) -> Iterator[Row]:
        with open(self.path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield Row(number, {}, "undecodable bytes (not valid UTF-8)")
                    continue
                if not line.strip():
                    yield Row(number, {}, "empty line")
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Row(number, {}, f"not valid JSON ({exc.msg} at column {exc.colno})")
                    continue
                except RecursionError:
                    yield Row(number, {}, "not valid JSON (nested too deeply)")
                    continue
                except ValueError:  # Python refuses integers of more than 4,300 digits
                    yield Row(number, {}, "not valid JSON (a number too long to read)")
                    continue
                if not isinstance(obj, dict):
                    yield Row(number, {}, "expected a JSON object")
                    continue
                yield Row(number, obj)

    # -- Parquet --------------------------------------------------------------------------------
    def _parquet_rows(self) -> Iterator[Row]:
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                number += 1
                yield Row(number, record)

    # -- a folder of documents ------------------------------------------------------------------
    def _folder_rows(self) -> Iterator[Row]:
        from .readers import extract_text

        for number, path in enumerate(_folder_files(self.path), 1):
            name = str(path.relative_to(self.path))
            try:
                text = extract_text(path.read_bytes(), path.name)
            except (InputError, OSError) as exc:
                yield Row(number, {"file": name}, str(exc))
                continue
            yield Row(number, {"file": name}, text=text)


NUL_MARK = "\udc00"  # a lone surrogate surrogateescape never makes: marks where a NUL byte was


def _mark_nul(lines):
    """NUL bytes become a marker, so the row holding one is rejected rather than silently changed."""
    for line in lines:
        yield line.replace("\x00", NUL_MARK) if "\x00" in line else line


def _as_cp1252(value: str) -> str:
    if not _has_surrogate(value):
        return value  # plain ASCII reads the same either way
    return value.encode("utf-8", "surrogateescape").decode("cp1252")


def _has_surrogate(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)


def _unique(names: list[str]) -> list[str]:
    out, seen = [], set()
    for i, name in enumerate(names, 1):
        base = (name or "").strip() or f"column_{i}"
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}_{n}", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def _detect_encoding(path: Path) -> tuple[str, bool]:
    """The encoding to read with (UTF-8, with or without BOM) and whether some rows are not UTF-8.

    Files are read as UTF-8 and each row that is not valid UTF-8 is read as Windows-1252 on its
    own (as Excel writes): reading a whole file that mixes the two as Windows-1252 garbled its
    UTF-8 rows."""
    with open(path, "rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
            fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return encoding, True
    return encoding, False


def open_table(path: str | Path) -> Table:
    """Open an input for streaming; raises InputError when it cannot be read at all."""
    path = Path(path)
    if path.is_dir():
        files = _folder_files(path)
        if not files:
            raise InputError(f"{path}: the folder holds no PDF, DOCX, TXT or HTML files")
        return Table(path, "folder", ["file"], total=len(files))
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    fmt = format_of(path)
    if fmt == "csv":
        return _open_csv(path)
    if fmt == "xlsx":
        return _open_xlsx(path)
    if fmt == "jsonl":
        return _open_jsonl(path)
    return _open_parquet(path)


def _open_csv(path: Path) -> Table:
    encoding, legacy = _detect_encoding(path)
    with open(path, encoding=encoding, errors="surrogateescape", newline="") as fh:
        sample = fh.read(65536)
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 50)[0] + "\n" if sample else ",", delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    dialect.doublequote = True
    dialect.quotechar = '"'
    with open(path, encoding=encoding, errors="surrogateescape", newline="") as fh:
        reader = csv.reader(_mark_nul(fh), dialect)
        header = next(reader, None)
        if not header:
            raise InputError(f"{path}: the file is empty (no header row)")
        total = sum(1 for _ in _safe(reader))
    try:
        header = [_as_cp1252(h).replace(NUL_MARK, "") for h in header]
    except UnicodeDecodeError:
        raise InputError(f"{path}: the header row is neither UTF-8 nor Windows-1252 text") from None
    table = Table(path, "csv", _unique(header), total=total, encoding=encoding, dialect=dialect)
    table.legacy = legacy
    if legacy:
        table.notes.append("rows that are not UTF-8 are read as Windows-1252, each on its own")
    return table


def _safe(reader):
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None


MAX_XLSX_BYTES = 1 << 30  # a workbook's parts, decompressed
MAX_XLSX_RATIO = 100  # real sheets compress 5-20x; a part past 100x and 16 MB is a bomb


def check_workbook(path: Path, max_bytes: int = MAX_XLSX_BYTES) -> None:
    """Refuse a workbook whose parts decompress past ``max_bytes``, or one part far past any real
    compression ratio, before openpyxl inflates it (it holds shared strings in memory)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise InputError(f"{path}: the workbook decompresses to {total:,} bytes; the limit is {max_bytes:,}")
    for m in members:
        if m.file_size > 16 << 20 and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            raise InputError(
                f"{path}: part {m.filename} inflates {m.compress_size:,} bytes to {m.file_size:,} "
                f"(over {MAX_XLSX_RATIO}x): a compression bomb, refused"
            )


def _open_xlsx(path: Path) -> Table:
    import openpyxl

    check_workbook(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"{path}: cannot read this XLSX file: {exc}") from None
    try:
        ws = wb.active
        header = next(ws.iter_rows(values_only=True, max_row=1), None)
        total = (ws.max_row - 1) if ws.max_row else None
    finally:
        wb.close()
    if not header:
        raise InputError(f"{path}: the sheet is empty (no header row)")
    return Table(path, "xlsx", _unique(["" if v is None else str(v) for v in header]), total=total)


def _open_jsonl(path: Path) -> Table:
    columns: list[str] = []
    total = 0
    with open(path, "rb") as fh:
        for raw in fh:
            total += 1
            if total <= 200:
                try:
                    obj = json.loads(raw)
                except (ValueError, RecursionError):  # bad JSON, bytes, huge numbers, deep nesting
                    continue
                if isinstance(obj, dict):
                    columns += [k for k in obj if k not in columns]
    return Table(path, "jsonl", columns, total=total)


def _open_parquet(path: Path) -> Table:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(f"{path}: cannot read this Parquet file: {exc}") from None
    return Table(path, "parquet", list(meta.schema_arrow.names), total=meta.metadata.num_rows)


# -- writers -----------------------------------------------------------------------------------
class TableWriter:
    """Write rows (dicts over ``columns``) to ``path`` in ``fmt``, streaming."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        columns: list[str],
        *,
        csv_dialect=None,
        encoding="utf-8",
        typed: frozenset[str] = frozenset(),
        escape_formulas: bool = True,
    ):
        """``typed``: the columns this project adds, which get fixed Parquet types; input columns
        are written as text (an input column named ``confidence`` is not forced to a number).
        ``escape_formulas``: CSV cells that Excel would run as formulas get a leading ``'``."""
        self.path, self.format, self.columns, self.typed = path, fmt, columns, typed
        self.escape_formulas = escape_formulas
        self._batch: list[dict] = []
        if fmt == "csv":
            self._fh = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115 - closed in close()
            self._csv = csv.writer(self._fh, csv_dialect or csv.excel)
            self._csv.writerow(columns)
        elif fmt == "jsonl":
            self._fh = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        elif fmt == "xlsx":
            import openpyxl

            self._wb = openpyxl.Workbook(write_only=True)
            self._ws = self._wb.create_sheet()
            self._ws.append(columns)
        elif fmt == "parquet":
            self._pq_writer = None
        else:  # pragma: no cover - format_of guards this
            raise InputError(f"cannot write format {fmt!r}")

    def write(self, row: dict) -> None:
        if self.format == "csv":
            cells = [_cell(row.get(c)) for c in self.columns]
            if self.escape_formulas:
                cells = [escape_formula(c) for c in cells]
            self._csv.writerow(cells)
        elif self.format == "jsonl":
            self._fh.write(
                json.dumps({c: row.get(c) for c in self.columns if c in row}, ensure_ascii=False) + "\n"
            )
        elif self.format == "xlsx":
            self._ws.append([self._xlsx_cell(row.get(c)) for c in self.columns])
        else:
            self._batch.append(row)
            if len(self._batch) >= 2048:
                self._flush_parquet()

    def _xlsx_cell(self, value: Any) -> Any:
        """Text is written as text, always: a string starting with = is not a formula."""
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        if not isinstance(value, str):
            return value
        if len(value) > XLSX_MAX_CELL or XLSX_ILLEGAL.search(value):  # bulk rejects these rows first
            raise InputError(
                f"{self.path.name}: a cell XLSX cannot hold unchanged (too long or control characters)"
            )
        cell = WriteOnlyCell(self._ws, value=value)
        cell.data_type = "s"
        return cell

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._batch:
            return
        arrays = {}
        for c in self.columns:
            values = [_parquet_cell(r.get(c)) for r in self._batch]
            if c in self.typed:
                kind = _arrow_type(c)
                if kind == pa.string():
                    values = [None if v is None else v if isinstance(v, str) else _cell(v) for v in values]
                arrays[c] = pa.array(values, type=kind)
                continue
            # Input columns are written as text: one batch's inferred type could clash with the next.
            arrays[c] = pa.array([None if v is None else _cell(v) for v in values], type=pa.string())
        table = pa.table(arrays)
        if self._pq_writer is None:
            self._pq_writer = pq.ParquetWriter(self.path, table.schema)
        self._pq_writer.write_table(table)
        self._batch.clear()

    def close(self) -> None:
        if self.format in ("csv", "jsonl"):
            self._fh.close()
        elif self.format == "xlsx":
            self._wb.save(self.path)
        else:
            self._flush_parquet()
            if self._pq_writer is None:  # no rows: still a valid file with the columns
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(pa.table({c: pa.array([], type=pa.string()) for c in self.columns}), self.path)
            else:
                self._pq_writer.close()


NUMERIC_PREFIXES = ("prob_",)
NUMERIC = {"confidence"}
BOOLEAN = {"mixed", "title_mismatch", "needs_review"}


def _arrow_type(column: str):
    import pyarrow as pa

    column = column.removeprefix("archetype_")  # result columns renamed to avoid an input column
    if column in NUMERIC or column.startswith(NUMERIC_PREFIXES):
        return pa.float64()
    if column in BOOLEAN:
        return pa.bool_()
    if column == "row":
        return pa.int64()
    return pa.string()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


XLSX_MAX_CELL = 32767  # Excel's limit on one cell's characters
XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML 1.0 forbids
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel (and LibreOffice) read as a formula
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def escape_formula(cell: str) -> str:
    """OWASP's CSV-injection advice: a cell starting with = + - @ tab or CR gets a leading ``'``,
    so a spreadsheet shows it as text instead of running it. Plain numbers (-5, +1.5) are left as
    they are: they cannot be formulas."""
    if cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _parquet_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)
