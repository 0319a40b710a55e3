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
    r"@[a-z0-9-]+\.[a-z]{2,}",
    r"\blinkedin\.com/in\b",
    r"\bgithub\.com/",
]
_JD_RE = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _JD_CUES]
_RESUME_RE = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _RESUME_CUES]
# First person, matched case-sensitively: "I" and "my", not the "i" of "i.e.".
_FIRST_PERSON = re.compile(r"\bI\b|\b[Mm]y\b")


def parse_kind(value: str | Kind | None) -> Kind:
    if value is None:
        return Kind.AUTO
    try:
        return Kind(str(value).lower())
    except ValueError:
        raise InvalidKindError(f"unknown kind {value!r}; expected one of: jd, resume, auto") from None


def detect_kind(text: str) -> Kind:
    """Guess whether ``text`` is a JD or a resume from cues of voice and layout."""
    sample = text[:20000]
    jd = sum(len(r.findall(sample)) for r in _JD_RE)
    resume = sum(len(r.findall(sample)) for r in _RESUME_RE) + len(_FIRST_PERSON.findall(sample))
    return Kind.RESUME if resume > jd else Kind.JD
