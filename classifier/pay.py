"""Pay as postings state it, and the market bands it is compared with.

``parse_pay`` reads ranges and single figures the way postings write them ("$120,000 - $150,000",
"$120k-150k", "£80k–£110k", "$75-150/hour", "80000 - 100000 GBP yearly", "up to $227,900 + equity")
and says which currency, period and basis (base or total) it read. Funding rounds, revenue,
budgets and matches ("$17M seed", "$2,000 learning budget") are not pay and are skipped.

Market bands are data (``classifier/data/pay_bands.csv``, or a team's own CSV of the same columns),
one row per archetype, seniority, currency and region, each citing its source and saying what it
measures. No exchange rate is ever guessed: a posting in a currency the table has no band for gets
no comparison.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .taxonomy import ARCHETYPES, Label, title_labels

DEFAULT_BANDS = Path(__file__).resolve().parent / "data" / "pay_bands.csv"
BANDS_ENV = "ARCHETYPE_PAY_BANDS"
CURRENCIES = ("USD", "GBP", "EUR", "CAD", "AUD", "CHF")
PERIODS = ("year", "month", "day", "hour")
SENIORITIES = ("any", "junior", "mid", "senior", "staff")
MEASURES = ("base", "total", "advertised")
# How a rate becomes a year: 2,080 working hours, 260 working days, 12 months.
PER_YEAR = {"year": 1, "month": 12, "day": 260, "hour": 2080}

_SYMBOLS = {
    "US$": "USD",
    "$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "£": "GBP",
    "€": "EUR",
}
_SYM = r"US\$|CA\$|C\$|AU\$|A\$|\$|£|€"
_CODE = r"USD|GBP|EUR|CAD|AUD|CHF"
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:\.\d+)?"
_SUFFIX = r"k|K|mm|MM|m|M|bn|B|million|billion|thousand"


def _amount(p: str) -> str:
    return (
        rf"(?:(?P<{p}sym>{_SYM})\s?|(?P<{p}pre>{_CODE})\s?)?(?P<{p}num>{_NUM})"
        rf"(?P<{p}plus>\+)?(?:\s?(?P<{p}suf>{_SUFFIX})(?![A-Za-z]))?"
        rf"(?:\s?(?P<{p}post>{_CODE})\b|\s?(?P<{p}psym>€|£))?"
    )


_MONEY = re.compile(
    rf"(?<![\w.,]){_amount('a')}(?:\s*(?:-|–|—|to|and)\s*{_amount('b')})?(?![\w])", re.IGNORECASE
)
_PERIOD_AFTER = [
    ("hour", re.compile(r"^\s*(?:/|per|an?|each)\s*(?:hour|hr|h)\b|^\s*hourly\b", re.I)),
    ("day", re.compile(r"^\s*(?:/|per|an?|each)\s*day\b|^\s*daily\b", re.I)),
    ("month", re.compile(r"^\s*(?:/|per|an?|each)\s*(?:month|mo|mth)\b|^\s*monthly\b", re.I)),
    (
        "year",
        re.compile(
            r"^\s*(?:/|per|an?|each)\s*(?:year|yr|annum)\b|^\s*(?:yearly|annually|annual|p\.?\s?a\.?)\b", re.I
        ),
    ),
]
_PERIOD_BEFORE = [
    ("hour", re.compile(r"\bhourly\b|\bper hour\b", re.I)),
    ("day", re.compile(r"\bday rate\b|\bdaily rate\b", re.I)),
    ("month", re.compile(r"\bmonthly\b", re.I)),
]
_PAY_BEFORE = re.compile(
    r"\b(?:salary|salaries|compensation|comp|pay|pays|paying|paid|base|wage|wages|rate|ote|tc|remuneration|"
    r"up to|starting at|from|range|band)\b[^.;|]*$",
    re.IGNORECASE,
)
_PAY_AFTER = re.compile(
    r"^[^.;|]{0,12}?\b(?:base|salary|total|ote|tc|equity|per year|a year|/yr|annually|comp)\b", re.IGNORECASE
)
_NOT_PAY_AFTER = re.compile(
    r"^\s*\+?\s*(?:(?:in|of|a|an|the|per|annual|yearly|monthly|[\w-]+)\s+){0,2}?"
    r"(?:raised|raise|funding|seed|series|round|arr|revenue|valuation|market|budget|stipend|match|matching|"
    r"allowance|fee|fees|credits?|grant|signing|relocation|call|request|users|customers|fund|aum|sales|"
    r"investment|contract value|deal)\b|^\s*(?:bonus|in bonus)\b",
    re.IGNORECASE,
)
_BASE = re.compile(r"\bbase\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:total|ote|tc|on-target|all-in)\b", re.IGNORECASE)
_EQUITY = re.compile(r"\b(?:equity|stock|options|rsus?|shares)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PayRange:
    """One stated figure or range. ``text[start:end]`` is the figure as written."""

    currency: str
    low: float
    high: float | None  # None: open-ended ("$160k+", "up to" gives low=None-like: see ``up_to``)
    period: str
    period_stated: bool
    basis: str | None  # "base", "total" or None (not said)
    equity: bool
    start: int
    end: int
    up_to: bool = False  # "up to $X": only a top is stated

    @property
    def annual_low(self) -> float:
        return self.low * PER_YEAR[self.period]

    @property
    def annual_high(self) -> float | None:
        return None if self.high is None else self.high * PER_YEAR[self.period]

    def describe(self) -> str:
        def money(v: float) -> str:
            return _money(v, self.currency)

        if self.up_to:
            span = f"up to {money(self.high or self.low)}"
        elif self.high is None:
            span = f"{money(self.low)} or more"
        elif self.high == self.low:
            span = money(self.low)
        else:
            span = f"{money(self.low)}-{money(self.high)}"
        words = [
            span,
            self.currency,
            f"per {self.period}"
            + ("" if self.period_stated or self.period == "year" else " (period not stated)"),
        ]
        if self.basis:
            words.append(f"{self.basis} salary" if self.basis == "base" else "total compensation")
        if self.equity:
            words.append("+ equity")
        return " ".join(words)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["annual_low"] = round(self.annual_low)
        data["annual_high"] = None if self.annual_high is None else round(self.annual_high)
        data["read_as"] = self.describe()
        return data


def _money(value: float, currency: str) -> str:
    sign = {"USD": "$", "GBP": "£", "EUR": "€"}.get(currency, "")
    if value >= 1000:
        return f"{sign}{value:,.0f}" if sign else f"{value:,.0f}"
    return f"{sign}{value:,.2f}".replace(".00", "") if sign else f"{value:,.2f}".replace(".00", "")


def _number(raw: str) -> float:
    m = re.fullmatch(r"(\d{1,3})((?:([.,])\d{3})(?:\3\d{3})*)([.,]\d{1,2})?", raw)
    if m:  # thousands separators, either style: 120,000 / 160.000 / 1,234.50 / 80.000,00
        whole = m.group(1) + re.sub(r"[.,]", "", m.group(2))
        frac = (m.group(4) or "")[1:]
        return float(f"{whole}.{frac}" if frac else whole)
    return float(raw)


def _scale(suffix: str | None) -> float | None:
    """The multiplier a suffix means; None for millions and billions (funding, not pay)."""
    if not suffix:
        return 1.0
    s = suffix.lower()
    if s in ("k", "thousand"):
        return 1000.0
    return None


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return ls, (len(text) if le < 0 else le)


def parse_pay(text: str) -> list[PayRange]:
    """Every pay figure stated in ``text``, in order, duplicates (a header repeating the body) kept
    once. Figures with no currency, or in millions, are not read as pay."""
    found: list[PayRange] = []
    for m in _MONEY.finditer(text):
        g = m.groupdict()
        has_b = g["bnum"] is not None
        codes = [g[k] for k in ("asym", "apre", "apost", "apsym", "bsym", "bpre", "bpost", "bpsym") if g[k]]
        if not codes:
            continue
        cur = None
        for c in codes:
            cur = _SYMBOLS.get(c.upper() if c[0].isalpha() else c, c.upper())
            if c.upper() in CURRENCIES or c in _SYMBOLS:
                cur = _SYMBOLS.get(c, c.upper())
                break
        scale_a, scale_b = _scale(g["asuf"]), _scale(g["bsuf"]) if has_b else 1.0
        if scale_a is None or scale_b is None:
            continue
        try:
            low = _number(g["anum"]) * scale_a
            high = _number(g["bnum"]) * scale_b if has_b else None
        except ValueError:
            continue
        if has_b and not g["asuf"] and g["bsuf"] and low < 1000 <= high:
            low *= scale_b  # "$180-200K": the K covers both ends
        if has_b and high is not None and high < low:
            continue  # "5 - 3": not a range of pay
        after = text[m.end() : m.end() + 40]
        if _NOT_PAY_AFTER.match(after):
            continue
        ls, le = _line_bounds(text, m.start(), m.end())
        before = text[max(ls, m.start() - 60) : m.start()]
        sentence_before = re.split(r"[.!?]\s", before)[-1]
        field = (text[ls : m.start()].rstrip().endswith(("|", "•", "–", "-", ":")) or m.start() == ls) and (
            re.match(r"^\s*(?:\||•|$|\n|,|\s-\s|\s–\s)", text[m.end() : le + 1]) is not None
        )
        plus = bool(g["aplus"]) and not has_b
        contextual = bool(_PAY_BEFORE.search(sentence_before) or _PAY_AFTER.match(text[m.end() : le]))
        if not has_b and not (contextual or field):
            continue
        period, stated = "year", False
        for name, pat in _PERIOD_AFTER:
            if pat.match(text[m.end() : m.end() + 20]):
                period, stated = name, True
                break
        if not stated:
            for name, pat in _PERIOD_BEFORE:
                if pat.search(sentence_before):
                    period, stated = name, True
                    break
        top = high if high is not None else low
        if not stated:
            if top < 1000:
                period = "hour"  # "$60 - $60" or "$45-70": no salary is that small
            elif top < 20000:
                period = "month"
        if PER_YEAR[period] * top < 5000 or PER_YEAR[period] * top > 20_000_000:
            continue
        clause_after = re.split(r"[;|]|\.(?!\d)", text[m.end() : le])[0][:80]
        clause_before = sentence_before[-40:]
        basis = None
        b_at, t_at = _BASE.search(clause_after), _TOTAL.search(clause_after[:40])
        if b_at and (not t_at or b_at.start() < t_at.start()):
            basis = "base"
        elif t_at:
            basis = "total"
        elif re.search(r"\bbase\b[^$£€]*$", clause_before, re.I):
            basis = "base"
        elif re.search(r"\b(?:total|ote|tc)\b[^$£€]*$", clause_before, re.I):
            basis = "total"
        equity = bool(_EQUITY.search(clause_after))
        up_to = not has_b and bool(re.search(r"\bup to\s*$", before, re.I))
        if up_to:
            pr = PayRange(
                cur or "USD", low, low, period, stated, basis, equity, m.start(), m.end(), up_to=True
            )
        else:
            pr = PayRange(
                cur or "USD",
                low,
                (high if has_b else (None if plus else low)),
                period,
                stated,
                basis,
                equity,
                m.start(),
                m.end(),
            )
        found.append(pr)
    return _dedupe(found)


def _dedupe(ranges: list[PayRange]) -> list[PayRange]:
    out: list[PayRange] = []
    for r in ranges:
        # "GBP 80000 - 100000 ... GBP 80000.00 100000.00": a lone figure just after a range that holds it
        # is that range restated, not a second offer.
        if r.high == r.low and not r.up_to and any(
            o.currency == r.currency and o.high and o.low <= r.low <= o.high and 0 <= r.start - o.end < 80
            for o in out
        ):
            continue
        key = (r.currency, r.low, r.high, r.period)
        same = [o for o in out if (o.currency, o.low, o.high, o.period) == key]
        if same:
            i = out.index(same[0])  # keep the first; carry what the repeat adds
            o = same[0]
            out[i] = PayRange(
                o.currency,
                o.low,
                o.high,
                o.period,
                o.period_stated or r.period_stated,
                o.basis or r.basis,
                o.equity or r.equity,
                o.start,
                o.end,
                o.up_to,
            )
        else:
            out.append(r)
    return out


def for_other_role(text: str, pay: PayRange, verdict: str, title: str | None) -> bool:
    """True when the line stating this figure names a role that is not the posting's own: the
    figure belongs to another opening ("Senior Designer: $120k-$150k")."""
    ls, _ = _line_bounds(text, pay.start, pay.end)
    if ls == 0:
        return False  # the posting's own header line
    prefix = text[ls : pay.start]
    # Only the words just before the figure, in its own field or clause.
    prefix = re.split(r"[|•;.]", prefix)[-1]
    named = {label.value for label in title_labels(prefix)}
    if not named:
        return False
    own = {verdict} | {label.value for label in title_labels(title)}
    return not (named & own)


# -- market bands ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PayBand:
    archetype: str
    seniority: str
    currency: str
    period: str
    low: float
    high: float | None  # None: a median or floor only (pay-above-market cannot fire against it)
    measures: str
    region: str
    year: str
    source: str
    note: str

    def describe(self) -> str:
        what = {
            "base": "base salary",
            "total": "total compensation (base, bonus and equity)",
            "advertised": "advertised pay",
        }[self.measures]
        span = (
            f"{_money(self.low, self.currency)}-{_money(self.high, self.currency)}"
            if self.high is not None
            else f"a median of {_money(self.low, self.currency)}"
        )
        level = "" if self.seniority == "any" else f"{self.seniority}, "
        where = f"{level}{self.region}, {self.year}"
        return f"{span} {self.currency} per {self.period}, {what}; {where} ({self.note}; {self.source})"

    @property
    def annual_low(self) -> float:
        return self.low * PER_YEAR[self.period]

    @property
    def annual_high(self) -> float | None:
        return None if self.high is None else self.high * PER_YEAR[self.period]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["described"] = self.describe()
        return data


COLUMNS = (
    "archetype",
    "seniority",
    "currency",
    "period",
    "low",
    "high",
    "measures",
    "region",
    "year",
    "source",
    "note",
)


def load_bands(path: str | Path | None = None) -> list[PayBand]:
    """Bands from a CSV (default: the shipped table). A bad row is an InputError naming file and line."""
    p = Path(path) if path else DEFAULT_BANDS
    if not p.is_file():
        raise InputError(f"pay bands: {p}: no such file")
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"pay bands: {p}: cannot read ({exc})") from None
    return parse_bands(raw, str(p))


def parse_bands(raw: str, source: str = "pay bands") -> list[PayBand]:
    reader = csv.DictReader(io.StringIO(raw))
    missing = [c for c in ("archetype", "currency", "low") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"pay bands: {source}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
        )
    bands = []
    ids = {a.value for a in ARCHETYPES}
    for i, row in enumerate(reader, 2):
        where = f"pay bands: {source}, line {i}"
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        if row["archetype"] not in ids:
            raise InputError(
                f"{where}: unknown archetype {row['archetype']!r}; expected one of {', '.join(sorted(ids))}"
            )
        seniority = row.get("seniority") or "any"
        if seniority not in SENIORITIES:
            raise InputError(
                f"{where}: unknown seniority {seniority!r}; expected one of {', '.join(SENIORITIES)}"
            )
        currency = row["currency"].upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise InputError(f"{where}: currency {row['currency']!r} is not a three-letter code such as USD")
        period = row.get("period") or "year"
        if period not in PERIODS:
            raise InputError(f"{where}: unknown period {period!r}; expected one of {', '.join(PERIODS)}")
        measures = row.get("measures") or "total"
        if measures not in MEASURES:
            raise InputError(f"{where}: 'measures' is {measures!r}; expected one of {', '.join(MEASURES)}")
        try:
            low = float(row["low"].replace(",", ""))
            high = float(row["high"].replace(",", "")) if row.get("high") else None
        except ValueError:
            raise InputError(f"{where}: low and high must be numbers") from None
        if low <= 0 or (high is not None and high < low):
            raise InputError(f"{where}: low must be positive and no more than high")
        bands.append(
            PayBand(
                row["archetype"],
                seniority,
                currency,
                period,
                low,
                high,
                measures,
                row.get("region") or "unspecified region",
                row.get("year") or "",
                row.get("source") or "",
                row.get("note") or "",
            )
        )
    return bands


def bands_from_env_or(path: str | Path | None) -> list[PayBand]:
    """An explicit path, else $ARCHETYPE_PAY_BANDS, else the shipped table."""
    return load_bands(path or os.environ.get(BANDS_ENV) or None)


# -- seniority and region, as a posting states them ----------------------------------------------
_SENIORITY = [
    ("intern", re.compile(r"\bintern(ship)?\b|\bco-?op\b|\bstudent\b|\bapprentice", re.I)),
    ("junior", re.compile(r"\bjunior\b|\bjr\.?\b|\bentry[\s-]level\b|\bgraduate\b|\bnew grad", re.I)),
    (
        "staff",
        re.compile(
            r"(?<!technical )\bstaff\b(?!\s+of)|\bprincipal\b|\bdistinguished\b|\btech(nical)? lead\b", re.I
        ),
    ),
    ("senior", re.compile(r"\bsenior\b|\bsr\.?\b|\blead\b", re.I)),
    ("mid", re.compile(r"\bmid[\s-]?(level|senior)?\b", re.I)),
]
_REGIONS = [
    (
        "San Francisco",
        re.compile(r"\bsan francisco\b|\bSF\b|\bbay area\b|\bpalo alto\b|\bmountain view\b", re.I),
    ),
    ("New York", re.compile(r"\bnew york\b|\bNYC\b|\bbrooklyn\b", re.I)),
    ("Seattle", re.compile(r"\bseattle\b|\bbellevue\b", re.I)),
    (
        "Remote (US)",
        re.compile(
            r"(?i:\bremote\b)[^\n]{0,30}\b(?:US|USA|U\.S\.|United States)\b|\b(?:US|USA)[- ](?i:remote)\b"
        ),
    ),
]
_US = re.compile(
    r"\b(?:US|USA|U\.S\.A?\.?|United States)\b|\b[A-Z][a-z]+(?: [A-Z][a-z]+)?, "
    r"(?:CA|NY|WA|TX|MA|CO|IL|GA|NC|VA|PA|FL|OR|UT|AZ|DC|NJ|MD|MN|MI|OH)\b"
)
_ABROAD = re.compile(
    r"\b(?:latin america|latam|south america|brazil|mexico|argentina|colombia|europe|emea|united kingdom|uk|"
    r"london|germany|berlin|munich|france|paris|netherlands|amsterdam|switzerland|zurich|spain|poland|"
    r"india|bangalore|bengaluru|apac|asia|singapore|japan|tokyo|china|australia|sydney|canada|toronto|"
    r"vancouver|montreal|israel|tel aviv)\b",
    re.IGNORECASE,
)
OUTSIDE_US = "outside the US"
_US_REGION = re.compile(r"san francisco|new york|seattle|united states|\bUS\b", re.I)


def seniority_of(title: str | None) -> str | None:
    """The level a title states: intern, junior, mid, senior or staff; None when it says none."""
    if not title:
        return None
    for name, pat in _SENIORITY:
        if pat.search(title):
            return name
    return None


def region_of(text: str) -> str | None:
    """A US region the band table knows; OUTSIDE_US when the posting names only places abroad."""
    for name, pat in _REGIONS:
        if pat.search(text):
            return name
    if _ABROAD.search(text) and not _US.search(text):
        return OUTSIDE_US
    return None


def choose_band(
    bands: list[PayBand],
    archetype: str,
    currency: str,
    seniority: str | None,
    basis: str | None,
    region: str | None,
) -> tuple[PayBand | None, bool]:
    """The band to compare with, and whether it is for the stated seniority (False: the 'any' row
    stood in for it). No row for the currency means no band: no exchange rate is guessed."""
    rows = [b for b in bands if b.archetype == archetype and b.currency == currency]
    if region == OUTSIDE_US:  # a band for a region the posting is not in says nothing about it
        rows = [b for b in rows if not _US_REGION.search(b.region)]
    if not rows or seniority in ("intern", "junior") and not any(b.seniority == seniority for b in rows):
        return None, False
    exact = [b for b in rows if seniority and b.seniority == seniority]
    pool, matched = (exact, True) if exact else ([b for b in rows if b.seniority == "any"], seniority is None)
    if not pool:
        return None, False
    prefer = {"base": ("base", "advertised", "total"), "total": ("total", "advertised", "base")}.get(
        basis or "", ("base", "advertised", "total")
    )

    def rank(b: PayBand) -> tuple[int, int]:
        return (0 if region and b.region == region else 1, prefer.index(b.measures))

    return min(pool, key=rank), matched


__all__ = [
    "BANDS_ENV",
    "DEFAULT_BANDS",
    "PayBand",
    "PayRange",
    "bands_from_env_or",
    "choose_band",
    "for_other_role",
    "load_bands",
    "parse_bands",
    "parse_pay",
    "region_of",
    "seniority_of",
    "Label",
]
