"""Behaviour of the trained classifier through the public API, with the real embedding model."""

import numpy as np
import pytest

from classifier import Document, InputError
from classifier.errors import EmptyTextError, InvalidKindError
from classifier.segment import clean

from .texts import ANALYST_JD, APPLIED_JD, BOILERPLATE, INFRA_JD, MIXED_JD, ML_JD, NURSE_JD, RS_RESUME


def test_result_fields_are_complete_and_consistent(clf):
    r = clf.classify(ML_JD, title="Senior Machine Learning Engineer")
    assert set(r.probabilities) == {
        "research_scientist",
        "research_engineer",
        "ml_engineer",
        "ml_infra_engineer",
        "applied_ai_engineer",
        "out_of_scope",
    }
    assert np.isclose(sum(r.probabilities.values()), 1.0, atol=1e-3)
    assert r.confidence == max(r.probabilities.values())
    assert r.archetype == max(r.probabilities, key=r.probabilities.get)
    assert np.isclose(sum(r.shares.values()), 1.0, atol=1e-3)
    assert r.model_version.startswith("archetype-") and r.kind == "jd"
    for label, items in r.evidence.items():
        for e in items:
            assert clean(ML_JD[e.start : e.end]) == e.text and e.label == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ML_JD, "ml_engineer"),
        (INFRA_JD, "ml_infra_engineer"),
        (APPLIED_JD, "applied_ai_engineer"),
        (RS_RESUME, "research_scientist"),
        (NURSE_JD, "out_of_scope"),
        (ANALYST_JD, "out_of_scope"),
    ],
)
def test_verdicts_on_clear_documents(clf, text, expected):
    r = clf.classify(text)
    assert r.archetype == expected, r.probabilities
    assert not r.mixed


def test_mixed_jd_is_flagged_with_evidence_for_both(clf):
    r = clf.classify(MIXED_JD, title="Machine Learning Engineer")
    assert r.archetype == "ml_engineer"
    assert r.mixed and r.mixed_with == "research_scientist"
    assert r.evidence["research_scientist"] and r.evidence["ml_engineer"]
    assert any("NeurIPS" in e.text for e in r.evidence["research_scientist"])


def test_a_passing_mention_is_not_a_mix_but_a_run_of_such_duties_is(clf):
    # One research line among the fraud model's duties: a mention. Three in a run: a second job.
    anchor = "* Train, tune and validate gradient-boosted and neural models, and explain them to investigators.\n"
    assert anchor in ML_JD
    mention = "* Read recent papers on graph-based fraud detection and try the promising ideas on our data.\n"
    run = (
        "* Set a long-term research agenda on learning from adversarial behaviour.\n"
        "* Develop novel algorithms for fraud detection under distribution shift and prove their guarantees.\n"
        "* Publish the results as first author at NeurIPS, ICML or KDD.\n"
    )
    base = clf.classify(ML_JD)
    once = clf.classify(ML_JD.replace(anchor, anchor + mention))
    block = clf.classify(ML_JD.replace(anchor, anchor + run))
    assert base.archetype == once.archetype == block.archetype == "ml_engineer"
    assert not base.mixed and not once.mixed
    assert block.mixed and block.mixed_with == "research_scientist", block.shares
    assert block.shares["research_scientist"] > 0.2

    # The same three research lines, each after a different duty: interleaved, still a mix.
    bullets = [line for line in ML_JD.splitlines() if line.startswith("* ")]
    research = run.splitlines()
    woven = ML_JD
    for duty, line in zip(bullets[::2], research, strict=True):
        woven = woven.replace(duty + "\n", duty + "\n" + line + "\n")
    interleaved = clf.classify(woven)
    assert interleaved.archetype == "ml_engineer"
    assert interleaved.mixed and interleaved.mixed_with == "research_scientist", interleaved.shares
    flagged = [e.text for e in interleaved.evidence["research_scientist"]]
    assert len(flagged) == 3 and all(line[2:] in flagged for line in research)


def test_declared_blend_is_not_flagged_but_others_still_are(clf):
    allowed = clf.classify(MIXED_JD, allow_mix=["ml_engineer", "research_scientist"])
    assert not allowed.mixed
    other = clf.classify(MIXED_JD, allow_mix=["ml_engineer", "ml_infra_engineer"])
    assert other.mixed
    with pytest.raises(InvalidKindError, match="unknown archetype 'wizard'"):
        clf.classify(MIXED_JD, allow_mix=["wizard"])


def test_neutral_content_does_not_sway_the_verdict(clf):
    plain = clf.classify(INFRA_JD)
    padded = clf.classify(BOILERPLATE + "\nThe role\n" + INFRA_JD + "\n" + BOILERPLATE)
    assert padded.archetype == plain.archetype == "ml_infra_engineer"
    assert abs(padded.shares["ml_infra_engineer"] - plain.shares["ml_infra_engineer"]) < 0.1
    assert padded.confidence > 0.5


def test_long_documents_are_read_whole(clf):
    # The decisive content sits after ~2,900 words of neutral text, far past the encoder's limit.
    long_text = BOILERPLATE * 20 + "\nThe role\n" + APPLIED_JD
    assert len(long_text.split()) > 2500
    r = clf.classify(long_text)
    assert r.archetype == "applied_ai_engineer"
    assert all(e.start > len(BOILERPLATE) * 20 for e in r.evidence["applied_ai_engineer"])


def test_only_neutral_content_needs_review(clf):
    r = clf.classify(BOILERPLATE)
    assert r.needs_review and r.review_reasons


def test_resume_kind_is_detected(clf):
    assert clf.classify(RS_RESUME).kind == "resume"
    assert clf.classify(RS_RESUME, kind="jd").kind == "jd"


def test_title_feeds_only_the_mismatch_flag(clf):
    a = clf.classify(INFRA_JD, title="Research Engineer")
    b = clf.classify(INFRA_JD, title="ML Platform Engineer")
    c = clf.classify(INFRA_JD)
    assert a.title_mismatch and not b.title_mismatch and not c.title_mismatch
    assert a.probabilities == b.probabilities == c.probabilities  # the verdict comes from the body


def test_batch_keeps_order_and_reports_bad_documents_in_place(clf):
    docs = [Document(ML_JD, id="a"), Document("   ", id="b"), Document(INFRA_JD, id="c")]
    out = clf.classify_batch(docs)
    assert out[0].archetype == "ml_engineer"
    assert isinstance(out[1], EmptyTextError)
    assert out[2].archetype == "ml_infra_engineer"
    with pytest.raises(InputError):
        clf.classify_many(docs)


def test_one_clear_sentence_does_not_need_review(clf):
    r = clf.classify("Train ranking models and monitor drift in production.")
    assert r.archetype == "ml_engineer" and not r.needs_review, r.review_reasons


def test_a_result_does_not_depend_on_the_rest_of_its_batch(clf):
    alone = clf.classify(MIXED_JD).to_dict()
    for batch in ([MIXED_JD, ML_JD], [INFRA_JD, RS_RESUME, MIXED_JD, APPLIED_JD, NURSE_JD]):
        results = clf.classify_many([Document(t) for t in batch])
        assert results[batch.index(MIXED_JD)].to_dict() == alone
