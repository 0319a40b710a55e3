"""Evaluate a classifier on a split, beside two baselines, and write JSON plus a markdown table.

Baselines, trained on the same training split:
* ``tfidf``: TF-IDF (1-2 grams) + logistic regression over whole documents (and the labelled
  segments as extra short documents).
* ``zero_shot``: cosine similarity between a document's mean segment embedding and an embedding of
  each outcome's description; no training except the mixed threshold chosen on validation.
Each system's mixed flag is "second archetype / (first + second) >= t", t chosen on validation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .data import (
    DEFAULT_DATA_DIR,
    LabelledDocument,
    load_documents,
    load_segments,
    load_split,
    split_documents,
)
from .model import OUTCOME_NAMES, softmax
from .pipeline import Classifier, Document
from .segment import segment_text
from .taxonomy import ARCHETYPES, TAXONOMY, Label, title_mismatch

ARCH_IDX = [OUTCOME_NAMES.index(a.value) for a in ARCHETYPES]


@dataclass
class Predictions:
    """What one system said about a list of documents."""

    labels: list[str]
    probs: np.ndarray  # (n, 6) over OUTCOME_NAMES
    mixed: list[bool]
    title_mismatch: list[bool]


def ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width confidence bins."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            total += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(total)


def _prf(truth: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int((truth & pred).sum())
    fp = int((~truth & pred).sum())
    fn = int((truth & ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def class_figures(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Macro-F1 over the six outcomes, per-class precision/recall/F1/support, and the confusion matrix."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=OUTCOME_NAMES, zero_division=0)
    return {
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=OUTCOME_NAMES, average="macro", zero_division=0)), 4
        ),
        "per_class": {
            name: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, name in enumerate(OUTCOME_NAMES)
        },
        "confusion_matrix": {
            "labels": OUTCOME_NAMES,
            "rows_true_cols_pred": confusion_matrix(y_true, y_pred, labels=OUTCOME_NAMES).tolist(),
        },
    }


def metrics(docs: Sequence[LabelledDocument], pred: Predictions) -> dict:
    y_true = [d.label for d in docs]
    y_pred = pred.labels
    correct = np.array([t == p for t, p in zip(y_true, y_pred, strict=True)])
    oos_t = np.array([t == Label.OUT_OF_SCOPE for t in y_true])
    oos_p = np.array([q == Label.OUT_OF_SCOPE for q in y_pred])
    jd = np.array([d.kind == "jd" for d in docs])
    mixed_t = np.array([d.mixed for d in docs])[jd]
    mixed_p = np.array(pred.mixed)[jd]
    single_arch = np.array([not d.mixed and d.label != Label.OUT_OF_SCOPE for d in docs])[jd]
    titled = np.array([d.kind == "jd" and bool(d.title) for d in docs])
    tm_t = np.array([d.title_mismatch for d in docs])[titled]
    tm_p = np.array(pred.title_mismatch)[titled]
    return {
        "n": len(docs),
        "accuracy": round(float(correct.mean()), 4),
        **class_figures(y_true, y_pred),
        "ece": round(ece(pred.probs.max(axis=1), correct), 4),
        "out_of_scope": _prf(oos_t, oos_p),
        "mixed": {
            **_prf(mixed_t, mixed_p),
            "n_mixed": int(mixed_t.sum()),
            "single_archetype_flag_rate": round(float(mixed_p[single_arch].mean()), 4)
            if single_arch.any()
            else 0.0,
        },
        "title_mismatch_accuracy": round(float((tm_t == tm_p).mean()), 4) if titled.any() else None,
        "n_titled": int(titled.sum()),
    }


# -- the model --------------------------------------------------------------------------------
def predict_model(clf: Classifier, docs: Sequence[LabelledDocument]) -> Predictions:
    results = clf.classify_many([Document(d.text, d.title, d.kind, d.id) for d in docs])
    return Predictions(
        labels=[r.archetype for r in results],
        probs=np.array([[r.probabilities[n] for n in OUTCOME_NAMES] for r in results]),
        mixed=[r.mixed for r in results],
        title_mismatch=[r.title_mismatch for r in results],
    )


# -- baselines --------------------------------------------------------------------------------
def _mix_ratio(probs: np.ndarray) -> np.ndarray:
    arch = np.sort(probs[:, ARCH_IDX], axis=1)
    return arch[:, -2] / np.maximum(arch[:, -1] + arch[:, -2], 1e-9)


def _tune_ratio(docs: Sequence[LabelledDocument], ratios: np.ndarray, labels: list[str]) -> float:
    jd = np.array([d.kind == "jd" for d in docs])
    truth = np.array([d.mixed for d in docs])[jd]
    best_t, best_f = 0.5, -1.0
    for t in np.arange(0.05, 0.5, 0.0125):
        pred = (ratios >= t) & np.array([lab != Label.OUT_OF_SCOPE for lab in labels])
        f = _prf(truth, pred[jd])["f1"]
        if f > best_f:
            best_t, best_f = float(t), f
    return best_t


def _finish(docs, probs: np.ndarray, threshold: float) -> Predictions:
    labels = [OUTCOME_NAMES[i] for i in probs.argmax(axis=1)]
    ratios = _mix_ratio(probs)
    mixed = [
        bool(r >= threshold and lab != Label.OUT_OF_SCOPE) for r, lab in zip(ratios, labels, strict=True)
    ]
    tm = [title_mismatch(d.title, Label(lab)) for d, lab in zip(docs, labels, strict=True)]
    return Predictions(labels, probs, mixed, tm)


def tfidf_baseline(train, val, test, segments) -> tuple[Predictions, Predictions]:
    texts = [d.text for d in train] + [s.text for s in segments if s.label in OUTCOME_NAMES]
    labels = [d.label for d in train] + [s.label for s in segments if s.label in OUTCOME_NAMES]
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=100_000)
    lr = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")
    lr.fit(vec.fit_transform(texts), labels)
    order = [list(lr.classes_).index(n) for n in OUTCOME_NAMES]

    def probs(docs):
        return lr.predict_proba(vec.transform([d.text for d in docs]))[:, order]

    pv = probs(val)
    t = _tune_ratio(val, _mix_ratio(pv), [OUTCOME_NAMES[i] for i in pv.argmax(1)])
    return _finish(val, pv, t), _finish(test, probs(test), t)


def zero_shot_baseline(encoder, val, test, scale: float = 0.05) -> tuple[Predictions, Predictions]:
    desc = [
        f"{TAXONOMY[Label(n)].name}. {TAXONOMY[Label(n)].summary} {TAXONOMY[Label(n)].evidence}"
        for n in OUTCOME_NAMES
    ]
    anchors = encoder.encode(desc)

    def probs(docs):
        rows = []
        for d in docs:
            emb = encoder.encode([s.text for s in segment_text(d.text)])
            mean = emb.mean(axis=0)
            mean /= max(float(np.linalg.norm(mean)), 1e-9)
            rows.append(softmax(anchors @ mean / scale))
        return np.array(rows)

    pv = probs(val)
    t = _tune_ratio(val, _mix_ratio(pv), [OUTCOME_NAMES[i] for i in pv.argmax(1)])
    return _finish(val, pv, t), _finish(test, probs(test), t)


# -- order stress test ------------------------------------------------------------------------
def shuffled_jds(docs: Sequence[LabelledDocument], seed: int) -> list[LabelledDocument]:
    """The JDs with an archetype label (the mixed flag's population), each with its segments in a
    random order, one per line: how a JD that interleaves two jobs bullet by bullet reads."""
    rng = np.random.default_rng(seed)
    out = []
    for d in docs:
        if d.kind != "jd" or d.label == Label.OUT_OF_SCOPE:
            continue
        lines = [s.text for s in segment_text(d.text)]
        out.append(replace(d, text="\n".join(lines[i] for i in rng.permutation(len(lines)))))
    return out


def order_stress(clf: Classifier, docs: Sequence[LabelledDocument], seeds: Sequence[int] = (0, 1, 2)) -> dict:
    """The mixed flag's figures on shuffled copies of ``docs`` (pooled over ``seeds``)."""
    truth, pred = [], []
    for seed in seeds:
        jds = shuffled_jds(docs, seed)
        truth += [d.mixed for d in jds]
        pred += predict_model(clf, jds).mixed
    t, p = np.array(truth), np.array(pred)
    return {
        **_prf(t, p),
        "single_archetype_flag_rate": round(float(p[~t].mean()), 4) if (~t).any() else 0.0,
        "shuffles": len(seeds),
    }


# -- the report -------------------------------------------------------------------------------
def evaluate(
    clf: Classifier,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    split: str = "test",
    log: Callable[[str], None] = print,
) -> dict:
    parts = split_documents(load_documents(data_dir), load_split(data_dir))
    docs = parts[split]
    log(f"evaluating on {len(docs)} {split} documents")
    report = {"split": split, "model_version": clf.model_version, "systems": {}}
    report["systems"]["model"] = metrics(docs, predict_model(clf, docs))
    report["systems"]["model_val"] = metrics(parts["val"], predict_model(clf, parts["val"]))
    tf_val, tf_test = tfidf_baseline(parts["train"], parts["val"], docs, load_segments(data_dir))
    report["systems"]["tfidf"] = metrics(docs, tf_test)
    zs_val, zs_test = zero_shot_baseline(clf.encoder, parts["val"], docs)
    report["systems"]["zero_shot"] = metrics(docs, zs_test)
    challenge = load_documents(data_dir, "challenge")
    if challenge:
        log(f"evaluating on {len(challenge)} challenge documents")
        _, tf_ch = tfidf_baseline(parts["train"], parts["val"], challenge, load_segments(data_dir))
        _, zs_ch = zero_shot_baseline(clf.encoder, parts["val"], challenge)
        report["challenge"] = {
            "model": metrics(challenge, predict_model(clf, challenge)),
            "tfidf": metrics(challenge, tf_ch),
            "zero_shot": metrics(challenge, zs_ch),
        }
    log("order stress test: the mixed flag on shuffled JDs")
    report["order_stress"] = {"test": order_stress(clf, docs), "validation": order_stress(clf, parts["val"])}
    if challenge:
        report["order_stress"]["challenge"] = order_stress(clf, challenge)
    return report


HEADLINE = [
    ("accuracy", lambda m: m["accuracy"]),
    ("macro-F1", lambda m: m["macro_f1"]),
    ("ECE (lower is better)", lambda m: m["ece"]),
    ("out-of-scope precision", lambda m: m["out_of_scope"]["precision"]),
    ("out-of-scope recall", lambda m: m["out_of_scope"]["recall"]),
    ("mixed-JD precision", lambda m: m["mixed"]["precision"]),
    ("mixed-JD recall", lambda m: m["mixed"]["recall"]),
    ("mixed-JD F1", lambda m: m["mixed"]["f1"]),
    (
        "single-archetype JDs flagged mixed (lower is better)",
        lambda m: m["mixed"]["single_archetype_flag_rate"],
    ),
    ("title-mismatch accuracy", lambda m: m["title_mismatch_accuracy"]),
]


def _headline_table(systems: dict, columns: list[tuple[str, str]]) -> list[str]:
    lines = [
        "| figure | " + " | ".join(title for _, title in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for name, get in HEADLINE:
        vals = [get(systems[key]) for key, _ in columns]
        lines.append(f"| {name} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in vals) + " |")
    return lines


def to_markdown(report: dict) -> str:
    s = report["systems"]
    lines = [
        f"Test split: {s['model']['n']} documents ({s['model']['mixed']['n_mixed']} mixed JDs, "
        f"{s['model']['n_titled']} titled JDs). Model `{report['model_version']}`.",
        "",
        *_headline_table(
            s,
            [
                ("model", "model"),
                ("tfidf", "TF-IDF + LR"),
                ("zero_shot", "zero-shot cosine"),
                ("model_val", "model on validation"),
            ],
        ),
    ]
    if "challenge" in report:
        ch = report["challenge"]
        lines += [
            "",
            f"Challenge set (independent writer and styles, never trained on): "
            f"{ch['model']['n']} documents ({ch['model']['mixed']['n_mixed']} mixed JDs).",
            "",
            *_headline_table(
                ch, [("model", "model"), ("tfidf", "TF-IDF + LR"), ("zero_shot", "zero-shot cosine")]
            ),
        ]
    if "order_stress" in report:
        in_order = {
            "test": s["model"],
            "validation": s["model_val"],
            "challenge": report.get("challenge", {}).get("model"),
        }
        lines += [
            "",
            "Order stress test: the same JDs with their sentences shuffled "
            f"({next(iter(report['order_stress'].values()))['shuffles']} shuffles each), "
            "as a JD that interleaves two jobs bullet by bullet reads. The baselines ignore order.",
            "",
            "| split | mixed-JD precision | mixed-JD recall | mixed-JD F1 | single JDs flagged "
            "| F1 in order |",
            "|---|---|---|---|---|---|",
        ]
        for name, m in report["order_stress"].items():
            lines.append(
                f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                f"{m['single_archetype_flag_rate']:.3f} | {in_order[name]['mixed']['f1']:.3f} |"
            )
    lines += per_class_lines(s["model"], "model, test split")
    return "\n".join(lines) + "\n"


SHORT = {
    "research_scientist": "RS",
    "research_engineer": "RE",
    "ml_engineer": "MLE",
    "ml_infra_engineer": "INFRA",
    "applied_ai_engineer": "AAI",
    "out_of_scope": "OOS",
}


def per_class_lines(m: dict, what: str) -> list[str]:
    """Markdown lines: the per-class table and the confusion matrix of one system's metrics."""
    lines = [
        "",
        f"Per class ({what}):",
        "",
        "| outcome | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for name, c in m["per_class"].items():
        lines.append(
            f"| {name} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |"
        )
    cm = m["confusion_matrix"]
    lines += [
        "",
        f"Confusion matrix ({what}; rows true, columns predicted):",
        "",
        "| | " + " | ".join(SHORT[n] for n in cm["labels"]) + " |",
        "|---" * (len(cm["labels"]) + 1) + "|",
    ]
    for name, row in zip(cm["labels"], cm["rows_true_cols_pred"], strict=True):
        lines.append(f"| {SHORT[name]} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def write_report(report: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    j, m = directory / "eval.json", directory / "eval.md"
    j.write_text(json.dumps(report, indent=2) + "\n")
    m.write_text(to_markdown(report))
    return j, m
