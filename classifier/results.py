"""Frozen result types the library returns; adapters serialise them with ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A segment that drove an outcome: ``input[start:end]`` is its span in the given text."""

    text: str
    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class SegmentReading:
    """How one segment reads in the reading that decided the mix (in context, or alone for a
    scattered blend; see ``mixing``): its strongest class (an outcome or ``neutral``) and score,
    and its role weight."""

    text: str
    start: int
    end: int
    label: str
    score: float
    role_weight: float
    heading: bool


@dataclass(frozen=True)
class Classification:
    archetype: str
    confidence: float
    probabilities: dict[str, float]
    mixed: bool
    mixed_with: str | None
    mix_ratio: float
    shares: dict[str, float]
    evidence: dict[str, list[Evidence]]
    needs_review: bool
    review_reasons: list[str]
    kind: str
    title: str | None
    title_labels: list[str]
    title_mismatch: bool
    model_version: str
    mode: str
    backend: str
    segments: list[SegmentReading] = field(default_factory=list)

    def to_dict(self, *, with_segments: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_segments:
            data.pop("segments")
        return data
