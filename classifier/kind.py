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
# Counting runs on the lower-cased text in a few passes, not one pass per cue: 28 scans of a
# training document cost ~1.2 ms, more than fast mode's whole encoding; five cost ~0.3 ms. Cues
# that cannot overlap share one alternation; "we offer" is tried before "we" and counts for both,
# as two separate scans would. The date and degree cues can overlap each other ("M.Sc., 2018 -
# 2020"), so each keeps its own scan. A test holds the counts equal to one scan per cue.
_WE_OFFER = r"\bwe offer\b"
_JD_ONE = re.compile(
    "|".join(f"(?:{p})" for p in [_WE_OFFER, *(c for c in _JD_CUES if c != _WE_OFFER)]), re.MULTILINE
)
_RESUME_ONE = re.compile("|".join(f"(?:{_RESUME_CUES[i]})" for i in (0, 3, 5, 6, 7)), re.MULTILINE)
_RESUME_EACH = [re.compile(_RESUME_CUES[i], re.MULTILINE) for i in (1, 2, 4)]
# First person, matched case-sensitively: "I" and "my", not the "i" of "i.e.".
_FIRST_PERSON = re.compile(r"\bI\b|\b[Mm]y\b")


def _count(pattern: re.Pattern, text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def cue_counts(text: str) -> tuple[int, int]:
    """(JD cues, resume cues) in the first 20,000 characters of ``text``."""
    sample = text[:20000]
    low = sample.lower()
    jd = sum(2 if m.group().startswith("we offer") else 1 for m in _JD_ONE.finditer(low))
    resume = _count(_RESUME_ONE, low) + sum(_count(r, low) for r in _RESUME_EACH)
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
