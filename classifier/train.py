"""Train the two heads, calibrate on validation, and choose the mix rule.

1. The segment head learns from the labelled segments (``training_data/segments``) alone. It never
   sees a training document, so it reads training documents exactly as it reads new ones, and the
   document head can learn from honest features without cross-fitting.
2. The document head learns from the training documents' features (mixed JDs count for their
   dominant archetype).
3. A temperature is fitted on the validation documents (calibration).
4. The mix rule (vote confidence, minimum votes, threshold) is chosen on the training and
   validation JDs together (100 mixed JDs rather than 20), maximising the mixed flag's F1 among
   rules that flag fewer than 1 in 10 single-archetype JDs.
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
from .mixing import MixRule, is_mixed, vote_shares, votes
from .model import OUTCOME_NAMES, ArchetypeModel, ReviewRule, fit_temperature
from .segment import clean, segment_text, skip_mask
from .taxonomy import ARCHETYPES, OUTCOMES, SEGMENT_CLASSES, Label

SEGMENT_C = 4.0
DOC_C = 16.0
MAX_FLAG_RATE = 0.10


@dataclass
class EncodedDocument:
    doc: LabelledDocument
    embeddings: np.ndarray
    n_words: np.ndarray
    headings: np.ndarray


def encode_documents(docs: list[LabelledDocument], encoder: Encoder) -> list[EncodedDocument]:
    segmented = [segment_text(d.text) for d in docs]
    vectors = encoder.encode([s.text for segs in segmented for s in segs])
    out, pos = [], 0
    for doc, segs in zip(docs, segmented, strict=True):
        n = len(segs)
        out.append(
            EncodedDocument(
                doc,
                vectors[pos : pos + n],
                np.array([len(s.text.split()) for s in segs], dtype=float),
                np.array(skip_mask(segs), dtype=bool),
            )
        )
        pos += n
    return out


def tune_mix_rule(model: ArchetypeModel, docs: list[EncodedDocument]) -> tuple[MixRule, dict]:
    """Choose the mix rule on ``docs`` (JDs whose label is an archetype)."""
    archetypes = {a.value for a in ARCHETYPES}
    jds = [ed for ed in docs if ed.doc.kind == "jd" and ed.doc.label in archetypes]
    truth = np.array([ed.doc.mixed for ed in jds])
    cases = []
    for ed in jds:
        probs = model.segment_probs(ed.embeddings)
        verdict = OUTCOMES[
            int(np.argmax(model.doc_logits(model.features(ed.embeddings, ed.n_words, ed.headings))))
        ]
        cases.append((probs, ed, verdict))
    best: tuple | None = None
    for confidence in (0.6, 0.65, 0.7, 0.75, 0.8):
        prepared = []
        for probs, ed, verdict in cases:
            v = votes(probs, ed.headings, confidence)
            share = dict(zip(OUTCOMES, vote_shares(v, ed.n_words), strict=True))
            counts = {OUTCOMES[i]: int((v == i).sum()) for i in range(len(OUTCOMES))}
            prepared.append((share, verdict, counts))
        for min_segments in (1, 2, 3):
            for threshold in np.arange(0.1, 0.5, 0.02):
                rule = MixRule(float(round(threshold, 2)), min_segments, confidence)
                pred = np.array([is_mixed(s, v, c, rule)[0] for s, v, c in prepared])
                tp = int((pred & truth).sum())
                fp = int((pred & ~truth).sum())
                fn = int((~pred & truth).sum())
                f1 = 2 * tp / max(2 * tp + fp + fn, 1)
                rate = fp / max(int((~truth).sum()), 1)
                key = (rate < MAX_FLAG_RATE, f1, -rate)
                if best is None or key > best[0]:
                    best = (
                        key,
                        rule,
                        {
                            "tune_mixed_f1": round(f1, 4),
                            "tune_flag_rate": round(rate, 4),
                            "tune_mixed_jds": int(truth.sum()),
                            "tune_single_jds": int((~truth).sum()),
                        },
                    )
    assert best is not None
    model.mix_rule = best[1]
    return best[1], best[2]


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
    seg_y = np.array([s.label for s in segments])
    encoded = {name: encode_documents(docs, cached) for name, docs in parts.items()}
    if cache_path:
        cached.save(cache_path)
    log(f"encoded in {time.perf_counter() - started:.0f}s ({cached.misses} texts not in the cache)")

    segment_head = LogisticRegression(C=SEGMENT_C, max_iter=3000, class_weight="balanced").fit(seg_x, seg_y)
    probe = ArchetypeModel(segment_head, LogisticRegression().fit(np.zeros((6, 1)), OUTCOME_NAMES))
    train_docs = encoded["train"]
    x = np.stack([probe.features(ed.embeddings, ed.n_words, ed.headings) for ed in train_docs])
    doc_head = LogisticRegression(C=DOC_C, max_iter=5000, class_weight="balanced")
    doc_head.fit(x, [ed.doc.label for ed in train_docs])
    model = ArchetypeModel(segment_head, doc_head, review_rule=ReviewRule())

    val = encoded["val"]
    val_logits = np.vstack(
        [model.doc_logits(model.features(ed.embeddings, ed.n_words, ed.headings)) for ed in val]
    )
    model.temperature = fit_temperature(
        val_logits, np.array([OUTCOME_NAMES.index(ed.doc.label) for ed in val])
    )
    rule, mix_report = tune_mix_rule(model, encoded["train"] + val)
    log(f"temperature {model.temperature:.2f}; {rule}; {mix_report}")
    report = {
        "data_hash": data_hash(data_dir),
        "counts": {
            "segments": len(segments),
            "segments_by_label": {c: int((seg_y == c).sum()) for c in SEGMENT_CLASSES},
            **{f"documents_{k}": len(v) for k, v in parts.items()},
        },
        "tuning": mix_report,
        "hyperparameters": {"segment_C": SEGMENT_C, "doc_C": DOC_C},
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return model, report


__all__ = ["Label", "train", "encode_documents", "tune_mix_rule"]
