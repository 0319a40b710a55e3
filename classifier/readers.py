"""Turn an uploaded or exported document (PDF, DOCX, HTML, TXT) into plain text.

One set of readers serves the HTTP upload endpoint and bulk runs, so a resume reads the same way
wherever it comes in. Every failure is an InputError that names the file and the problem.
"""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser
from pathlib import PurePath

from .errors import BinaryInputError, InputError, UnsupportedFormatError
from .inputs import decode_bytes

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


def _pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{name}: the PDF is encrypted; send an unlocked copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{name}: cannot read this PDF (corrupt or not a PDF): {exc}") from None
    text = "\n".join(pages).strip()
    if not text:
        raise InputError(f"{name}: the PDF has no extractable text (a scanned image?)")
    return text


def _docx(data: bytes, name: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"{name}: cannot read this DOCX (corrupt or not a DOCX): {exc}") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines).strip()


def extract_text(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """Plain text of a PDF, DOCX, HTML or TXT document given as bytes."""
    name = filename or "upload"
    if not data:
        raise InputError(f"{name}: the file is empty")
    fmt = detect_format(filename, content_type, data)
    if fmt == "pdf":
        return _pdf(data, name)
    if fmt == "docx":
        return _docx(data, name)
    if data[:4] == b"PK\x03\x04":
        raise BinaryInputError(f"{name}: looks like a ZIP or Office file, not {fmt} text")
    text = decode_bytes(data, source=name)
    if fmt == "html" or looks_like_html(text):
        return html_to_text(text)
    return text
