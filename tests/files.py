"""Real document files for tests: a valid PDF written by hand, DOCX via python-docx."""

from __future__ import annotations

import io


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with real text objects (pypdf extracts them like any other PDF)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 10 Tf", "14 TL", "50 780 Td"]
    for line in lines:
        ops.append(f"({esc(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    return _one_page_pdf(stream)


def make_docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf_stream_bomb(size: int = 5_000_000) -> bytes:
    """A small PDF whose one Flate-compressed content stream inflates to ``size`` bytes of text."""
    import zlib

    line = b"(Built training pipelines for ranking models) Tj T*\n"
    raw = b"BT /F1 10 Tf 14 TL 50 780 Td\n" + line * (size // len(line)) + b"ET"
    stream = zlib.compress(raw, 9)
    return _one_page_pdf(stream, b" /Filter /FlateDecode")


def make_docx_bomb(size: int = 50_000_000) -> bytes:
    """A real DOCX whose document.xml inflates to about ``size`` bytes (a few hundred KB zipped)."""
    import zipfile

    base = zipfile.ZipFile(io.BytesIO(make_docx(["Machine learning engineer"])))
    para = b"<w:p><w:r><w:t>Built training pipelines for ranking models.</w:t></w:r></w:p>"
    head, _, tail = base.read("word/document.xml").partition(b"<w:body>")
    xml = head + b"<w:body>" + para * (size // len(para)) + tail
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for item in base.infolist():
            z.writestr(item.filename, xml if item.filename == "word/document.xml" else base.read(item.filename))
    return out.getvalue()


def make_xlsx_bomb(path, size: int = 100_000_000) -> None:
    """A real workbook whose shared-strings part inflates to about ``size`` bytes."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["title", "description"])
    wb.active.append(["ML Engineer", "Train models."])
    buf = io.BytesIO()
    wb.save(buf)
    base = zipfile.ZipFile(buf)
    item = b"<si><t>Built training pipelines for ranking models.</t></si>"
    n = size // len(item)
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (n, n) + item * n + b"</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in base.infolist():
            if info.filename != "xl/sharedStrings.xml":
                z.writestr(info.filename, base.read(info.filename))
        z.writestr("xl/sharedStrings.xml", sst)
        if "xl/sharedStrings.xml" not in base.namelist():
            pass  # the workbook has inline strings; the part still inflates when the reader opens it


def _one_page_pdf(stream: bytes, filters: bytes = b"") -> bytes:
    """A one-page PDF (Helvetica) whose content is ``stream``, written by hand with its xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
