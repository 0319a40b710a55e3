import re

import pytest

from classifier.data import load_documents
from classifier.errors import InvalidKindError
from classifier.kind import _JD_CUES, _RESUME_CUES, Kind, cue_counts, detect_kind, parse_kind

JD = """Senior ML Engineer
You will own our ranking models. We are a small team.
Requirements: 4+ years of Python. Apply with your CV."""

RESUME = """Jane Park - ML Engineer
Experience
Acme Bank, Jan 2020 - Present
- Built a fraud model in LightGBM that cut losses 12%
- Led migration of training jobs to Airflow
Education
MSc Computer Science, 2019"""


def test_detects_jd_and_resume():
    assert detect_kind(JD) is Kind.JD
    assert detect_kind(RESUME) is Kind.RESUME


def test_parse_kind():
    assert parse_kind("RESUME") is Kind.RESUME
    assert parse_kind(None) is Kind.AUTO
    with pytest.raises(InvalidKindError, match="unknown kind 'cv'"):
        parse_kind("cv")


def test_lowercase_i_e_is_not_first_person():
    jd = "You will own ranking models, i.e. features, training and serving. We offer equity. Apply now."
    assert detect_kind(jd) is Kind.JD


def _one_scan_per_cue(text: str) -> tuple[int, int]:
    """The plain definition the few combined scans in ``cue_counts`` must reproduce."""
    sample = text[:20000]
    flags = re.IGNORECASE | re.MULTILINE
    jd = sum(len(re.findall(p, sample, flags)) for p in _JD_CUES)
    # The e-mail cue as a plain pattern: the shipped one matches only the "@" so that its domain
    # stays free for the github/linkedin cues in the combined scan; the counts must not change.
    cues = [r"@[a-z0-9-]+\.[a-z]{2,}" if p.startswith("@") else p for p in _RESUME_CUES]
    resume = sum(len(re.findall(p, sample, flags)) for p in cues)
    return jd, resume + len(re.findall(r"\bI\b|\b[Mm]y\b", sample))


def test_combined_scans_count_every_cue_as_separate_scans_would():
    tricky = [
        JD,
        RESUME,
        "We offer equity; we are hiring. We're remote. Nice to have: RAG. The role: you'll join us.",
        "M.Sc. Computer Science, 2018 – 2020\nPhD, May 2021 - present\nBSc 2015",
        "EXPERIENCE\n\n  - Shipped a model. Built a tool.\nSkills:\njane@example.com github.com/jane",
        "Jan 2019 – 2021 at Acme; Feb. 2020 - now; linkedin.com/in/jane; 5+ years; Equal Opportunity",
        "https://jane@github.com/jane and jane@linkedin.com/in/jane",  # an e-mail's domain is a cue too
        "JOİN us: ſalary and WE OFFER equity",  # case folding beyond ASCII, as IGNORECASE does it
    ]
    docs = tricky + [d.text for d in load_documents()] + [d.text for d in load_documents(folder="challenge")]
    for text in docs:
        assert cue_counts(text) == _one_scan_per_cue(text), text[:80]
