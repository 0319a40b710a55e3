import pytest

from classifier.errors import (
    BinaryInputError,
    EmptyTextError,
    TextTooLargeError,
    UnsupportedLanguageError,
)
from classifier.inputs import check_text, decode_bytes

JD = "We are hiring a machine learning engineer to build and deploy ranking models for our store."


def test_accepts_english():
    assert check_text(JD) == JD


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty(text):
    with pytest.raises(EmptyTextError, match="empty"):
        check_text(text)


def test_too_large_names_size_and_limit():
    with pytest.raises(TextTooLargeError, match=r"5,000,000 characters; the limit is 200,000"):
        check_text("a" * 5_000_000)


def test_binary_bytes():
    with pytest.raises(BinaryInputError, match="binary"):
        decode_bytes(b"%PDF-1.7\x00\x01\x02\x03 stream")
    with pytest.raises(BinaryInputError, match="control characters"):
        check_text("".join(chr(i) for i in range(1, 9)) * 50)


@pytest.mark.parametrize(
    "text",
    [
        "Buscamos un ingeniero de aprendizaje automático para construir modelos de recomendación "
        "para nuestra tienda en línea y con experiencia en la nube.",
        "Wir suchen eine Ingenieurin für maschinelles Lernen, die mit uns Modelle für die "
        "Betrugserkennung entwickelt und in die Produktion bringt.",
        "我们正在招聘机器学习工程师，负责推荐系统模型的训练、部署和监控工作，需要三年以上经验。",
        "Мы ищем инженера по машинному обучению для разработки моделей рекомендаций и их запуска.",
        "Wir suchen einen Machine Learning Engineer (m/w/d). Sie entwickeln und betreiben Modelle in Produktion.",
    ],
)
def test_other_languages_are_refused(text):
    with pytest.raises(UnsupportedLanguageError, match="not to be English"):
        check_text(text)


def test_english_with_a_few_foreign_words_passes():
    check_text(JD + " Location: São Paulo or München. Nice to have: Spanish (el idioma).")


def test_decode_utf8_bom_and_windows_1252():
    assert decode_bytes("\ufeffcafé".encode("utf-8")) == "café"
    assert decode_bytes("naïve – “quoted”".encode("cp1252")) == "naïve – “quoted”"
