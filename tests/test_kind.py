import pytest

from classifier.errors import InvalidKindError
from classifier.kind import Kind, detect_kind, parse_kind

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
