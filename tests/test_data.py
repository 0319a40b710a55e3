"""The training data is complete, well-formed, split by document, and does not leak."""

import re
from collections import Counter

import pytest

from classifier.data import load_documents, load_segments, load_split, split_documents
from classifier.segment import segment_text
from classifier.taxonomy import ARCHETYPES


@pytest.fixture(scope="module")
def segments():
    return load_segments()


@pytest.fixture(scope="module")
def documents():
    return load_documents()


def test_segment_counts(segments):
    counts = Counter(s.label for s in segments)
    for archetype in ARCHETYPES:
        assert counts[archetype.value] >= 400, archetype
        sources = Counter(s.source for s in segments if s.label == archetype.value)
        assert sources["jd"] >= 100 and sources["resume"] >= 100, (archetype, sources)
    assert counts["neutral"] >= 300
    assert counts["out_of_scope"] >= 400


def test_document_counts(documents):
    single = Counter((d.label, d.kind) for d in documents if not d.mixed)
    for archetype in ARCHETYPES:
        assert single[(archetype.value, "jd")] >= 80, archetype
        assert single[(archetype.value, "resume")] >= 40, archetype
    assert sum(v for (label, _), v in single.items() if label == "out_of_scope") >= 80
    mixed = [d for d in documents if d.mixed]
    assert len(mixed) >= 120
    assert all(d.second_share is not None and 0.0 < d.second_share <= 0.6 for d in mixed)
    assert sum(d.title_mismatch for d in documents) >= 30


def test_every_document_has_a_fixed_split(documents):
    split = load_split()
    parts = split_documents(documents, split)  # raises if any document is unassigned
    for name in ("train", "val", "test"):
        labels = Counter(d.label for d in parts[name])
        assert all(labels[a.value] > 0 for a in ARCHETYPES), (name, labels)
        assert any(d.mixed for d in parts[name])


def _norm(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_no_test_sentence_appears_in_training_data(segments, documents):
    split = load_split()
    train = {_norm(s.text) for s in segments}
    for doc in documents:
        if split[doc.id] == "train":
            train.update(_norm(s.text) for s in segment_text(doc.text))
    leaks = []
    held_out = [d for d in documents if split[d.id] == "test"] + load_documents(folder="challenge")
    for doc in held_out:
        for seg in segment_text(doc.text):
            key = _norm(seg.text)
            if len(key.split()) >= 6 and key in train:
                leaks.append((doc.id, seg.text))
    assert not leaks, f"{len(leaks)} held-out sentences also in training data, e.g. {leaks[:5]}"


def test_challenge_set_is_present_and_never_in_the_split():
    challenge = load_documents(folder="challenge")
    assert len(challenge) >= 100
    assert not {d.id for d in challenge} & set(load_split())
