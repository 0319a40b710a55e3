"""Lint a JD before it is posted, the way code linters work: findings with rule ids and severities.

Every surface (the library, ``archetype lint``, ``POST /v1/lint``, the page) calls :func:`lint` and
serialises its :class:`LintReport` with ``to_dict``, so they all return the same document.

Rules (see :data:`RULES`): ``mixed-archetypes``, ``title-mismatch``, ``out-of-scope`` and
``no-role-content`` are errors; ``low-confidence`` and ``pay-below-market`` warnings;
``pay-above-market``, ``adjacent-skill`` and ``vague-title`` information. A team re-levels or turns
rules off in ``archetype.toml`` or ``[tool.archetype]`` of ``pyproject.toml`` (see
:mod:`classifier.lintconfig`), and a JD file silences a rule for itself with a comment line
``archetype: disable=rule-id``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from . import pay as paymod
from .lintconfig import SEVERITIES, LintConfig, inline_directives
from .pipeline import Classifier, parse_allow_mix
from .results import Classification
from .taxonomy import TAXONOMY, Label, title_labels


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("mixed-archetypes", "error", "a second archetype holds a substantial share of the role content"),
        Rule("title-mismatch", "error", "the title names another archetype than the body"),
        Rule("out-of-scope", "error", "the JD is not one of the five AI/ML archetypes"),
        Rule("no-role-content", "error", "no responsibilities or requirements to read"),
        Rule("low-confidence", "warning", "the verdict needs a person's review"),
        Rule("pay-below-market", "warning", "the stated pay tops out below the archetype's market band"),
        Rule("pay-above-market", "info", "the stated pay starts above the archetype's market band"),
        Rule("adjacent-skill", "info", "a sentence of another archetype, not enough to be a mix"),
        Rule("vague-title", "info", "the title names no archetype"),
    )
}
RANK = {"error": 3, "warning": 2, "info": 1}
_ROLE_WORD = re.compile(
    r"\b(engineer|scientist|researcher|developer|architect|lead|manager|staff|intern|analyst|designer|"
    r"specialist|head|director|founding|programmer|consultant|nurse|recruiter|sourcer)s?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Location:
    """``text[start:end]``, and the same span as 1-based lines and columns (for SARIF and editors)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on the JD. No ``locations``: it applies to the whole document."""

    rule: str
    severity: str
    message: str
    locations: list[Location] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Highlight:
    """A sentence and the archetype it pulls toward (the page colours these)."""

    sentence: str
    start: int
    end: int
    archetype: str
    score: float
    message: str


@dataclass(frozen=True)
class TitleCheck:
    title: str
    source: str  # "given" or "first line"
    title_suggests: list[str]
    body_says: str
    mismatch: bool
    message: str


@dataclass(frozen=True)
class LintReport:
    verdict: str
    confidence: float
    passed: bool
    fail_on: str
    summary: str
    counts: dict[str, int]
    findings: list[Finding]
    out_of_scope: bool
    mixed: bool
    mix: dict[str, Any] | None
    mixed_with: str | None
    shares: dict[str, float]
    highlights: list[Highlight]
    suggestions: list[Highlight]
    title_mismatch: TitleCheck | None
    pay: dict[str, Any]
    needs_review: bool
    review_reasons: list[str]
    disabled: list[str]
    config: str | None
    model_version: str
    classification: Classification

    def to_dict(self) -> dict[str, Any]:
        """The lint document every surface returns (CLI ``--format json`` and ``POST /v1/lint``)."""
        data = asdict(self)
        data.pop("classification")
        data["segments"] = [asdict(s) for s in self.classification.segments]
        return data


def _name(label: str) -> str:
    return TAXONOMY[Label(label)].name


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]

    def at(self, start: int, end: int) -> Location:
        line = bisect_right(self.starts, start)
        end_line = bisect_right(self.starts, max(start, end - 1))
        return Location(
            start, end, line, start - self.starts[line - 1] + 1, end_line, end - self.starts[end_line - 1] + 1
        )


def first_line_title(text: str) -> tuple[str, int, int] | None:
    """The posting's own title when its first line is one: short, no sentence end, and naming a
    role ("Senior ML Engineer, Fraud"; "Acme | Staff AI Engineer | Remote | $200k"). A pipe
    header keeps only the fields that name a role."""
    m = re.search(r"\S[^\r\n]*", text)
    if not m:
        return None
    line = m.group(0).strip()
    start = m.start()
    cut = re.search(r"[.!?](?=\s+[A-Z])", line)
    if cut and "|" not in line:  # "Applied AI Engineer. Build the assistant...": the title ends there
        line = line[: cut.start()]
    if "|" in line and len(line) <= 400:
        fields = [f.strip() for f in line.split("|")]
        roles = [f for f in fields[1:] if _ROLE_WORD.search(f)] or [
            f for f in fields[:1] if _ROLE_WORD.search(f)
        ]
        title = " / ".join(roles)
        return (title, start, start + len(line)) if title else None
    clean = re.sub(r"^[#*\-\s]+|[*_`]+", "", line).strip()
    if not clean or len(clean.split()) > 15 or clean[-1] in ".!?:" or not _ROLE_WORD.search(clean):
        return None
    return clean, start, start + len(line)


def lint(
    clf: Classifier,
    text: str,
    *,
    title: str | None = None,
    allow_mix: tuple[str, ...] | list[str] = (),
    config: LintConfig | None = None,
    bands: list[paymod.PayBand] | None = None,
) -> LintReport:
    """Classify a JD and report each rule's findings, most severe first.

    ``config`` carries re-levelled or disabled rules, an intended blend, a pay-band table and the
    fail threshold; inline ``archetype: disable=...`` lines in ``text`` add to its disabled rules.
    ``bands`` (else ``config.pay_bands``, $ARCHETYPE_PAY_BANDS, or the shipped table)."""
    config = config or LintConfig()
    disabled_inline, text_read = inline_directives(text)
    levels = config.levels()
    for rule in disabled_inline:
        levels[rule] = "off"
    allow = tuple(dict.fromkeys([*config.allow_mix, *allow_mix]))
    allowed = {a.value for a in parse_allow_mix(allow)}
    result = clf.classify(text_read, title=title, kind="jd", allow_mix=allow)
    verdict = result.archetype
    lines = _Lines(text)
    findings: list[Finding] = []

    def add(rule: str, message: str, spans=(), data=None) -> None:
        level = levels.get(rule, RULES[rule].severity)
        if level == "off":
            return
        locs = [lines.at(s, e) for s, e in spans]
        findings.append(Finding(rule, level, message, locs, data or {}))

    highlights = []
    for seg in result.segments:
        if seg.heading or seg.label == "neutral" or seg.role_weight < 0.3:
            continue
        if seg.label == verdict:
            message = f"reads as {_name(seg.label)}, the verdict"
        elif seg.label == Label.OUT_OF_SCOPE:
            message = "reads as work outside the five AI/ML archetypes"
        else:
            message = f"pulls toward {_name(seg.label)}, not {_name(verdict)}"
        highlights.append(Highlight(seg.text, seg.start, seg.end, seg.label, seg.score, message))

    role_weight = sum(s.role_weight for s in result.segments if not s.heading)
    no_content = role_weight < 0.2  # as the pipeline counts "almost no role-bearing content"
    out_of_scope = verdict == Label.OUT_OF_SCOPE and not no_content
    even = result.mixed and result.mix_ratio >= clf.model.review_rule.even_blend
    mixed = result.mixed and not no_content

    # -- the title: given, else the posting's first line when it is one ---------------------------
    title_span = None
    used_title, title_source = title, "given"
    if not used_title:
        found = first_line_title(text_read)
        if found:
            used_title, title_source = found[0], "first line"
            title_span = (found[1], found[2])
    named = sorted(label.value for label in title_labels(used_title))
    title_check = None
    if used_title:
        mismatch = bool(named) and verdict not in named and not no_content
        # With no clear lead, a title that names the second archetype is the one to keep.
        if mismatch and even and result.mixed_with in named:
            mismatch = False
        if not named:
            msg = "the title names no specific archetype"
        elif mismatch:
            names = ", ".join(_name(s) for s in named)
            msg = f"the title suggests {names} but the body reads as {_name(verdict)}"
        else:
            msg = "the title agrees with the body"
        title_check = TitleCheck(used_title, title_source, named, verdict, mismatch, msg)

    suggestions: list[Highlight] = []
    if mixed and result.mixed_with:
        # Cut the second archetype's lines; with no clear lead, keep what the title promises.
        cut = result.mixed_with
        if even and result.mixed_with in named and verdict not in named:
            cut = verdict
        suggestions = [
            Highlight(
                h.sentence,
                h.start,
                h.end,
                h.archetype,
                h.score,
                f"cut or move to a separate {_name(h.archetype)} posting",
            )
            for h in highlights
            if h.archetype == cut
        ]

    # -- the rules ---------------------------------------------------------------------------------
    if no_content:
        add(
            "no-role-content",
            "There are no responsibilities or requirements to read: the text is only a title, headings or "
            "boilerplate (company, benefits, pay, equal opportunity). Say what the person will do and what "
            "they need to know.",
            data={"role_weight": round(role_weight, 3)},
        )
    if out_of_scope:
        add(
            "out-of-scope",
            "This JD does not read as any of the five AI/ML archetypes (research scientist, research "
            "engineer, ML engineer, ML infrastructure engineer, applied AI engineer).",
            [(h.start, h.end) for h in highlights if h.archetype == verdict][:20],
        )
    if mixed and result.mixed_with:
        second = result.mixed_with
        lead = "with no clear lead" if even else "mostly"
        add(
            "mixed-archetypes",
            f"Mixed, {lead} {_name(verdict)} ({result.shares[verdict]:.0%} of role content) with "
            f"{_name(second)} ({result.shares[second]:.0%}): it will attract, screen and price two different "
            f"people. Cut or move the {len(suggestions)} marked sentence"
            f"{'' if len(suggestions) == 1 else 's'} to make it read as one archetype, or declare the blend "
            "with allow_mix.",
            [(s.start, s.end) for s in suggestions],
            {
                "primary": verdict,
                "secondary": second,
                "shares": {verdict: result.shares[verdict], second: result.shares[second]},
                "no_clear_lead": even,
            },
        )
    if title_check and title_check.mismatch:
        add(
            "title-mismatch",
            f"The title \u201c{used_title}\u201d names {', '.join(_name(s) for s in named)}, but the body "
            "reads "
            f"as {_name(verdict)}: people searching for the title are not the people the body describes. "
            "Retitle the posting or rewrite the body.",
            [title_span] if title_span else [],
            {
                "title": used_title,
                "title_source": title_source,
                "title_suggests": named,
                "body_says": verdict,
            },
        )
    elif title_check and not named and verdict != Label.OUT_OF_SCOPE and not no_content:
        add(
            "vague-title",
            f"The title \u201c{used_title}\u201d names no archetype; the body reads as {_name(verdict)}. "
            "A title "
            "that says so helps the right people find the posting.",
            [title_span] if title_span else [],
            {"title": used_title, "title_source": title_source, "body_says": verdict},
        )
    reasons = [r for r in result.review_reasons if not (no_content and "role-bearing" in r)]
    if reasons and not no_content:
        add(
            "low-confidence",
            "The verdict needs a person's review: " + "; ".join(reasons) + ".",
            data={"reasons": reasons, "confidence": result.confidence},
        )
    if verdict != Label.OUT_OF_SCOPE and not no_content:
        by_arch: dict[str, list[Highlight]] = {}
        for h in highlights:
            if h.archetype not in (verdict, Label.OUT_OF_SCOPE.value):
                by_arch.setdefault(h.archetype, []).append(h)
        for arch, items in by_arch.items():
            if arch in allowed or (mixed and arch == result.mixed_with):
                continue
            n = len(items)
            add(
                "adjacent-skill",
                f"{'One sentence reads' if n == 1 else f'{n} sentences read'} as {_name(arch)}: not enough "
                "to "
                f"make the JD mixed. Keep {'it' if n == 1 else 'them'} if the person truly needs "
                f"{'it' if n == 1 else 'them'}; otherwise cut, since each such line draws applicants of "
                "another kind.",
                [(h.start, h.end) for h in items],
                {"archetype": arch, "sentences": n},
            )

    pay = _pay_findings(text_read, verdict, used_title, no_content, config, bands, add)

    order = list(RULES)
    findings.sort(
        key=lambda f: (-RANK[f.severity], order.index(f.rule), f.locations[0].start if f.locations else -1)
    )
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    passed = not any(RANK[f.severity] >= RANK[config.fail_on] for f in findings)

    if no_content:
        summary = "Nothing to lint: no responsibilities or requirements, only a title or boilerplate."
    elif out_of_scope:
        summary = "This JD does not read as any of the five AI/ML archetypes."
    elif even:
        summary = (
            f"Mixed, with no clear lead: {_name(verdict)} ({result.shares[verdict]:.0%} of role content) "
            f"and {_name(result.mixed_with)} ({result.shares[result.mixed_with]:.0%}); read as a whole "
            f"it leans {_name(verdict)}. It will attract and screen for two different people."
        )
    elif mixed:
        summary = (
            f"Mixed: mostly {_name(verdict)} ({result.shares[verdict]:.0%} of role content) "
            f"with {_name(result.mixed_with)} ({result.shares[result.mixed_with]:.0%}). "
            f"It will attract and screen for two different people."
        )
    else:
        summary = f"Reads as one archetype: {_name(verdict)}."
        if result.mixed_with is None and result.mix_ratio and allow:
            summary += " (Any blend you declared with allow_mix is not flagged.)"
    mix = None
    if mixed and result.mixed_with:
        mix = {
            "primary": verdict,
            "secondary": result.mixed_with,
            "primary_share": result.shares[verdict],
            "secondary_share": result.shares[result.mixed_with],
        }
    return LintReport(
        verdict=verdict,
        confidence=result.confidence,
        passed=passed,
        fail_on=config.fail_on,
        summary=summary,
        counts=counts,
        findings=findings,
        out_of_scope=out_of_scope,
        mixed=mixed,
        mix=mix,
        mixed_with=result.mixed_with if mixed else None,
        shares=result.shares,
        highlights=highlights,
        suggestions=suggestions,
        title_mismatch=title_check,
        pay=pay,
        needs_review=result.needs_review,
        review_reasons=list(result.review_reasons),
        disabled=sorted(r for r, v in levels.items() if v == "off"),
        config=config.source,
        model_version=result.model_version,
        classification=result,
    )


_DEFAULT_BANDS: list[paymod.PayBand] | None = None


def _bands(config: LintConfig, bands: list[paymod.PayBand] | None) -> list[paymod.PayBand]:
    global _DEFAULT_BANDS
    if bands is not None:
        return bands
    import os

    path = config.pay_bands or os.environ.get(paymod.BANDS_ENV)
    if path:
        return paymod.load_bands(path)
    if _DEFAULT_BANDS is None:
        _DEFAULT_BANDS = paymod.load_bands()
    return _DEFAULT_BANDS


def _pay_findings(text, verdict, title, no_content, config, bands, add) -> dict[str, Any]:
    """Read the stated pay and compare it with the verdict's market band. Returns what was read."""
    ranges = paymod.parse_pay(text)
    own = [r for r in ranges if not paymod.for_other_role(text, r, verdict, title)]
    out: dict[str, Any] = {
        "stated": [r.to_dict() for r in ranges],
        "compared": None,
        "band": None,
        "seniority": None,
        "region": None,
        "note": None,
    }
    if not ranges:
        out["note"] = "no pay stated"
        return out
    if len(own) < len(ranges):
        out["ignored"] = [r.to_dict() for r in ranges if r not in own]
    if no_content or verdict == Label.OUT_OF_SCOPE:
        out["note"] = "no market band: the JD reads as no archetype"
        return out
    if not own:
        out["note"] = "the pay stated is for another role"
        return out
    currencies = {r.currency for r in own}
    all_bands = _bands(config, bands)
    seniority = paymod.seniority_of(title)
    region = paymod.region_of(text)
    out["seniority"], out["region"] = seniority, region
    if len(currencies) > 1:
        # "£80k-£100k in London or $150k-$180k in New York": compare in a currency the table has.
        banded = [
            r.currency
            for r in own
            if any(b.archetype == verdict and b.currency == r.currency for b in all_bands)
        ]
        keep = banded[0] if banded else own[0].currency
        own = [r for r in own if r.currency == keep]
    pick = own[0]
    # Two ranges (two locations, salary and contract rate): the most generous top decides
    # below-market, the lowest bottom above-market, so neither fires on the weaker reading.
    top = max(own, key=lambda r: r.annual_high if r.annual_high is not None else float("inf"))
    bottom = min(own, key=lambda r: r.annual_low if not r.up_to else float("inf"))
    band, exact = paymod.choose_band(all_bands, verdict, pick.currency, seniority, top.basis, region)
    out["compared"] = top.to_dict()
    if band is None:
        in_currency = [b for b in all_bands if b.archetype == verdict and b.currency == pick.currency]
        if not in_currency:
            why = f"no {pick.currency} market band for {_name(verdict)} (exchange rates are never guessed)"
        elif region == paymod.OUTSIDE_US:
            why = f"no market band for {_name(verdict)} outside the US"
        else:
            levels = ", ".join(sorted({b.seniority for b in in_currency}))
            why = (
                f"no market band for {_name(verdict)} at {seniority or 'an unstated'} level "
                f"(the table has: {levels})"
            )
        out["note"] = why + ": no comparison"
        return out
    out["band"] = band.to_dict()
    level = f"{seniority} " if exact and seniority else ""
    who = f"{level}{_name(verdict)}"
    who = ("an " if who[0].lower() in "aeiou" or who.startswith("ML") else "a ") + who
    if top.annual_high is not None and top.annual_high < band.annual_low:
        annual = (
            ""
            if top.period == "year"
            else f" (annualised at {paymod.PER_YEAR[top.period]:,} {top.period}s a year)"
        )
        basis_note = ""
        if band.measures == "total" and top.basis != "total":
            basis_note = (
                " The band counts bonus and equity; if your range is base salary, compare the whole package."
            )
        add(
            "pay-below-market",
            f"The stated pay, {top.describe()}{annual}, tops out below the market band for {who}: "
            f"{band.describe()}. A posting priced under the band draws less experienced applicants than the "
            f"body asks for.{basis_note}",
            [(top.start, top.end)],
            {"read": top.to_dict(), "band": band.to_dict(), "exact_seniority": exact},
        )
        out["compared"] = top.to_dict()
    elif band.annual_high is not None and exact and not bottom.up_to and bottom.annual_low > band.annual_high:
        add(
            "pay-above-market",
            f"The stated pay, {bottom.describe()}, starts above the market band for {who}: "
            f"{band.describe()}.",
            [(bottom.start, bottom.end)],
            {"read": bottom.to_dict(), "band": band.to_dict(), "exact_seniority": exact},
        )
        out["compared"] = bottom.to_dict()
    return out


# -- output formats ---------------------------------------------------------------------------------
def format_lint(report: LintReport, source: str = "") -> str:
    """The plain-text report the CLI prints."""
    where = f"{source}: " if source else ""
    lines = [where + report.summary, ""]
    lines.append(
        f"verdict: {report.verdict} (confidence {report.confidence:.2f})"
        + ("  [needs review]" if report.needs_review else "")
    )
    shares = sorted(report.shares.items(), key=lambda kv: -kv[1])
    lines.append("shares:  " + "  ".join(f"{k} {v:.0%}" for k, v in shares if v >= 0.01))
    if report.title_mismatch:
        t = report.title_mismatch
        lines.append(f"title:   {t.message} ({t.source}: {t.title!r})")
    for r in report.pay.get("stated", []):
        lines.append(f"pay:     read {r['read_as']}")
    if report.pay.get("band"):
        lines.append(f"band:    {report.pay['band']['described']}")
    elif report.pay.get("note") and report.pay.get("stated"):
        lines.append(f"band:    {report.pay['note']}")
    lines += ["", "findings:" if report.findings else "findings: none"]
    for f in report.findings:
        at = (
            f"{source}:{f.locations[0].line}:{f.locations[0].column}"
            if f.locations
            else (source or "document")
        )
        lines.append(f"  {f.severity:<7} {f.rule:<17} {at}")
        lines.append(f"          {f.message}")
    by_arch: dict[str, list[Highlight]] = {}
    for h in report.highlights:
        by_arch.setdefault(h.archetype, []).append(h)
    for arch, items in sorted(by_arch.items(), key=lambda kv: -len(kv[1])):
        noun = "sentence" if len(items) == 1 else "sentences"
        lines += ["", f"{_name(arch)} ({len(items)} {noun}):"]
        lines += [f"  - {h.sentence}  [{h.start}:{h.end}]" for h in items]
    if report.suggestions:
        lines += ["", "To make it read as one archetype, cut or move:"]
        lines += [f"  - {s.sentence}" for s in report.suggestions]
    c = report.counts
    lines += [
        "",
        f"result: {'PASS' if report.passed else 'FAIL'} ({_count(c['error'], 'error')}, "
        f"{_count(c['warning'], 'warning')}, {c['info']} info; fails on {report.fail_on} and above)",
    ]
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(reports: list[tuple[str, LintReport]], version: str = "0.1.0") -> dict[str, Any]:
    """SARIF 2.1.0: one run, one result per finding, located on the JD file's lines."""
    order = list(RULES)
    rules = [
        {
            "id": r.id,
            "name": "".join(w.capitalize() for w in r.id.split("-")),
            "shortDescription": {"text": r.summary},
            "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
        }
        for r in RULES.values()
    ]
    results = []
    for path, report in reports:
        uri = quote(path.replace("\\", "/"))  # a URI reference: spaces and the like escaped
        for f in report.findings:
            locs = f.locations or [Location(0, 0, 1, 1, 1, 1)]
            results.append(
                {
                    "ruleId": f.rule,
                    "ruleIndex": order.index(f.rule),
                    "level": SARIF_LEVEL[f.severity],
                    "message": {"text": f.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri},
                                "region": {
                                    "startLine": loc.line,
                                    "startColumn": loc.column,
                                    "endLine": loc.end_line,
                                    "endColumn": loc.end_column,
                                },
                            }
                        }
                        for loc in locs[:10]
                    ],
                    "properties": {"verdict": report.verdict, "wholeDocument": not f.locations},
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archetype",
                        "version": version,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
