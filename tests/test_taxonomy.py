import pytest

from classifier.taxonomy import ARCHETYPES, TAXONOMY, Label, title_labels, title_mismatch

A, S, E, M, I, O = (
    Label.APPLIED_AI_ENGINEER,
    Label.RESEARCH_SCIENTIST,
    Label.RESEARCH_ENGINEER,
    Label.ML_ENGINEER,
    Label.ML_INFRA_ENGINEER,
    Label.OUT_OF_SCOPE,
)


def test_five_archetypes_and_descriptions():
    assert len(ARCHETYPES) == 5 and O not in ARCHETYPES
    assert all(TAXONOMY[label].summary for label in Label)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Research Scientist, Alignment", {S}),
        ("Senior Research Engineer", {E}),
        ("Research Engineer, Infrastructure", {E, I}),
        ("Machine Learning Engineer II", {M}),
        ("Software Engineer, Machine Learning", {M}),
        ("ML Platform Engineer", {I}),
        ("Staff Inference Engineer", {I}),
        ("AI Engineer", {A}),
        ("Forward Deployed Engineer", {A}),
        ("Applied Scientist", {S, M}),
        ("Data Scientist", set()),
        ("Senior Data Scientist, Growth", set()),
        ("Machine Learning Scientist", {S, M}),
        ("Staff Scientist", {S}),
        ("Member of Technical Staff", set()),
        ("Software Engineer", set()),
        ("Senior Frontend Engineer", {O}),
        ("Technical Recruiter, AI", {O}),
        ("AI Product Manager", {O}),
        (None, set()),
    ],
)
def test_title_labels(title, expected):
    assert set(title_labels(title)) == expected


def test_title_mismatch():
    assert title_mismatch("Research Engineer", I)
    assert not title_mismatch("Research Engineer, Infrastructure", I)
    assert not title_mismatch("Member of Technical Staff", A)
    assert title_mismatch("AI Engineer", O)
