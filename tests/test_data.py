"""The training data is complete, well-formed, split by document, and does not leak."""

import json
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


def _boilerplate() -> set[str]:
    """Sentences of round 7's label-free boilerplate blocks, which assemble.py shares across
    documents by design (benefits, equal-opportunity text...): not a leak."""
    from pathlib import Path

    from classifier.data import DEFAULT_DATA_DIR

    out = set()
    for path in Path(DEFAULT_DATA_DIR, "drafts").glob("*/boilerplate.jsonl"):
        for line in path.read_text().splitlines():
            if line.strip():
                out.update(_norm(s.text) for s in segment_text(json.loads(line)["text"]))
    return out


def test_no_test_document_is_copied_into_training_data(segments, documents):
    """A held-out document must not reappear in training data. Single stock lines are phrasing,
    not a copied document: round 7's boilerplate blocks (shared by design), lines three or more
    documents share, and at most two further shared lines per document."""
    split = load_split()
    stock = _boilerplate()
    seen_in = Counter(k for doc in documents for k in {_norm(s.text) for s in segment_text(doc.text)})
    stock.update(k for k, n in seen_in.items() if n >= 3)
    train = {_norm(s.text) for s in segments}
    for doc in documents:
        if split[doc.id] == "train":
            train.update(_norm(s.text) for s in segment_text(doc.text))
    copied = []
    held_out = [d for d in documents if split[d.id] == "test"] + load_documents(folder="challenge")
    for doc in held_out:
        shared = {
            key
            for seg in segment_text(doc.text)
            if len((key := _norm(seg.text)).split()) >= 6 and key in train and key not in stock
        }
        if len(shared) > 2:
            copied.append((doc.id, sorted(shared)[:3]))
    assert not copied, f"{len(copied)} held-out documents share 3+ sentences with training data: {copied[:3]}"


def test_challenge_set_is_present_and_never_in_the_split():
    challenge = load_documents(folder="challenge")
    assert len(challenge) >= 100
    assert not {d.id for d in challenge} & set(load_split())


# -- round 7: documents that look like real ones ------------------------------------------------
def _realistic(documents):
    return [d for d in documents if d.meta.get("round") == "7-realistic"]


def test_realistic_round_counts(documents):
    docs = _realistic(documents)
    postings = Counter(d.label for d in docs if d.kind == "jd" and not d.mixed)
    resumes = Counter(d.label for d in docs if d.kind == "resume")
    for label in [a.value for a in ARCHETYPES] + ["out_of_scope"]:
        assert postings[label] >= 150, (label, postings[label])
        assert resumes[label] >= 80, (label, resumes[label])
    mixed = [d for d in docs if d.kind == "jd" and d.mixed]
    assert len(mixed) >= 150
    assert len({(d.label, d.mixed_with) for d in mixed}) == 20  # every ordered pair of archetypes


def test_realistic_round_style_does_not_follow_the_label(documents):
    docs = _realistic(documents)
    writers = Counter(d.meta["style"] for d in docs)
    assert len(writers) >= 8
    for writer in writers:
        labels = {d.label for d in docs if d.meta["style"] == writer}
        assert len(labels) == 6, (writer, labels)  # every writer writes every label
    # Employers come from one pool drawn without regard to label: a name that occurs three or more
    # times almost never sits on a single label.
    by_employer = {}
    for d in docs:
        if d.kind == "jd":
            by_employer.setdefault(d.meta["employer"], set()).add(d.label)
    counts = Counter(d.meta["employer"] for d in docs if d.kind == "jd")
    repeated = [labels for name, labels in by_employer.items() if counts[name] >= 3]
    single = sum(len(labels) == 1 for labels in repeated)
    assert single / len(repeated) < 0.2


def test_in_context_sentences_come_from_training_documents(segments):
    split = load_split()
    in_context = [s for s in segments if s.doc]
    assert len(in_context) >= 5000
    assert {split[s.doc] for s in in_context} == {"train"}
    assert Counter(s.label for s in in_context)["neutral"] > len(in_context) / 3
