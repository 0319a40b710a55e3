import numpy as np

from classifier.data import LabelledDocument
from classifier.evaluate import Predictions, ece, metrics, shuffled_jds
from classifier.segment import segment_text

OUTCOMES6 = 6


def _doc(i, label, kind="jd", mixed_with=None, text=None):
    return LabelledDocument(
        id=f"d{i}",
        kind=kind,
        title=None,
        text=text or f"Line one of {i}.\nLine two of {i}.\nLine three of {i}.",
        label=label,
        mixed_with=mixed_with,
        second_share=0.3 if mixed_with else None,
        title_mismatch=False,
        file="x.jsonl",
        meta={},
    )


def test_metrics_count_the_mixed_flag_only_on_jds():
    docs = [
        _doc(0, "ml_engineer", mixed_with="research_scientist"),
        _doc(1, "ml_engineer"),
        _doc(2, "research_scientist"),
        _doc(3, "research_scientist", kind="resume"),
        _doc(4, "out_of_scope"),
    ]
    probs = np.full((5, OUTCOMES6), 0.02)
    probs[:, 0] = 0.9
    pred = Predictions(
        labels=["ml_engineer", "ml_engineer", "research_engineer", "research_scientist", "out_of_scope"],
        probs=probs,
        mixed=[True, True, False, True, False],  # the resume's flag is not counted
        title_mismatch=[False] * 5,
    )
    m = metrics(docs, pred)
    assert m["accuracy"] == 0.8
    assert (m["mixed"]["tp"], m["mixed"]["fp"], m["mixed"]["fn"]) == (1, 1, 0)
    assert m["mixed"]["single_archetype_flag_rate"] == 0.5  # 1 of the 2 single-archetype JDs
    assert m["out_of_scope"]["precision"] == m["out_of_scope"]["recall"] == 1.0


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not():
    conf = np.array([0.75] * 4)
    assert ece(conf, np.array([1, 1, 1, 0], bool)) == 0.0
    assert np.isclose(ece(np.array([0.95] * 4), np.array([0, 0, 0, 1], bool)), 0.7)


def test_shuffled_jds_keep_each_jds_sentences_and_skip_the_rest():
    text = "Build RAG features.\nRun our GPU cluster.\nWrite prompts and evals.\nPlan GPU capacity."
    docs = [
        _doc(0, "applied_ai_engineer", mixed_with="ml_infra_engineer", text=text),
        _doc(1, "ml_engineer", kind="resume"),
        _doc(2, "out_of_scope"),
    ]
    a, b = shuffled_jds(docs, 0), shuffled_jds(docs, 0)
    assert [d.id for d in a] == ["d0"] and a[0].text == b[0].text  # deterministic per seed
    assert a[0].mixed and a[0].label == "applied_ai_engineer"
    original = sorted(s.text for s in segment_text(text))
    assert sorted(s.text for s in segment_text(a[0].text)) == original
    orders = {shuffled_jds(docs, seed)[0].text for seed in range(6)}
    assert len(orders) > 1
