"""Turn an uploaded or exported document (PDF, DOCX, HTML, TXT) into plain text.

One set of readers serves the HTTP upload endpoint and bulk runs, so a resume reads the same way
wherever it comes in. Every failure is an InputError that names the file and the problem.
"""

from __future__ import annotations

import html
import io
import re
import time
import zipfile
from html.parser import HTMLParser
from pathlib import PurePath

from .errors import BinaryInputError, ExtractionLimitError, InputError, UnsupportedFormatError
from .inputs import decode_bytes

# A real resume or JD decompresses to well under a few MB; bombs decompress to hundreds.
MAX_EXTRACTED_BYTES = 8 * 1024 * 1024
MAX_EXTRACT_SECONDS = 10.0
MAX_PDF_PAGES = 200
MAX_ZIP_MEMBERS = 2000
# Operators and operands in one PDF content stream: a dense real page has tens of thousands.
MAX_PDF_STREAM_WORK = 100_000

FORMATS = ("pdf", "docx", "html", "txt")
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "dd",
    "dt",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable text from HTML (or HTML-escaped HTML, as some ATS exports double-encode it)."""
    if "&lt;" in markup and "<" not in markup:
        markup = html.unescape(markup)
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def looks_like_html(text: str) -> bool:
    return bool(
        re.search(r"<\s*(p|div|br|li|ul|h[1-6]|span|strong|b|em|table)\b[^>]*>", text[:5000], re.I)
    ) or ("&lt;p&gt;" in text[:5000] or "&lt;div" in text[:5000])


def detect_format(filename: str | None, content_type: str | None, data: bytes) -> str:
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    ctype = (content_type or "").split(";")[0].strip().lower()
    if data[:5] == b"%PDF-" or suffix == "pdf" or ctype == "application/pdf":
        return "pdf"
    if suffix == "docx" or ctype.endswith("wordprocessingml.document"):
        return "docx"
    if suffix in ("html", "htm") or ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if suffix in ("txt", "text", "md", "") or ctype.startswith("text/"):
        return "txt"
    raise UnsupportedFormatError(
        f"{filename or 'upload'}: unsupported file type {suffix or ctype!r}; "
        f"send one of: {', '.join(FORMATS)}"
    )


class _Budget:
    """Decompressed bytes and seconds one document may cost; checked between pages and parts."""

    def __init__(self, name: str, max_bytes: int, seconds: float) -> None:
        self.name, self.max_bytes, self.seconds = name, max_bytes, seconds
        self.deadline = time.monotonic() + seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExtractionLimitError(
                f"{self.name}: reading the text took over {self.seconds:g}s; the file is too complex"
            )

    def over(self, what: str) -> ExtractionLimitError:
        return ExtractionLimitError(
            f"{self.name}: {what} decompresses past the {self.max_bytes:,}-byte limit (a compression bomb?)"
        )


def _pdf(data: bytes, name: str, budget: _Budget) -> str:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    limits = {
        f"{k}_maximum_output_length": budget.max_bytes
        for k in ("zlib", "lzw", "jbig2", "run_length", "brotli")
    }
    try:
        with apply_configuration(
            **limits,
            array_based_stream_maximum_output_length=budget.max_bytes,
            stream_decoding_work_maximum_length=4 * budget.max_bytes,
            stream_parsing_work_maximum_count=MAX_PDF_STREAM_WORK,
        ):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise InputError(f"{name}: the PDF is encrypted; send an unlocked copy")
            if len(reader.pages) > MAX_PDF_PAGES:
                raise ExtractionLimitError(
                    f"{name}: {len(reader.pages):,} pages; the limit is {MAX_PDF_PAGES}"
                )
            pages, size = [], 0
            for page in reader.pages:
                budget.tick()
                pages.append(page.extract_text() or "")
                size += len(pages[-1])
                if size > budget.max_bytes:
                    raise budget.over("its text")
            budget.tick()
    except InputError:
        raise
    except LimitReachedError:
        raise ExtractionLimitError(
            f"{name}: a stream inflates or parses past the safety limits (a compression bomb?)"
        ) from None
    except Exception as exc:
        raise InputError(
            f"{name}: cannot read this PDF (corrupt or not a PDF): {type(exc).__name__}"
        ) from None
    text = "\n".join(pages).strip()
    if not text:
        raise InputError(f"{name}: the PDF has no extractable text (a scanned image?)")
    return text


def check_zip(source, name: str, max_bytes: int) -> None:
    """Refuse an Office file whose parts decompress past ``max_bytes`` before anything inflates it.

    zipfile stops each member at its declared size, so the declared sizes bound what reading costs."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a ZIP: the format's own reader says what is wrong
    if len(members) > MAX_ZIP_MEMBERS:
        raise ExtractionLimitError(
            f"{name}: {len(members):,} parts in the archive; the limit is {MAX_ZIP_MEMBERS:,}"
        )
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise ExtractionLimitError(
            f"{name}: the archive decompresses to {total:,} bytes; the limit is {max_bytes:,} "
            "(a compression bomb?)"
        )


def _docx(data: bytes, name: str, budget: _Budget) -> str:
    import docx

    check_zip(io.BytesIO(data), name, budget.max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(
            f"{name}: cannot read this DOCX (corrupt or not a DOCX): {type(exc).__name__}"
        ) from None
    budget.tick()
    lines = []
    for i, p in enumerate(document.paragraphs):
        if i % 500 == 0:
            budget.tick()
        lines.append(p.text)
    for table in document.tables:
        for row in table.rows:
            budget.tick()
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines).strip()


def extract_text(
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    *,
    max_extracted_bytes: int = MAX_EXTRACTED_BYTES,
    max_seconds: float = MAX_EXTRACT_SECONDS,
) -> str:
    """Plain text of a PDF, DOCX, HTML or TXT document given as bytes.

    ``max_extracted_bytes`` and ``max_seconds`` bound what one file may cost (decompression bombs,
    pathological streams); past them it is refused with ExtractionLimitError."""
    name = filename or "upload"
    if not data:
        raise InputError(f"{name}: the file is empty")
    fmt = detect_format(filename, content_type, data)
    budget = _Budget(name, max_extracted_bytes, max_seconds)
    if fmt == "pdf":
        return _pdf(data, name, budget)
    if fmt == "docx":
        return _docx(data, name, budget)
    if data[:4] == b"PK\x03\x04":
        raise BinaryInputError(f"{name}: looks like a ZIP or Office file, not {fmt} text")
    text = decode_bytes(data, source=name)
    if fmt == "html" or looks_like_html(text):
        return html_to_text(text)
    return text
