"""Split a JD or resume into segments (headings, bullets, sentences) with offsets into the input.

HTML remnants and markdown are tolerated: offsets always point into the text exactly as given, and
each segment's ``text`` is the cleaned reading of that span (tags dropped, entities decoded, bullet
markers and emphasis removed). Long sentences are cut into chunks the encoder can read whole.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_SEGMENT_WORDS = 90  # all-MiniLM-L6-v2 reads 256 word pieces; 90 words stay well inside it

# Block separators: line breaks and block-level HTML tags.
_BLOCK_SEP = re.compile(
    r"\r?\n|\r|<\s*br\s*/?\s*>|<\s*/?\s*(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|section|article"
    r"|header|footer|blockquote|pre)\b[^>]*>",
    re.IGNORECASE,
)
_HEADING_TAG = re.compile(r"<\s*h[1-6]\b", re.IGNORECASE)
# Sentence ends: . ! ? followed by space and an upper-case letter, digit, quote or bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[])")
# Inline bullets some exports flatten onto one line: "• a • b".
_INLINE_BULLET = re.compile(r"\s+[•·▪●◦]\s+")
_LEAD = re.compile(r"^(?:\s|[-*+•·▪●◦>#]|&(?:bull|middot|nbsp);|\d{1,2}[.)](?=\s)|[a-z][.)](?=\s))+")
_TAG = re.compile(r"<[^>]{0,300}>")
_LEADING_TAG = re.compile(r"\s*<[^>]{0,300}>\s*")
_TRAILING_TAG = re.compile(r"<[^<>]{0,300}>\s*$")
_EMPHASIS = re.compile(r"(\*\*|__|`|~~)")
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_HEADING_WORDS = re.compile(
    r"^(about( (us|you|the (role|team|job|company)))?|the role|the team|role|overview|summary|"
    r"responsibilities|key responsibilities|duties|requirements|qualifications|minimum "
    r"qualifications|preferred qualifications|basic qualifications|nice to have|bonus( points)?|"
    r"what you('ll| will) do|what you('ll| will) bring|what we('re| are) looking for|who you are|"
    r"you have|you are|benefits|perks|compensation|why join( us)?|how to apply|skills|"
    r"technical skills|experience|work experience|professional experience|education|"
    r"publications|selected publications|projects|awards|certifications|contact|interests|"
    r"languages)\s*:?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    """A piece of the input: ``input[start:end]`` is its raw span, ``text`` its cleaned reading."""

    text: str
    start: int
    end: int
    heading: bool = False


def clean(raw: str) -> str:
    """The plain reading of a raw span: no tags, decoded entities, no emphasis, single spaces."""
    text = html.unescape(_TAG.sub(" ", raw)) if "<" in raw or "&" in raw else raw
    text = _EMPHASIS.sub("", text)
    text = _LEAD.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _is_heading(raw: str, cleaned: str, tagged: bool) -> bool:
    words = cleaned.split()
    if not words or len(words) > 8:
        return False
    if tagged or raw.lstrip().startswith("#"):
        return True
    if _HEADING_WORDS.match(cleaned):
        return True
    if cleaned.endswith(":") and len(words) <= 6:
        return True
    letters = [c for c in cleaned if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(words) <= 6


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding space, bullet markers and dangling tags."""
    piece = text[start:end]
    lead = _LEAD.match(piece)
    offset = lead.end() if lead else 0
    tagged = "<" in piece
    while tagged:  # leading tags such as <strong> that are not separators
        m = _LEADING_TAG.match(piece, offset)
        if not m or not m.group(0):
            break
        offset = m.end()
    stripped = piece[offset:].rstrip()
    while tagged and stripped.endswith(">"):
        m = _TRAILING_TAG.search(stripped)
        if not m:
            break
        stripped = stripped[: m.start()].rstrip()
    return start + offset, start + offset + len(stripped)


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long span at word boundaries into pieces of at most MAX_SEGMENT_WORDS words."""
    if end - start < 2 * MAX_SEGMENT_WORDS:  # too short to hold that many words: the common case
        return [(start, end)]
    spans = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    if len(spans) <= MAX_SEGMENT_WORDS:
        return [(start, end)]
    out = []
    for i in range(0, len(spans), MAX_SEGMENT_WORDS):
        group = spans[i : i + MAX_SEGMENT_WORDS]
        out.append((group[0][0], group[-1][1]))
    return out


_CONTINUES = re.compile(
    r"(?:[,&(/-]|\b(?:and|or|of|with|the|to|in|for|on|a|an|as|at|by|from|our|your|their|including|such))\s*$",
    re.IGNORECASE,
)
_BULLET_START = re.compile(r"^\s*(?:[-*+•·▪●◦>#]|\d{1,2}[.)]\s)")


def _wrapped(text: str, line_start: int, sep_start: int, sep_end: int) -> bool:
    """True when a line break only wraps a sentence (as pasted PDF or e-mail text does)."""
    if text[sep_start:sep_end] not in ("\n", "\r\n", "\r"):
        return False
    prev = text[line_start:sep_start].rstrip()
    nxt_end = text.find("\n", sep_end)
    nxt = text[sep_end : nxt_end if nxt_end >= 0 else len(text)]
    if not prev or not nxt.strip() or _BULLET_START.match(nxt) or "<" in nxt[:3]:
        return False
    if prev[-1] in ".!?:;" or len(prev.split()) < 3:
        return False
    first = nxt.lstrip()[:1]
    return first.islower() or bool(_CONTINUES.search(prev))


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    blocks = []
    pos = 0
    line_start = 0
    heading_next = False
    for sep in _BLOCK_SEP.finditer(text):
        if _wrapped(text, line_start, sep.start(), sep.end()):
            line_start = sep.end()
            continue
        line_start = sep.end()
        blocks.append((pos, sep.start(), heading_next))
        heading_next = bool(_HEADING_TAG.match(sep.group(0)))
        pos = sep.end()
    blocks.append((pos, len(text), heading_next))
    return blocks


def segment_text(text: str) -> list[Segment]:
    """Split ``text`` into segments in reading order.

    >>> [s.text for s in segment_text("## About\\n- Train models. Ship them.")]
    ['About', 'Train models.', 'Ship them.']
    """
    segments: list[Segment] = []
    for b_start, b_end, tagged in _blocks(text):
        if b_start >= b_end:
            continue
        block = text[b_start:b_end]
        pieces: list[tuple[int, int]] = []
        cut = 0
        for m in _INLINE_BULLET.finditer(block):
            pieces.append((b_start + cut, b_start + m.start()))
            cut = m.end()
        pieces.append((b_start + cut, b_end))
        for p_start, p_end in pieces:
            s_pos = p_start
            bounds = []
            for m in _SENTENCE_END.finditer(text, p_start, p_end):
                bounds.append((s_pos, m.start()))
                s_pos = m.end()
            bounds.append((s_pos, p_end))
            for s_start, s_end in bounds:
                t_start, t_end = _trim(text, s_start, s_end)
                if t_end <= t_start:
                    continue
                for c_start, c_end in _chunks(text, t_start, t_end):
                    raw = text[c_start:c_end]
                    cleaned = clean(raw)
                    if not _LETTER.search(cleaned):
                        continue
                    heading = len(bounds) == 1 and _is_heading(raw, cleaned, tagged)
                    if not segments and len(bounds) == 1 and _is_title_line(cleaned):
                        heading = True  # the posting's own title line says nothing about the body
                    segments.append(Segment(cleaned, c_start, c_end, heading))
    return segments


def _is_title_line(cleaned: str) -> bool:
    return len(cleaned.split()) <= 10 and cleaned[-1:] not in ".!?"


def skip_mask(segments: list[Segment]) -> list[bool]:
    """Segments that carry no weight: headings, and repeats of a sentence already seen in the
    same document (an export that pastes the EEO paragraph twice says nothing new)."""
    seen: set[str] = set()
    out = []
    for seg in segments:
        key = seg.text.lower()
        out.append(seg.heading or key in seen)
        seen.add(key)
    return out
