"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

KindName = Literal["jd", "resume", "auto"]
ArchetypeName = Literal[
    "research_scientist", "research_engineer", "ml_engineer", "ml_infra_engineer", "applied_ai_engineer"
]


MAX_FIELD = 500


def _short(value: str | None) -> str | None:
    # Checked here, not with max_length: pydantic's constrained strings refuse a lone surrogate
    # for the whole request, and a batch must fail only the document that holds one.
    if value is not None and len(value) > MAX_FIELD:
        raise ValueError(f"String should have at most {MAX_FIELD} characters")
    return value


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., description="the JD or resume as plain text (HTML remnants are fine)")
    title: str | None = Field(
        None, description="job title (500 characters at most); only feeds title_mismatch"
    )
    kind: KindName = "auto"
    id: str | None = Field(None, description="echoed back in batch results (500 characters at most)")

    _short_fields = field_validator("title", "id")(_short)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[ClassifyRequest]


class LintRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    title: str | None = Field(None, description="500 characters at most")

    _short_title = field_validator("title")(_short)
    allow_mix: list[ArchetypeName] = Field(default_factory=list, description="an intended blend")


class EvidenceOut(BaseModel):
    text: str
    start: int
    end: int
    label: str
    score: float


class SegmentOut(BaseModel):
    text: str
    start: int
    end: int
    label: str
    score: float
    role_weight: float
    heading: bool


class ClassificationOut(BaseModel):
    archetype: str
    confidence: float
    probabilities: dict[str, float]
    mixed: bool
    mixed_with: str | None
    mix_ratio: float
    shares: dict[str, float]
    evidence: dict[str, list[EvidenceOut]]
    needs_review: bool
    review_reasons: list[str]
    kind: str
    title: str | None
    title_labels: list[str]
    title_mismatch: bool
    model_version: str
    mode: str
    backend: str


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class BatchItemOut(BaseModel):
    index: int
    id: str | None
    result: ClassificationOut | None = None
    error: ErrorBody | None = None


class BatchOut(BaseModel):
    results: list[BatchItemOut]


class FindingOut(BaseModel):
    sentence: str
    start: int
    end: int
    archetype: str
    score: float
    message: str


class TitleCheckOut(BaseModel):
    title: str
    title_suggests: list[str]
    body_says: str
    mismatch: bool
    message: str


class MixOut(BaseModel):
    primary: str
    secondary: str
    primary_share: float
    secondary_share: float


class LintOut(BaseModel):
    verdict: str
    confidence: float
    passed: bool
    summary: str
    out_of_scope: bool
    mixed: bool
    mix: MixOut | None
    shares: dict[str, float]
    findings: list[FindingOut]
    suggestions: list[FindingOut]
    title_mismatch: TitleCheckOut | None
    needs_review: bool
    review_reasons: list[str]
    segments: list[SegmentOut]
    model_version: str


class ArchetypeOut(BaseModel):
    id: str
    name: str
    summary: str
    evidence: str
    colour: str


class HealthOut(BaseModel):
    status: str
    model_version: str | None = None
