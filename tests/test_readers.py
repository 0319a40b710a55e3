import pytest

from classifier.errors import BinaryInputError, InputError, UnsupportedFormatError
from classifier.readers import extract_text, html_to_text

from .files import make_docx, make_pdf


def test_pdf():
    text = extract_text(make_pdf(["Built CUDA kernels for attention.", "Ran FSDP on 512 GPUs."]), "cv.pdf")
    assert "Built CUDA kernels for attention." in text and "FSDP" in text


def test_docx():
    text = extract_text(make_docx(["Jane Doe", "Shipped RAG features on LLM APIs."]), "cv.docx")
    assert text.splitlines() == ["Jane Doe", "Shipped RAG features on LLM APIs."]


def test_html_and_double_escaped_html():
    markup = "<div><h2>About</h2><p>We ship ML&nbsp;models.</p><ul><li>Own drift</li><li>Retrain</li></ul><script>x()</script></div>"
    assert html_to_text(markup) == "About\n\nWe ship ML models.\n\n- Own drift\n\n- Retrain"
    assert extract_text(b"&lt;p&gt;Own ranking models&lt;/p&gt;", "jd.html") == "Own ranking models"


def test_txt_windows_1252():
    assert extract_text("Résumé – ML".encode("cp1252"), "cv.txt") == "Résumé – ML"


def test_corrupt_pdf_is_a_clear_error():
    with pytest.raises(InputError, match="cv.pdf: cannot read this PDF"):
        extract_text(b"%PDF-1.4\n garbage garbage", "cv.pdf")


def test_corrupt_docx_is_a_clear_error():
    with pytest.raises(InputError, match="cv.docx: cannot read this DOCX"):
        extract_text(b"PK\x03\x04 not really a zip", "cv.docx")


def test_unsupported_and_empty_and_binary():
    with pytest.raises(UnsupportedFormatError, match="unsupported file type 'exe'"):
        extract_text(b"MZ...", "setup.exe")
    with pytest.raises(InputError, match="the file is empty"):
        extract_text(b"", "cv.txt")
    with pytest.raises(BinaryInputError):
        extract_text(b"\x00\x01\x02\x03", "cv.txt")
