"""The lexical features: scikit-learn's TF-IDF reproduced without scikit-learn, stored safely."""

import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.data import load_segments
from classifier.errors import ModelError
from classifier.lexical import Lexicon, weighted_mean
from classifier.model import OUTCOME_NAMES, ArchetypeModel, LinearHead
from classifier.persistence import HEADS_FILE, MANIFEST_FILE, load_model, save_model, sha256_file
from classifier.taxonomy import SEGMENT_CLASSES


@pytest.fixture(scope="module")
def texts():
    return [s.text for s in load_segments()]


def test_transform_matches_sklearn(texts):
    lex = Lexicon.fit(texts[:1500], max_terms=4000, weight=1.0)
    ref = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=4000)
    ref.fit(texts[:1500])
    # Unseen texts too: out-of-vocabulary words must drop out before normalising, as in sklearn.
    ours, theirs = lex.transform(texts).toarray(), ref.transform(texts).toarray()
    assert ours.shape == theirs.shape == (len(texts), 4000)
    assert np.abs(ours - theirs).max() < 1e-9


def test_weight_scales_rows_and_unknown_text_is_zero():
    lex = Lexicon.fit(["pytorch training loops", "pytorch serving", "training loops at scale"], weight=3.0)
    rows = lex.transform(["PyTorch training loops!", "nothing known here", ""]).toarray()
    assert np.isclose(np.linalg.norm(rows[0]), 3.0)
    assert not rows[1].any() and not rows[2].any()


def test_weighted_mean_is_rescaled_and_ignores_zero_weights():
    lex = Lexicon.fit(["alpha beta", "alpha gamma", "beta gamma"], weight=2.0)
    rows = lex.transform(["alpha beta", "beta gamma"])
    only_first = weighted_mean(rows, np.array([1.0, 0.0]), 2.0)
    assert np.allclose(only_first, rows.toarray()[0])
    both = weighted_mean(rows, np.array([0.0, 0.0]), 2.0)  # no weight: a plain mean
    assert np.isclose(np.linalg.norm(both), 2.0)
    assert not weighted_mean(lex.transform([]), np.zeros(0), 2.0).any()


def test_arrays_round_trip(texts):
    lex = Lexicon.fit(texts[:500], max_terms=1000)
    back = Lexicon.from_arrays(lex.to_arrays())
    assert back.terms == lex.terms and back.weight == lex.weight
    assert np.allclose(back.transform(texts[:50]).toarray(), lex.transform(texts[:50]).toarray())


def _lexical_model(dim=8):
    rng = np.random.default_rng(0)
    lex = Lexicon.fit(["gpu cluster", "gpu kernels", "paper reviews", "paper drafts", "cluster ops"])
    n = dim + lex.size
    seg = LinearHead(rng.normal(size=(7, n)), rng.normal(size=7), tuple(SEGMENT_CLASSES))
    doc = LinearHead(rng.normal(size=(6, n + 6)), rng.normal(size=6), tuple(OUTCOME_NAMES))
    return ArchetypeModel(seg, doc, temperature=1.1, lexicon=lex)


def test_model_with_lexicon_round_trips_and_uses_words(tmp_path):
    model = _lexical_model()
    save_model(model, tmp_path / "m", encoder="test")
    loaded, _ = load_model(tmp_path / "m")
    assert loaded.lexicon is not None and loaded.lexicon.terms == model.lexicon.terms
    emb = np.random.default_rng(2).normal(size=(2, 8))
    texts = ["GPU cluster ops", "paper reviews"]
    a = model.segment_probs(emb, model.lexical(texts))
    assert np.allclose(a, loaded.segment_probs(emb, loaded.lexical(texts)))
    # The words matter: the same embeddings with other words read differently.
    assert not np.allclose(a, model.segment_probs(emb, model.lexical(["paper drafts", "gpu kernels"])))
    with pytest.raises(ValueError, match="lexical rows"):
        model.segment_probs(emb)


def test_damaged_lexicon_is_refused(tmp_path):
    save_model(_lexical_model(), tmp_path / "m", encoder="test")
    heads = tmp_path / "m" / HEADS_FILE
    with np.load(heads, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["lexicon_idf"] = arrays["lexicon_idf"][:-1]  # one idf short of the terms
    with open(heads, "wb") as fh:
        np.savez(fh, **arrays)
    manifest = json.loads((tmp_path / "m" / MANIFEST_FILE).read_text())
    manifest["heads_sha256"] = sha256_file(heads)
    (tmp_path / "m" / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="lexicon is damaged"):
        load_model(tmp_path / "m")


def test_sparse_rows_match_dense_algebra(texts):
    lex = Lexicon.fit(texts[:800], max_terms=3000)
    rows = lex.transform(texts[:40])
    dense = rows.toarray()
    assert np.allclose(dense, rows.to_scipy().toarray())
    w = np.random.default_rng(0).normal(size=(lex.size, 7))
    assert np.allclose(rows @ w, dense @ w)
    assert np.allclose(rows[5:12] @ w, dense[5:12] @ w)
    assert rows[7:7].shape == (0, lex.size) and (rows[7:7] @ w).shape == (0, 7)
    weights = np.linspace(0, 1, 40)
    assert np.allclose(rows.weighted_sum(weights), weights @ dense)


def test_document_logits_read_only_the_used_terms_and_equal_the_dense_product():
    model = _lexical_model()
    model.shares_weight = 2.5  # scaled shares read the same both ways
    rng = np.random.default_rng(3)
    cases = [
        (["GPU cluster ops", "paper reviews", "on-call rotation"], np.array([0.5, 0.0, 2.0])),
        (["GPU cluster ops", "paper reviews"], np.zeros(2)),  # no role weight: a plain mean
        (["zzz qqq", "unknown words"], np.ones(2)),  # no known term: the lexical block is zero
    ]
    for texts, weights in cases:
        emb = rng.normal(size=(len(texts), 8))
        rows = model.lexical(texts)
        probs = model.segment_probs(emb, rows)
        dense = model.doc_logits(model.document_features(emb, probs, weights, rows))
        assert np.allclose(model.document_logits(emb, probs, weights, rows), dense)
