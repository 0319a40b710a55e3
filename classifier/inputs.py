"""Checks every document passes before it is classified, and byte decoding for files and stdin.

Each check raises a specific :class:`~classifier.errors.InputError` whose message names the problem.
"""

from __future__ import annotations

import re

from .errors import (
    BinaryInputError,
    EmptyTextError,
    InvalidUnicodeError,
    TextTooLargeError,
    UnsupportedLanguageError,
)

DEFAULT_MAX_CHARS = 200_000  # about 30,000 words: far above any real JD or resume

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EN = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "a",
        "in",
        "for",
        "with",
        "on",
        "as",
        "is",
        "are",
        "be",
        "you",
        "we",
        "our",
        "your",
        "will",
        "or",
        "at",
        "by",
        "from",
        "an",
        "this",
        "that",
        "have",
        "has",
        "it",
        "its",
        "who",
        "what",
        "how",
        "into",
        "across",
        "using",
        "work",
        "team",
        "experience",
        "years",
    ]
)
# Function words of other common languages: a document dominated by these is not English.
_OTHER = frozenset(
    # Spanish, Portuguese, French, German, Italian, Dutch
    [
        "el",
        "la",
        "los",
        "las",
        "del",
        "que",
        "y",
        "en",
        "con",
        "para",
        "una",
        "por",
        "es",
        "como",
        "se",
        "su",
        "sus",
        "nos",
        "os",
        "das",
        "dos",
        "não",
        "uma",
        "com",
        "são",
        "le",
        "les",
        "des",
        "est",
        "une",
        "pour",
        "avec",
        "dans",
        "nous",
        "vous",
        "sur",
        "qui",
        "du",
        "au",
        "aux",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "mit",
        "für",
        "ein",
        "eine",
        "wir",
        "sie",
        "auf",
        "bei",
        "von",
        "zu",
        "den",
        "dem",
        "nicht",
        "il",
        "di",
        "che",
        "per",
        "una",
        "sono",
        "gli",
        "della",
        "delle",
        "nel",
        "het",
        "een",
        "van",
        "en",
        "zijn",
        "wij",
        "voor",
        "op",
        "met",
        "niet",
    ]
)


def decode_bytes(data: bytes, *, source: str = "input") -> str:
    """Decode bytes as UTF-8 (BOM allowed), falling back to Windows-1252; refuse binary data."""
    if b"\x00" in data[:65536]:
        raise BinaryInputError(f"{source} looks like binary data (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise BinaryInputError(
            f"{source} is neither UTF-8 nor Windows-1252 text (undecodable byte at {exc.start})"
        ) from None
    check_not_binary(text, source=source)
    return text


# Control characters (other than line breaks and tabs), private-use and surrogate code points.
_OTHER_ONLY = _OTHER - _EN  # function words of other languages that English does not share
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]")
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTER = re.compile(r"(?=[^\x00-\u024f])[^\W\d_]")


def check_not_binary(text: str, *, source: str = "input") -> None:
    sample = text[:20000]
    if not sample:
        return
    control = len(_CONTROL.findall(sample))
    if "\x00" in sample or control / len(sample) > 0.02:
        raise BinaryInputError(
            f"{source} looks like binary data ({control} control characters in the first "
            f"{len(sample)}), not text"
        )


SURROGATE = re.compile("[\ud800-\udfff]")


def check_unicode(text: str, *, source: str = "text") -> None:
    """Refuse lone surrogates (JSON allows ``\\ud800``): such text cannot be encoded as UTF-8,
    so it could be neither hashed for the cache nor written back out."""
    found = SURROGATE.search(text)
    if found:
        raise InvalidUnicodeError(
            f"{source} holds a lone surrogate (U+{ord(found.group()):04X}) at character {found.start():,}; "
            "send valid Unicode text"
        )


def check_text(text: object, *, max_chars: int = DEFAULT_MAX_CHARS, source: str = "text") -> str:
    """Return ``text`` if it can be classified, else raise an InputError naming the problem."""
    if not isinstance(text, str):
        raise EmptyTextError(f"{source} must be a string, got {type(text).__name__}")
    if not text.strip():
        raise EmptyTextError(f"{source} is empty or only whitespace")
    if len(text) > max_chars:
        raise TextTooLargeError(
            f"{source} has {len(text):,} characters; the limit is {max_chars:,} "
            "(split the file or raise the limit)"
        )
    check_unicode(text, source=source)
    check_not_binary(text, source=source)
    check_language(text, source=source)
    return text


def check_language(text: str, *, source: str = "text") -> None:
    """Refuse text that is clearly not English; the model was trained on English only."""
    sample = text[:20000]
    words = _WORD.findall(sample.lower())
    if not words:
        raise EmptyTextError(f"{source} has no words to classify")
    if _NON_LATIN_LETTER.search(sample):  # most texts have none: skip counting every letter
        letters = len(_LETTER.findall(sample))
        foreign = len(_NON_LATIN_LETTER.findall(sample))  # beyond the Latin blocks
    else:
        letters = foreign = 0
    if letters >= 20 and foreign / letters > 0.5:
        raise UnsupportedLanguageError(
            f"{source} appears not to be English ({foreign} of {letters} letters are in a "
            "non-Latin script); the model reads English only"
        )
    english = sum(map(_EN.__contains__, words))
    other = sum(map(_OTHER_ONLY.__contains__, words))
    if other >= 3 and other > 2 * english:
        raise UnsupportedLanguageError(
            f"{source} appears not to be English ({other} function words of another language, "
            f"{english} English ones); the model reads English only"
        )
