"""The lint rules through the real model: each has a case where it must fire and one where it must not."""

import json

import pytest

from classifier.errors import InputError
from classifier.lint import RULES, lint, to_sarif
from classifier.lintconfig import LintConfig, find_config, inline_directives, load_config

from .texts import ANALYST_JD, APPLIED_JD, BOILERPLATE, EVEN_BLEND_JD, MIXED_JD, ML_JD, NURSE_JD

ML_BODY = ML_JD.split("\n", 1)[1]  # the fraud ML posting without its title line
RESEARCH_LINE = "* Publish first-author papers at NeurIPS and ICML on new learning theory.\n"


def rules(report):
    return [f.rule for f in report.findings]


def only(report, rule):
    found = [f for f in report.findings if f.rule == rule]
    assert len(found) == 1, rules(report)
    return found[0]


def test_every_rule_has_an_id_a_severity_and_a_summary():
    assert set(RULES) >= {
        "mixed-archetypes",
        "title-mismatch",
        "out-of-scope",
        "no-role-content",
        "low-confidence",
        "pay-below-market",
        "pay-above-market",
        "adjacent-skill",
    }
    assert {r.severity for r in RULES.values()} == {"error", "warning", "info"}


def test_a_clean_jd_passes_with_no_findings(clf):
    report = lint(clf, ML_JD)
    assert report.passed and report.findings == [] and report.counts == {"error": 0, "warning": 0, "info": 0}
    assert report.title_mismatch.source == "first line" and not report.title_mismatch.mismatch


def test_mixed_archetypes_is_an_error_located_on_the_lines_to_cut(clf):
    report = lint(clf, MIXED_JD)
    f = only(report, "mixed-archetypes")
    assert f.severity == "error" and not report.passed
    assert f.data["primary"] == "ml_engineer" and f.data["secondary"] == "research_scientist"
    assert [(loc.start, loc.end) for loc in f.locations] == [(s.start, s.end) for s in report.suggestions]
    for loc in f.locations:
        line = MIXED_JD.splitlines()[loc.line - 1]
        assert (
            MIXED_JD[loc.start : loc.end] in line
            and line.index(MIXED_JD[loc.start : loc.end]) + 1 == loc.column
        )
    declared = lint(clf, MIXED_JD, allow_mix=("ml_engineer", "research_scientist"))
    assert "mixed-archetypes" not in rules(declared) and "adjacent-skill" not in rules(declared)


def test_title_mismatch_from_a_given_title_and_from_the_first_line(clf):
    report = lint(clf, APPLIED_JD, title="Research Scientist")
    f = only(report, "title-mismatch")
    assert f.severity == "error" and f.locations == [] and f.data["body_says"] == "applied_ai_engineer"
    report = lint(clf, "Research Scientist, Language\n\n" + APPLIED_JD)
    f = only(report, "title-mismatch")
    assert f.locations[0].line == 1 and f.data["title_source"] == "first line"
    assert not report.passed


@pytest.mark.parametrize("title", ["Member of Technical Staff", "Software Engineer II"])
def test_a_title_that_names_no_archetype_is_info_at_most(clf, title):
    report = lint(clf, APPLIED_JD, title=title)
    assert "title-mismatch" not in rules(report)
    assert only(report, "vague-title").severity == "info" and report.passed


@pytest.mark.parametrize("text", [NURSE_JD, ANALYST_JD])
def test_out_of_scope(clf, text):
    report = lint(clf, text)
    assert only(report, "out-of-scope").severity == "error" and not report.passed
    assert report.out_of_scope and not [f for f in report.findings if f.rule.startswith("pay-")]


@pytest.mark.parametrize("text", ["Senior Machine Learning Engineer", BOILERPLATE])
def test_no_role_content_is_the_one_error_for_a_title_or_boilerplate(clf, text):
    report = lint(clf, text)
    assert rules(report) == ["no-role-content"] and not report.passed
    assert report.findings[0].severity == "error" and not report.out_of_scope


def test_low_confidence_gives_the_reasons(clf):
    report = lint(clf, EVEN_BLEND_JD)
    f = only(report, "low-confidence")
    assert f.severity == "warning" and any("no clear lead" in r for r in f.data["reasons"])
    assert "no clear lead" in f.message
    assert "low-confidence" not in rules(lint(clf, ML_JD))


def test_adjacent_skill_is_one_sentence_of_another_archetype_not_a_mix(clf):
    text = ML_JD.replace("You bring", RESEARCH_LINE + "You bring")
    report = lint(clf, text)
    assert not report.mixed
    f = only(report, "adjacent-skill")
    assert f.severity == "info" and f.data == {"archetype": "research_scientist", "sentences": 1}
    assert "NeurIPS" in text[f.locations[0].start : f.locations[0].end] and report.passed


# -- pay -------------------------------------------------------------------------------------------
def with_pay(line):
    return ML_JD + "\n" + line + "\n"


def test_pay_below_market_names_the_range_read_and_the_band_compared(clf):
    report = lint(clf, with_pay("Salary: $120,000 - $140,000 base, plus bonus."))
    f = only(report, "pay-below-market")
    assert f.severity == "warning" and report.passed  # a warning does not fail by default
    assert f.data["read"]["low"] == 120_000 and f.data["read"]["basis"] == "base"
    band = f.data["band"]
    assert band["archetype"] == "ml_engineer" and band["seniority"] == "senior" and band["measures"] == "base"
    assert "$120,000-$140,000 USD per year" in f.message and "base salary" in f.message
    assert band["source"] in f.message
    assert not lint(
        clf, with_pay("Salary: $120,000 - $140,000 base."), config=LintConfig(fail_on="warning")
    ).passed


def test_pay_above_market_is_info(clf):
    report = lint(clf, with_pay("Salary: $300k-$340k base + equity."))
    f = only(report, "pay-above-market")
    assert f.severity == "info" and f.data["read"]["equity"]


def test_pay_in_market_no_pay_and_hourly(clf):
    assert not [r for r in rules(lint(clf, with_pay("Salary: $215k-$250k base."))) if r.startswith("pay-")]
    report = lint(clf, ML_JD)
    assert report.pay["stated"] == [] and report.pay["note"] == "no pay stated"
    report = lint(clf, with_pay("Contract rate: $40-$55/hour."))
    f = only(report, "pay-below-market")
    assert "per hour" in f.message and "annualised at 2,080 hours" in f.message


def test_pay_in_a_currency_with_no_band_gives_no_finding(clf):
    report = lint(clf, with_pay("Salary: £45,000 - £55,000."))
    assert not [r for r in rules(report) if r.startswith("pay-")]
    assert (
        report.pay["stated"][0]["currency"] == "GBP"
        and "exchange rates are never guessed" in report.pay["note"]
    )


def test_ranges_in_two_currencies_compare_in_the_one_with_a_band(clf):
    report = lint(clf, with_pay("Salary: £50k-£60k in London, or $120k-$140k base in New York."))
    f = only(report, "pay-below-market")
    assert f.data["read"]["currency"] == "USD" and f.data["band"]["region"] == "New York"
    assert len(report.pay["stated"]) == 2


def test_no_band_for_the_stated_level_says_so(clf):
    report = lint(clf, "Machine Learning Intern\n\n" + ML_BODY + "\nPay: $45-$55/hour.\n")
    assert not [r for r in rules(report) if r.startswith("pay-")]
    assert "at intern level" in report.pay["note"] and "exchange" not in report.pay["note"]


def test_two_ranges_compare_the_most_generous_and_another_roles_range_is_ignored(clf):
    report = lint(clf, with_pay("Contract at $60-$80/hour, or full-time at $215k-$250k base."))
    assert not [r for r in rules(report) if r.startswith("pay-")]
    assert len(report.pay["stated"]) == 2
    report = lint(clf, with_pay("We are also hiring a Senior Product Designer at $90k-$110k."))
    assert not [r for r in rules(report) if r.startswith("pay-")]
    assert (
        report.pay["ignored"][0]["high"] == 110_000
        and report.pay["note"] == "the pay stated is for another role"
    )


def test_a_teams_own_bands_replace_the_shipped_table(clf, tmp_path, monkeypatch):
    table = tmp_path / "bands.csv"
    table.write_text(
        "archetype,seniority,currency,period,low,high,measures,region,year,source,note\n"
        "ml_engineer,any,GBP,year,70000,90000,base,London,2026,our offers,what we pay\n"
    )
    text = with_pay("Salary: £45,000 - £55,000.")
    report = lint(clf, text, config=LintConfig(pay_bands=str(table)))
    assert only(report, "pay-below-market").data["band"]["source"] == "our offers"
    monkeypatch.setenv("ARCHETYPE_PAY_BANDS", str(table))
    assert "pay-below-market" in rules(lint(clf, text))


# -- configuration and inline directives -------------------------------------------------------------
def test_rules_re_levelled_or_off_and_fail_on(clf):
    config = LintConfig(rules={"title-mismatch": "warning"})
    report = lint(clf, APPLIED_JD, title="Research Scientist", config=config)
    assert only(report, "title-mismatch").severity == "warning" and report.passed
    report = lint(
        clf, APPLIED_JD, title="Research Scientist", config=LintConfig(rules={"title-mismatch": "off"})
    )
    assert report.findings == [] and report.disabled == ["title-mismatch"]
    strict = LintConfig(fail_on="info")
    assert not lint(clf, APPLIED_JD, title="Member of Technical Staff", config=strict).passed


def test_inline_comment_disables_a_rule_for_that_file(clf):
    text = "<!-- archetype: disable=title-mismatch, adjacent-skill -->\nResearch Scientist\n\n" + APPLIED_JD
    rules_off, blanked = inline_directives(text)
    assert rules_off == {"title-mismatch", "adjacent-skill"} and len(blanked) == len(text)
    assert "archetype" not in blanked.splitlines()[0]
    report = lint(clf, text)
    assert "title-mismatch" not in rules(report) and report.passed
    with pytest.raises(InputError, match="unknown rule 'title-mismatchh'"):
        lint(clf, "# archetype: disable=title-mismatchh\n" + APPLIED_JD)


def test_config_is_found_from_the_files_folder_upwards(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.archetype]\nfail_on = "warning"\nallow_mix = ["ml_engineer", "research_scientist"]\n'
        'pay_bands = "bands.csv"\ndisable = ["adjacent-skill"]\n[tool.archetype.rules]\n'
        '"title-mismatch" = "info"\n'
    )
    deep = tmp_path / "jobs" / "2026"
    deep.mkdir(parents=True)
    cfg = find_config(deep / "jd.txt")
    assert cfg.fail_on == "warning" and cfg.allow_mix == ("ml_engineer", "research_scientist")
    assert cfg.rules == {"adjacent-skill": "off", "title-mismatch": "info"}
    assert cfg.pay_bands == str(tmp_path / "bands.csv") and "pyproject.toml" in cfg.source
    (tmp_path / "jobs" / "archetype.toml").write_text('fail_on = "info"\n')
    assert find_config(deep / "jd.txt").fail_on == "info"  # the nearer file wins
    (tmp_path / "jobs" / "archetype.toml").write_text('fail_on = "sometimes"\n')
    with pytest.raises(InputError, match="not a severity"):
        find_config(deep)
    (tmp_path / "jobs" / "archetype.toml").write_text("[rules]\nno-such-rule = 'off'\n")
    with pytest.raises(InputError, match="unknown rule 'no-such-rule'"):
        load_config(tmp_path / "jobs" / "archetype.toml")
    (tmp_path / "jobs" / "archetype.toml").write_text("colour = 'blue'\n")
    with pytest.raises(InputError, match="unknown key"):
        find_config(deep)


def test_sarif_2_1_0_puts_findings_on_the_files_lines(clf):
    report = lint(clf, MIXED_JD)
    sarif = to_sarif([("jobs/ml.txt", report)])
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run = sarif["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == list(RULES)
    result = next(r for r in run["results"] if r["ruleId"] == "mixed-archetypes")
    assert result["level"] == "error" and ids[result["ruleIndex"]] == "mixed-archetypes"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "jobs/ml.txt"
    first = report.suggestions[0]
    assert loc["region"]["startLine"] == MIXED_JD[: first.start].count("\n") + 1
    json.dumps(sarif)  # serialisable
