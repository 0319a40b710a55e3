"""A lint report for a person about to post a JD: one archetype, or a blend to fix?"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .pipeline import Classifier
from .results import Classification
from .taxonomy import TAXONOMY, Label


@dataclass(frozen=True)
class Finding:
    """A sentence and the archetype it pulls toward."""

    sentence: str
    start: int
    end: int
    archetype: str
    score: float
    message: str


@dataclass(frozen=True)
class TitleCheck:
    title: str
    title_suggests: list[str]
    body_says: str
    mismatch: bool
    message: str


@dataclass(frozen=True)
class LintReport:
    verdict: str
    confidence: float
    passed: bool
    out_of_scope: bool
    mixed: bool
    mixed_with: str | None
    shares: dict[str, float]
    findings: list[Finding]
    suggestions: list[Finding]
    title: TitleCheck | None
    needs_review: bool
    review_reasons: list[str]
    summary: str
    model_version: str
    classification: Classification

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["classification"] = self.classification.to_dict()
        return data


def _name(label: str) -> str:
    return TAXONOMY[Label(label)].name


def lint(
    clf: Classifier, text: str, *, title: str | None = None, allow_mix: tuple[str, ...] = ()
) -> LintReport:
    """Classify a JD and explain, sentence by sentence, what pulls it toward which archetype."""
    result = clf.classify(text, title=title, kind="jd", allow_mix=allow_mix)
    verdict = result.archetype
    findings = []
    for seg in result.segments:
        if seg.heading or seg.label == "neutral" or seg.role_weight < 0.3:
            continue
        if seg.label == verdict:
            message = f"reads as {_name(seg.label)}, the verdict"
        elif seg.label == Label.OUT_OF_SCOPE:
            message = "reads as work outside the five AI/ML archetypes"
        else:
            message = f"pulls toward {_name(seg.label)}, not {_name(verdict)}"
        findings.append(Finding(seg.text, seg.start, seg.end, seg.label, seg.score, message))

    suggestions = []
    even = result.mixed and result.mix_ratio >= clf.model.review_rule.even_blend
    if result.mixed and result.mixed_with:
        # Cut the second archetype's lines; with no clear lead, keep what the title promises.
        cut = result.mixed_with
        if even and result.mixed_with in result.title_labels and verdict not in result.title_labels:
            cut = verdict
        suggestions = [
            Finding(
                f.sentence,
                f.start,
                f.end,
                f.archetype,
                f.score,
                f"cut or move to a separate {_name(f.archetype)} posting",
            )
            for f in findings
            if f.archetype == cut
        ]

    title_check = None
    if title:
        suggests = result.title_labels
        if not suggests:
            msg = "the title names no specific archetype"
        elif result.title_mismatch:
            msg = (
                f"the title suggests {', '.join(_name(s) for s in suggests)} but the body "
                f"reads as {_name(verdict)}"
            )
        else:
            msg = "the title agrees with the body"
        title_check = TitleCheck(title, suggests, verdict, result.title_mismatch, msg)

    out_of_scope = verdict == Label.OUT_OF_SCOPE
    if out_of_scope:
        summary = "This JD does not read as any of the five AI/ML archetypes."
    elif even:
        summary = (
            f"Mixed, with no clear lead: {_name(verdict)} ({result.shares[verdict]:.0%} of role content) "
            f"and {_name(result.mixed_with)} ({result.shares[result.mixed_with]:.0%}); read as a whole "
            f"it leans {_name(verdict)}. It will attract and screen for two different people."
        )
    elif result.mixed:
        summary = (
            f"Mixed: mostly {_name(verdict)} ({result.shares[verdict]:.0%} of role content) "
            f"with {_name(result.mixed_with)} ({result.shares[result.mixed_with]:.0%}). "
            f"It will attract and screen for two different people."
        )
    else:
        summary = f"Reads as one archetype: {_name(verdict)}."
        if result.mixed_with is None and result.mix_ratio and allow_mix:
            summary += " (Any blend you declared with allow_mix is not flagged.)"
    return LintReport(
        verdict=verdict,
        confidence=result.confidence,
        passed=not (result.mixed or out_of_scope),
        out_of_scope=out_of_scope,
        mixed=result.mixed,
        mixed_with=result.mixed_with,
        shares=result.shares,
        findings=findings,
        suggestions=suggestions,
        title=title_check,
        needs_review=result.needs_review,
        review_reasons=list(result.review_reasons),
        summary=summary,
        model_version=result.model_version,
        classification=result,
    )


def format_lint(report: LintReport) -> str:
    """The plain-text report the CLI prints."""
    lines = [report.summary, ""]
    lines.append(
        f"verdict: {report.verdict} (confidence {report.confidence:.2f})"
        + ("  [needs review]" if report.needs_review else "")
    )
    lines += [f"review:  {reason}" for reason in report.review_reasons]
    shares = sorted(report.shares.items(), key=lambda kv: -kv[1])
    lines.append("shares:  " + "  ".join(f"{k} {v:.0%}" for k, v in shares if v >= 0.01))
    if report.title:
        lines.append(f"title:   {report.title.message}")
    by_arch: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_arch.setdefault(f.archetype, []).append(f)
    for arch, items in sorted(by_arch.items(), key=lambda kv: -len(kv[1])):
        noun = "sentence" if len(items) == 1 else "sentences"
        lines += ["", f"{_name(arch)} ({len(items)} {noun}):"]
        lines += [f"  - {f.sentence}  [{f.start}:{f.end}]" for f in items]
    if report.suggestions:
        lines += ["", "To make it read as one archetype, cut or move:"]
        lines += [f"  - {f.sentence}" for f in report.suggestions]
    lines += ["", "result: " + ("PASS" if report.passed else "FAIL")]
    return "\n".join(lines)
