"""Pay as postings write it, and the band table (no model needed). Texts written for these tests."""

import pytest

from classifier.errors import InputError
from classifier.pay import (
    DEFAULT_BANDS,
    OUTSIDE_US,
    choose_band,
    for_other_role,
    load_bands,
    parse_bands,
    parse_pay,
    region_of,
    seniority_of,
)


def one(text):
    found = parse_pay(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "currency", "low", "high", "period"),
    [
        ("The salary range is $120,000 - $150,000 per year.", "USD", 120_000, 150_000, "year"),
        ("Pay: $120k-150k + equity", "USD", 120_000, 150_000, "year"),
        ("Acme | Staff Engineer | NYC | $180-200K + equity | Visa", "USD", 180_000, 200_000, "year"),
        ("London | £80k–£110k | Hybrid", "GBP", 80_000, 110_000, "year"),
        ("Contract role, $75-150/hour, remote.", "USD", 75, 150, "hour"),
        ("Hourly rate: $45 - $60", "USD", 45, 60, "hour"),
        ("Range: 80000 - 100000 GBP yearly", "GBP", 80_000, 100_000, "year"),
        ("Budget: USD 4k-5k / month for this contractor seat", "USD", 4_000, 5_000, "month"),
        ("Base salary between $140,000 and $175,000 plus bonus.", "USD", 140_000, 175_000, "year"),
        ("Gehalt: €95.000 – €120.000 brutto", "EUR", 95_000, 120_000, "year"),
        ("CHF 150,000 to 170,000 a year", "CHF", 150_000, 170_000, "year"),
        ("The role pays $95 an hour.", "USD", 95, 95, "hour"),
        ("Vergütung: 70.000 € – 85.000 € brutto im Jahr", "EUR", 70_000, 85_000, "year"),
        ("Day rate: £450 per day, outside IR35", "GBP", 450, 450, "day"),
        ("$120K to $150K/yr", "USD", 120_000, 150_000, "year"),
    ],
)
def test_reads_ranges_as_postings_write_them(text, currency, low, high, period):
    r = one(text)
    assert (r.currency, r.low, r.high, r.period) == (currency, low, high, period)
    assert text[r.start : r.end].strip()  # offsets point at the figure


def test_says_basis_equity_and_open_ends():
    r = one("Compensation: $210k - $240k base + equity (0.1%-0.3%).")
    assert r.basis == "base" and r.equity
    r = one("Compensation: $400+k total, all cash.")
    assert r.basis == "total" and r.low == 400_000 and r.high is None
    r = one("Salary up to $185,000 + stock options.")
    assert r.up_to and r.high == 185_000 and r.equity
    r = one("€140.000+ | Full-time | On site")
    assert r.currency == "EUR" and r.low == 140_000 and r.high is None
    assert "per year" in one("$150k–$190k").describe()


def test_hourly_amount_without_a_period_is_read_as_hourly_and_annualised():
    r = one("Summer intern | $52 - $58 | Austin")
    assert r.period == "hour" and not r.period_stated
    assert r.annual_high == 58 * 2080
    assert "period not stated" in r.describe()


@pytest.mark.parametrize(
    "text",
    [
        "We raised $40M in a Series B and passed $12M ARR last year.",
        "Perks include a $2,000 learning budget and a $500 home-office stipend.",
        "Our agents cost under $0.002 per call.",
        "We run 4,000 GPUs for 900 customers.",
        "Benefits: a $10k charity match and 20 days off.",
        "Salary is competitive and depends on experience.",
        "The fund manages $3bn for pension schemes.",
    ],
)
def test_money_that_is_not_pay_is_not_read(text):
    assert parse_pay(text) == []


def test_a_header_repeated_in_the_body_is_one_range_and_two_ranges_stay_two():
    text = (
        "Acme | ML Engineer | Remote (US) | $150k-$190k\n\nWe build fraud models.\n\n"
        "Compensation: $150k-$190k base + equity.\n"
    )
    (r,) = parse_pay(text)
    assert r.basis == "base" and r.equity  # the repeat adds what the header left out
    restated = parse_pay("Salary range: 60000 - 75000 GBP yearly; GBP 60000.00 75000.00 YEAR")
    assert [(x.low, x.high) for x in restated] == [(60_000, 75_000)]
    two = parse_pay("Contract at $80-$120/hour, or full-time at $170k-$210k.")
    assert [(x.period, x.high) for x in two] == [("hour", 120), ("year", 210_000)]


def test_a_range_for_another_role_is_recognised():
    text = (
        "Machine Learning Engineer\n\nYou will train ranking models.\n\n"
        "We are also hiring a Senior Product Designer: $120k-$140k.\n"
    )
    (r,) = parse_pay(text)
    assert for_other_role(text, r, "ml_engineer", "Machine Learning Engineer")
    own = "Machine Learning Engineer\n\nYou will train ranking models.\n\nSalary: $180k-$220k.\n"
    (r,) = parse_pay(own)
    assert not for_other_role(own, r, "ml_engineer", "Machine Learning Engineer")


def test_seniority_and_region():
    assert seniority_of("Senior ML Engineer, Ranking") == "senior"
    assert seniority_of("Staff Research Engineer") == "staff"
    assert seniority_of("Member of Technical Staff") is None
    assert seniority_of("Machine Learning Intern (Summer)") == "intern"
    assert region_of("Hybrid, San Francisco office") == "San Francisco"
    assert region_of("Fully remote within the US") == "Remote (US)"
    assert region_of("Remote, anywhere in Latin America") == OUTSIDE_US
    assert region_of("Offices in London and Austin, TX") is None  # a US place too: not 'abroad'


def test_shipped_table_cites_a_source_and_measure_for_every_row():
    bands = load_bands()
    assert DEFAULT_BANDS.name == "pay_bands.csv" and len(bands) >= 10
    for b in bands:
        assert b.source.startswith("seeds/") and b.measures in ("base", "total", "advertised")
        assert b.region and b.year == "2026" and b.note
    infra = [b for b in bands if b.archetype == "ml_infra_engineer" and b.seniority == "senior"]
    assert (infra[0].low, infra[0].high) == (380_000, 550_000) and infra[0].region == "San Francisco"
    applied = [b for b in bands if b.archetype == "applied_ai_engineer" and b.seniority == "any"]
    assert applied[0].low == 138_000 and applied[0].high is None


def test_choose_band_never_guesses_a_currency_and_prefers_stated_level_region_and_basis():
    bands = load_bands()
    assert choose_band(bands, "ml_engineer", "GBP", "senior", None, None) == (None, False)
    band, exact = choose_band(bands, "ml_engineer", "USD", "senior", "base", "New York")
    assert exact and band.region == "New York" and band.measures == "base"
    band, exact = choose_band(bands, "ml_engineer", "USD", "senior", "total", None)
    assert band.measures == "total" and band.region == "San Francisco"
    band, exact = choose_band(bands, "ml_engineer", "USD", None, None, None)
    assert band.seniority == "any" and exact
    assert choose_band(bands, "ml_engineer", "USD", "intern", None, None)[0] is None
    assert choose_band(bands, "ml_engineer", "USD", None, None, OUTSIDE_US)[0] is None


def test_a_teams_own_table_is_validated_with_file_and_line():
    ok = parse_bands(
        "archetype,seniority,currency,period,low,high,measures,region,year,source,note\n"
        "ml_engineer,any,GBP,year,70000,95000,base,London,2026,our 2026 offers,what we pay\n"
    )
    assert ok[0].currency == "GBP" and ok[0].high == 95_000
    with pytest.raises(InputError, match="line 2: unknown archetype 'ml_eng'"):
        parse_bands("archetype,currency,low\nml_eng,USD,100\n", "team.csv")
    with pytest.raises(InputError, match="low and high must be numbers"):
        parse_bands("archetype,currency,low,high\nml_engineer,USD,lots,more\n")
    with pytest.raises(InputError, match="missing column"):
        parse_bands("role,amount\nx,1\n")
    with pytest.raises(InputError, match="no such file"):
        load_bands("/nonexistent/bands.csv")
