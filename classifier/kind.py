"""Tell a job description from a resume by how it is written, not by what it is about."""

from __future__ import annotations

import re
from enum import StrEnum

from .errors import InvalidKindError


class Kind(StrEnum):
    JD = "jd"
    RESUME = "resume"
    AUTO = "auto"


_JD_CUES = [
    r"\byou('ll| will| would)\b",
    r"\byour\b",
    r"\bwe('re| are)?\b",
    r"\bour\b",
    r"\bresponsibilities\b",
    r"\brequirements\b",
    r"\bqualifications\b",
    r"\bnice to have\b",
    r"\bapply\b",
    r"\bcandidates?\b",
    r"\bbenefits\b",
    r"\bequal opportunity\b",
    r"\bjoin\b",
    r"\bthe role\b",
    r"\bsalary\b",
    r"\b\d\+ years\b",
    r"\bwho you are\b",
    r"\bhiring\b",
    r"\bwe offer\b",
]
# Layout and tense cues, matched case-insensitively.
_RESUME_CUES = [
    r"^\s*[-*•]?\s*(built|led|developed|designed|implemented|shipped|reduced|improved|trained|"
    r"created|managed|owned|authored|co-authored|published|migrated|wrote|launched|deployed|cut|"
    r"scaled|maintained|mentored|optimi[sz]ed|architected|contributed)\b",
    r"\b(19|20)\d\d\s*[-–—]\s*((19|20)\d\d|present|current|now)\b",
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(19|20)\d\d\b",
    r"^\s*(education|experience|work experience|publications|skills|projects|summary|"
    r"professional experience|certifications)\s*:?\s*$",
    r"\b(b\.?sc|m\.?sc|ph\.?d|b\.?s\.|m\.?s\.|bachelor|master)'?s?\b.*\b(19|20)\d\d\b",
    r"@(?=[a-z0-9-]+\.[a-z]{2,})",  # the "@" of an e-mail address (its domain left to the cues below)
    r"\blinkedin\.com/in\b",
    r"\bgithub\.com/",
]
# Counting runs in a few passes, not one pass per cue: 28 scans of a training document cost
# ~1.2 ms, more than fast mode's whole encoding; six cost a fraction of that. Cues that cannot
# overlap share one alternation; "we offer" is tried before "we" and counts for both, as two
# separate scans would. The date and degree cues can overlap each other ("M.Sc., 2018 - 2020"),
# so each keeps its own scan. A test holds the counts equal to one scan per cue.
_WE_OFFER = r"\bwe offer\b"


def _scans(flags: int) -> tuple[re.Pattern, re.Pattern, list[re.Pattern]]:
    jd = [_WE_OFFER, *(c for c in _JD_CUES if c != _WE_OFFER)]
    return (
        re.compile("|".join(f"(?:{p})" for p in jd), flags),
        re.compile("|".join(f"(?:{_RESUME_CUES[i]})" for i in (0, 3, 5, 6, 7)), flags),
        [re.compile(_RESUME_CUES[i], flags) for i in (1, 2, 4)],
    )


# Lower-cased ASCII text is scanned case-sensitively, which is faster than IGNORECASE and the
# same for ASCII; any other text keeps IGNORECASE, whose case folding lower() does not match
# ("İ".lower() is two characters).
_ASCII_SCANS = _scans(re.MULTILINE)
_ANY_SCANS = _scans(re.IGNORECASE | re.MULTILINE)
# First person, matched case-sensitively: "I" and "my", not the "i" of "i.e.".
_FIRST_PERSON = re.compile(r"\bI\b|\b[Mm]y\b")


def _count(pattern: re.Pattern, text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def cue_counts(text: str) -> tuple[int, int]:
    """(JD cues, resume cues) in the first 20,000 characters of ``text``."""
    sample = text[:20000]
    if sample.isascii():
        scanned, (jd_one, resume_one, resume_each) = sample.lower(), _ASCII_SCANS
    else:
        scanned, (jd_one, resume_one, resume_each) = sample, _ANY_SCANS
    jd = sum(2 if m.group().lower().startswith("we offer") else 1 for m in jd_one.finditer(scanned))
    resume = _count(resume_one, scanned) + sum(_count(r, scanned) for r in resume_each)
    return jd, resume + _count(_FIRST_PERSON, sample)


def parse_kind(value: str | Kind | None) -> Kind:
    if value is None:
        return Kind.AUTO
    try:
        return Kind(str(value).lower())
    except ValueError:
        raise InvalidKindError(f"unknown kind {value!r}; expected one of: jd, resume, auto") from None


def detect_kind(text: str) -> Kind:
    """Guess whether ``text`` is a JD or a resume from cues of voice and layout."""
    jd, resume = cue_counts(text)
    return Kind.RESUME if resume > jd else Kind.JD
