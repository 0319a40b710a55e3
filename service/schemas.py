"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Any, Literal

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


SeverityName = Literal["error", "warning", "info"]
LevelName = Literal["error", "warning", "info", "off"]


class LintRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    title: str | None = Field(
        None, description="500 characters at most; default: the text's first line when it is a title"
    )

    _short_title = field_validator("title")(_short)
    allow_mix: list[ArchetypeName] = Field(default_factory=list, description="an intended blend")
    fail_on: SeverityName = Field("error", description="lowest severity that makes `passed` false")
    rules: dict[str, LevelName] = Field(
        default_factory=dict, description="re-level rules or turn them off: {rule id: error|warning|info|off}"
    )


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


class HighlightOut(BaseModel):
    sentence: str
    start: int
    end: int
    archetype: str
    score: float
    message: str


class LocationOut(BaseModel):
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


class FindingOut(BaseModel):
    rule: str = Field(..., description="a stable rule id, e.g. mixed-archetypes, pay-below-market")
    severity: SeverityName
    message: str
    locations: list[LocationOut] = Field(..., description="empty: the finding applies to the whole document")
    data: dict[str, Any]


class TitleCheckOut(BaseModel):
    title: str
    source: str
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
    """The lint document; ``archetype lint --format json`` prints the same one."""

    verdict: str
    confidence: float
    passed: bool
    fail_on: SeverityName
    summary: str
    counts: dict[str, int]
    findings: list[FindingOut] = Field(..., description="most severe first")
    out_of_scope: bool
    mixed: bool
    mix: MixOut | None
    mixed_with: str | None
    shares: dict[str, float]
    highlights: list[HighlightOut] = Field(..., description="each role-bearing sentence and its archetype")
    suggestions: list[HighlightOut] = Field(..., description="sentences to cut or move to unmix the JD")
    title_mismatch: TitleCheckOut | None
    pay: dict[str, Any] = Field(..., description="the pay ranges read, the one compared and the band")
    needs_review: bool
    review_reasons: list[str]
    disabled: list[str]
    config: str | None
    model_version: str
    segments: list[SegmentOut]


class LintFileOut(LintOut):
    text: str = Field(..., description="the text read from the file; offsets point into it")


class ArchetypeOut(BaseModel):
    id: str
    name: str
    summary: str
    evidence: str
    colour: str


class HealthOut(BaseModel):
    status: str
    model_version: str | None = None
