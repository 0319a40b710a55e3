"""Measure on real documents that nobody on the project wrote (``archetype eval --real DIR``).

The folder holds ``jds.jsonl`` and/or ``resumes.jsonl`` (the layout of ``../shared/real_dev``:
``{id, kind, title, employer, source, label, mixed_with, title_mismatch, rationale, text}``). The
documents measure; they never train, tune or choose a threshold. Reported per kind and overall:
accuracy, lenient accuracy (a prediction equal to ``mixed_with`` counts), macro-F1 over the six
outcomes, per-class figures and the confusion matrix, the mixed flag on postings, ECE, the share
of documents wrong at confidence >= 0.9, the review rate and the accuracy of what is not flagged
for review, and accuracy per source. Beside the model: the TF-IDF baseline and zero-shot cosine,
both fitted on the project's own training split, their mixed thresholds on its validation split.

Document text is never printed or written: only ids, labels and figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import (
    DEFAULT_DATA_DIR,
    LabelledDocument,
    load_documents,
    load_segments,
    load_split,
    split_documents,
)
from .errors import TrainingDataError
from .evaluate import (
    Predictions,
    _prf,
    class_figures,
    ece,
    per_class_lines,
    tfidf_baseline,
    zero_shot_baseline,
)
from .model import OUTCOME_NAMES
from .pipeline import Classifier, Document
from .taxonomy import Label

DEFAULT_REAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "real_dev"
SURE = 0.9  # "confidently wrong" means wrong at this confidence or above
FILES = ("jds.jsonl", "resumes.jsonl")


@dataclass(frozen=True)
class RealDocument:
    doc: LabelledDocument
    source: str  # hacker_news, job_board or personal_site


def source_kind(source: str, kind: str) -> str:
    """Where a real document comes from, coarsely: Hacker News hiring threads, job boards and
    careers pages, or (resumes) personal sites."""
    s = (source or "").lower()
    if kind == "resume":
        return "personal_site"
    if "hn-jobs" in s or "ycombinator" in s or "hacker" in s or "who-is-hiring" in s:
        return "hacker_news"
    return "job_board"


def load_real(directory: Path) -> list[RealDocument]:
    """The labelled real documents under ``directory`` (raises TrainingDataError on a bad line)."""
    out = []
    for name in FILES:
        path = Path(directory) / name
        if not path.exists():
            continue
        for number, line in enumerate(path.open(encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                label = obj["label"]
                text = obj["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise TrainingDataError(f"{path}:{number}: not a labelled document ({exc})") from None
            if label not in OUTCOME_NAMES:
                raise TrainingDataError(f"{path}:{number}: unknown label {label!r}")
            kind = obj.get("kind") or ("resume" if name.startswith("resume") else "jd")
            doc = LabelledDocument(
                id=str(obj.get("id", f"{name}:{number}")),
                kind=kind,
                title=obj.get("title") or None,
                text=text,
                label=label,
                mixed_with=obj.get("mixed_with"),
                second_share=None,
                title_mismatch=bool(obj.get("title_mismatch", False)),
                file=name,
                meta={},
            )
            out.append(RealDocument(doc, source_kind(str(obj.get("source", "")), kind)))
    return out


def real_metrics(
    docs: Sequence[RealDocument], pred: Predictions, review: Sequence[bool] | None = None
) -> dict:
    """Every figure the real-set report shows, for one system over ``docs``."""
    if not docs:
        return {"n": 0}
    y_true = [r.doc.label for r in docs]
    y_pred = list(pred.labels)
    correct = np.array([t == p for t, p in zip(y_true, y_pred, strict=True)])
    lenient = np.array([c or (r.doc.mixed_with == p) for c, r, p in zip(correct, docs, y_pred, strict=True)])
    conf = pred.probs.max(axis=1)
    jd = np.array([d.doc.kind == "jd" for d in docs])
    out: dict = {
        "n": len(docs),
        "accuracy": round(float(correct.mean()), 4),
        "lenient_accuracy": round(float(lenient.mean()), 4),
        **class_figures(y_true, y_pred),
        "ece": round(ece(conf, correct), 4),
        "wrong_at_sure": round(float((~correct & (conf >= SURE)).mean()), 4),
        "by_source": {},
    }
    if jd.any():
        truth = np.array([d.doc.mixed_with is not None for d in docs])[jd]
        flagged = np.array(pred.mixed)[jd]
        single = np.array([d.doc.mixed_with is None and d.doc.label != Label.OUT_OF_SCOPE for d in docs])[jd]
        out["mixed"] = {
            **_prf(truth, flagged),
            "n_mixed": int(truth.sum()),
            "single_archetype_flag_rate": round(float(flagged[single].mean()), 4) if single.any() else 0.0,
        }
    if review is not None:
        flags = np.array(review, dtype=bool)
        kept = ~flags
        out["review"] = {
            "rate": round(float(flags.mean()), 4),
            "accuracy_not_flagged": round(float(correct[kept].mean()), 4) if kept.any() else None,
            "errors_caught": round(float(flags[~correct].mean()), 4) if (~correct).any() else None,
        }
    for src in sorted({d.source for d in docs}):
        mask = np.array([d.source == src for d in docs])
        out["by_source"][src] = {"n": int(mask.sum()), "accuracy": round(float(correct[mask].mean()), 4)}
    return out


def _subset(pred: Predictions, mask: np.ndarray) -> Predictions:
    idx = np.flatnonzero(mask)
    return Predictions(
        [pred.labels[i] for i in idx],
        pred.probs[idx],
        [pred.mixed[i] for i in idx],
        [pred.title_mismatch[i] for i in idx],
    )


def by_kind(docs: Sequence[RealDocument], pred: Predictions, review: Sequence[bool] | None = None) -> dict:
    """``real_metrics`` overall and per kind (``all``, ``jd``, ``resume``)."""
    out = {"all": real_metrics(docs, pred, review)}
    for kind in ("jd", "resume"):
        mask = np.array([d.doc.kind == kind for d in docs])
        if mask.any():
            sub = [d for d, m in zip(docs, mask, strict=True) if m]
            rev = [v for v, m in zip(review, mask, strict=True) if m] if review is not None else None
            out[kind] = real_metrics(sub, _subset(pred, mask), rev)
    return out


def predict_with_review(clf: Classifier, docs: Sequence[LabelledDocument]) -> tuple[Predictions, list[bool]]:
    results = clf.classify_many([Document(d.text, d.title, d.kind, d.id) for d in docs])
    pred = Predictions(
        labels=[r.archetype for r in results],
        probs=np.array([[r.probabilities[n] for n in OUTCOME_NAMES] for r in results]),
        mixed=[r.mixed for r in results],
        title_mismatch=[r.title_mismatch for r in results],
    )
    return pred, [r.needs_review for r in results]


def evaluate_real(
    clf: Classifier,
    real_dir: Path,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    baselines: bool = True,
    limit: int | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """The real-set report for ``clf`` (and, with ``baselines``, TF-IDF and zero-shot)."""
    real = load_real(real_dir)
    if limit is not None:
        real = real[:limit]
    docs = [r.doc for r in real]
    log(f"evaluating on {len(docs)} real documents from {real_dir}")
    pred, review = predict_with_review(clf, docs)
    report: dict = {
        "real_dir": str(real_dir),
        "model_version": clf.model_version,
        "backend": clf.backend,
        "mode": clf.mode,
        "systems": {"model": by_kind(real, pred, review)},
        "errors": [
            {
                "id": d.id,
                "kind": d.kind,
                "label": d.label,
                "mixed_with": d.mixed_with,
                "predicted": p,
                "confidence": round(float(pr.max()), 3),
                "needs_review": rv,
            }
            for d, p, pr, rv in zip(docs, pred.labels, pred.probs, review, strict=True)
            if p != d.label
        ],
    }
    if baselines:
        parts = split_documents(load_documents(data_dir), load_split(data_dir))
        log("fitting the TF-IDF baseline on the training split")
        _, tf = tfidf_baseline(parts["train"], parts["val"], docs, load_segments(data_dir))
        report["systems"]["tfidf"] = by_kind(real, tf)
        log("zero-shot cosine")
        _, zs = zero_shot_baseline(clf.encoder, parts["val"], docs)
        report["systems"]["zero_shot"] = by_kind(real, zs)
    return report


_ROWS: list[tuple[str, Callable[[dict], float | None]]] = [
    ("accuracy", lambda m: m.get("accuracy")),
    ("lenient accuracy (mixed_with accepted)", lambda m: m.get("lenient_accuracy")),
    ("macro-F1 (six outcomes)", lambda m: m.get("macro_f1")),
    ("mixed-JD precision", lambda m: m.get("mixed", {}).get("precision")),
    ("mixed-JD recall", lambda m: m.get("mixed", {}).get("recall")),
    ("mixed-JD F1", lambda m: m.get("mixed", {}).get("f1")),
    ("single-archetype postings flagged", lambda m: m.get("mixed", {}).get("single_archetype_flag_rate")),
    ("ECE (lower is better)", lambda m: m.get("ece")),
    (f"wrong at confidence >= {SURE}", lambda m: m.get("wrong_at_sure")),
    ("needs review (share)", lambda m: m.get("review", {}).get("rate")),
    ("accuracy when not flagged for review", lambda m: m.get("review", {}).get("accuracy_not_flagged")),
    ("errors flagged for review", lambda m: m.get("review", {}).get("errors_caught")),
]


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def to_markdown(report: dict) -> str:
    systems = report["systems"]
    model = systems["model"]
    kinds = [k for k in ("all", "jd", "resume") if k in model]
    names = {"all": "all", "jd": "postings", "resume": "resumes"}
    lines = [
        f"Real documents from `{Path(report['real_dir']).name}`: "
        + ", ".join(f"{model[k]['n']} {names[k]}" for k in kinds)
        + f". Model `{report['model_version']}`, backend `{report['backend']}`, mode `{report['mode']}`.",
        "",
        "| figure | " + " | ".join(f"model, {names[k]}" for k in kinds) + " |",
        "|---" * (len(kinds) + 1) + "|",
    ]
    for label, get in _ROWS:
        lines.append(f"| {label} | " + " | ".join(_fmt(get(model[k])) for k in kinds) + " |")
    if len(systems) > 1:
        cols = [(s, k) for s in systems for k in kinds]
        lines += [
            "",
            "Beside the baselines (fitted on the project's training split):",
            "",
            "| figure | " + " | ".join(f"{s}, {names[k]}" for s, k in cols) + " |",
            "|---" * (len(cols) + 1) + "|",
        ]
        for label, get in _ROWS[:9]:
            lines.append(f"| {label} | " + " | ".join(_fmt(get(systems[s][k])) for s, k in cols) + " |")
    lines += ["", "Accuracy by source (model):", "", "| source | documents | accuracy |", "|---|---|---|"]
    for src, m in model["all"]["by_source"].items():
        lines.append(f"| {src} | {m['n']} | {m['accuracy']:.3f} |")
    lines += per_class_lines(model["all"], "model, all documents")
    return "\n".join(lines) + "\n"


def write_real_report(report: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    j, m = directory / "real.json", directory / "real.md"
    j.write_text(json.dumps(report, indent=2) + "\n")
    m.write_text(to_markdown(report))
    return j, m


__all__ = [
    "DEFAULT_REAL_DIR",
    "evaluate_real",
    "load_real",
    "real_metrics",
    "to_markdown",
    "write_real_report",
]
