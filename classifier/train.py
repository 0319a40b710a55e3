"""Train the two heads on the training split, calibrate and tune the mix rule on validation.

1. The segment head learns from the labelled segments (``training_data/segments``), then again with
   the segments of the training documents added under pseudo-labels: a segment of a single-archetype
   document takes the document's label unless the first head reads it as neutral.
2. The document head learns from training documents whose features were computed by segment heads
   that never saw them (5-fold cross-fitting), so it does not learn from over-confident shares.
3. A temperature is fitted on validation documents (calibration), and the mix rule's threshold,
   minimum segments and sharpening are chosen on validation JDs to maximise the mixed flag's F1.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from .data import (
    DEFAULT_DATA_DIR,
    LabelledDocument,
    data_hash,
    load_documents,
    load_segments,
    load_split,
    split_documents,
)
from .encoder import CachedEncoder, Encoder
from .mixing import MixRule, is_mixed
from .model import (
    NEUTRAL_COL,
    OUTCOME_NAMES,
    ArchetypeModel,
    ReviewRule,
    fit_temperature,
)
from .segment import clean, segment_text
from .taxonomy import NEUTRAL, OUTCOMES, SEGMENT_CLASSES, Label

SEGMENT_C = 4.0
DOC_C = 2.0
PSEUDO_WEIGHT = 0.5
FOLDS = 5


@dataclass
class EncodedDocument:
    doc: LabelledDocument
    embeddings: np.ndarray
    n_words: np.ndarray
    headings: np.ndarray


def encode_documents(docs: list[LabelledDocument], encoder: Encoder) -> list[EncodedDocument]:
    segmented = [segment_text(d.text) for d in docs]
    texts = [s.text for segs in segmented for s in segs]
    vectors = encoder.encode(texts)
    out, pos = [], 0
    for doc, segs in zip(docs, segmented, strict=True):
        n = len(segs)
        out.append(
            EncodedDocument(
                doc,
                vectors[pos : pos + n],
                np.array([len(s.text.split()) for s in segs], dtype=float),
                np.array([s.heading for s in segs], dtype=bool),
            )
        )
        pos += n
    return out


def _segment_head(x: np.ndarray, y: list[str], w: np.ndarray) -> LogisticRegression:
    head = LogisticRegression(C=SEGMENT_C, max_iter=3000, class_weight="balanced")
    return head.fit(x, np.array(y), sample_weight=w)


def _pseudo(docs: list[EncodedDocument], first: LogisticRegression) -> tuple[np.ndarray, list[str]]:
    """Segments of single-archetype documents, labelled with their document's label or neutral."""
    xs, ys = [], []
    neutral_idx = list(first.classes_).index(NEUTRAL)
    for ed in docs:
        if ed.doc.mixed or len(ed.embeddings) == 0:
            continue
        p_neutral = first.predict_proba(ed.embeddings)[:, neutral_idx]
        for vec, pn, heading in zip(ed.embeddings, p_neutral, ed.headings, strict=True):
            xs.append(vec)
            ys.append(NEUTRAL if heading or pn > 0.5 else ed.doc.label)
    dim = docs[0].embeddings.shape[1] if docs else 0
    return (np.stack(xs) if xs else np.zeros((0, dim))), ys


def _fit_segments(
    seg_x: np.ndarray, seg_y: list[str], docs: list[EncodedDocument], first: LogisticRegression
) -> LogisticRegression:
    px, py = _pseudo(docs, first)
    x = np.vstack([seg_x, px]) if len(px) else seg_x
    w = np.concatenate([np.ones(len(seg_y)), np.full(len(py), PSEUDO_WEIGHT)])
    return _segment_head(x, seg_y + py, w)


def _features(model: ArchetypeModel, ed: EncodedDocument) -> np.ndarray:
    probs = model.segment_probs(ed.embeddings)
    features, _, _ = model.document_features(ed.embeddings, probs, ed.n_words, ed.headings)
    return features


def _doc_target(doc: LabelledDocument) -> str:
    return doc.label


def tune_mix_rule(
    model: ArchetypeModel, docs: list[EncodedDocument]
) -> tuple[MixRule, dict[str, float]]:
    """Pick the mix rule that maximises the mixed flag's F1 on ``docs`` (JDs only)."""
    from .pipeline import Classifier

    jds = [ed for ed in docs if ed.doc.kind == "jd"]
    truth = np.array([ed.doc.mixed for ed in jds])
    best: tuple[float, float, MixRule] | None = None
    for gamma in (1.0, 2.0, 3.0):
        model.mix_rule = MixRule(gamma=gamma)
        readings = [model.read(ed.embeddings, ed.n_words, ed.headings) for ed in jds]
        cases = []
        for reading in readings:
            verdict = OUTCOMES[int(np.argmax(reading.probabilities))]
            share = {label: float(reading.shares[i]) for i, label in enumerate(OUTCOMES)}
            cases.append((share, verdict, Classifier._votes(reading)))
        for min_segments in (1, 2, 3):
            for threshold in np.arange(0.15, 0.5, 0.0125):
                rule = MixRule(float(round(threshold, 4)), min_segments, gamma)
                pred = np.array([is_mixed(s, v, votes, rule)[0] for s, v, votes in cases])
                tp = int((pred & truth).sum())
                fp = int((pred & ~truth).sum())
                fn = int((~pred & truth).sum())
                f1 = 2 * tp / max(2 * tp + fp + fn, 1)
                key = (f1, -fp)
                if best is None or key > best[:2]:
                    best = (f1, -fp, rule)
    assert best is not None
    model.mix_rule = best[2]
    return best[2], {"val_mixed_f1": round(best[0], 4), "val_false_positives": -best[1]}


def train(
    encoder: Encoder,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    cache_path: Path | None = None,
    log: Callable[[str], None] = print,
) -> tuple[ArchetypeModel, dict]:
    """Train a model from ``data_dir``; returns it with a report for the manifest."""
    started = time.perf_counter()
    cached = encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder, 10**7)
    if cache_path:
        cached.load(cache_path)
    segments = load_segments(data_dir)
    parts = split_documents(load_documents(data_dir), load_split(data_dir))
    log(
        f"data: {len(segments)} segments; documents train {len(parts['train'])}, "
        f"val {len(parts['val'])}, test {len(parts['test'])}"
    )
    seg_x = cached.encode([clean(s.text) for s in segments])
    seg_y = [s.label for s in segments]
    encoded = {name: encode_documents(docs, cached) for name, docs in parts.items()}
    if cache_path:
        cached.save(cache_path)
    log(f"encoded in {time.perf_counter() - started:.0f}s ({cached.misses} new texts)")

    first = _segment_head(seg_x, seg_y, np.ones(len(seg_y)))
    train_docs = encoded["train"]
    rng = np.random.default_rng(0)
    folds = rng.permutation(len(train_docs)) % FOLDS
    features = np.zeros((len(train_docs), first.coef_.shape[1] + len(OUTCOMES)))
    dummy_doc = LogisticRegression().fit(np.zeros((len(OUTCOMES), 2)), OUTCOME_NAMES)
    for fold in range(FOLDS):
        others = [ed for ed, f in zip(train_docs, folds, strict=True) if f != fold]
        head = _fit_segments(seg_x, seg_y, others, first)
        probe = ArchetypeModel(head, dummy_doc)
        for i in np.flatnonzero(folds == fold):
            features[i] = _features(probe, train_docs[i])
    segment_head = _fit_segments(seg_x, seg_y, train_docs, first)
    doc_head = LogisticRegression(C=DOC_C, max_iter=3000, class_weight="balanced")
    doc_head.fit(features, [_doc_target(ed.doc) for ed in train_docs])
    model = ArchetypeModel(segment_head, doc_head, review_rule=ReviewRule())

    val = encoded["val"]
    val_logits = np.vstack([model.doc_logits(_features(model, ed)) for ed in val])
    val_labels = np.array([OUTCOME_NAMES.index(ed.doc.label) for ed in val])
    model.temperature = fit_temperature(val_logits, val_labels)
    rule, mix_report = tune_mix_rule(model, val)
    log(f"temperature {model.temperature:.2f}; mix rule {rule}; {mix_report}")
    report = {
        "data_hash": data_hash(data_dir),
        "counts": {
            "segments": len(segments),
            "segments_by_label": {c: seg_y.count(c) for c in SEGMENT_CLASSES},
            **{f"documents_{k}": len(v) for k, v in parts.items()},
        },
        "tuning": mix_report,
        "hyperparameters": {"segment_C": SEGMENT_C, "doc_C": DOC_C, "pseudo_weight": PSEUDO_WEIGHT},
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return model, report


__all__ = ["Label", "train", "encode_documents", "tune_mix_rule", "NEUTRAL_COL"]
