"""Compare model designs on real documents (not part of make test).

    python -m benchmarks.designs --out reports/designs.md [--variants base,weak,...]

Each variant is trained from training_data/ with the torch encoder (embeddings cached), then
measured on the real development set (../shared/real_dev) and on the validation split. The real
set only measures: nothing here is fitted on it. Prints one row per variant.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from classifier.data import load_documents, load_split, split_documents
from classifier.encoder import CachedEncoder, SentenceTransformerEncoder
from classifier.evaluate import metrics, predict_model
from classifier.evaluate_real import DEFAULT_REAL_DIR, evaluate_real
from classifier.pipeline import Classifier
from classifier.train import TrainOptions, train

# The previous release's design; every other variant names what it changes.
PREVIOUS = TrainOptions(
    shares_weight=3.0, text_weight=0.0, calibration="val", review_catch=0.0, mix_tuning="all"
)
VARIANTS = {
    "shares": PREVIOUS,
    "shares-noctx": replace(PREVIOUS, in_context_segments=False),
    "shares-writers": replace(PREVIOUS, calibration="writers"),
    "weak-shares-writers": replace(PREVIOUS, calibration="writers", weak_weight=0.5),
    "noshares-writers": replace(PREVIOUS, shares_weight=0.0, calibration="writers"),
    "text30-noshares": replace(PREVIOUS, shares_weight=0.0, text_weight=0.3, calibration="writers"),
    "text50-noshares": replace(PREVIOUS, shares_weight=0.0, text_weight=0.5, calibration="writers"),
    "text70-noshares": replace(PREVIOUS, shares_weight=0.0, text_weight=0.7, calibration="writers"),
    "text50-shares": replace(PREVIOUS, text_weight=0.5, calibration="writers"),
    "text70-noshares-mixreal": replace(
        PREVIOUS, shares_weight=0.0, text_weight=0.7, calibration="writers", mix_tuning="realistic"
    ),
    "text70-noshares-mixreal-noctx": replace(
        PREVIOUS,
        shares_weight=0.0,
        text_weight=0.7,
        calibration="writers",
        mix_tuning="realistic",
        in_context_segments=False,
    ),
    "text70-shares1-mixreal": replace(
        PREVIOUS, shares_weight=1.0, text_weight=0.7, calibration="writers", mix_tuning="realistic"
    ),
    "shipped": TrainOptions(),
}


def row(name: str, real: dict, val: dict, seconds: float) -> dict:
    a, jd, cv = real["all"], real.get("jd", {}), real.get("resume", {})
    return {
        "variant": name,
        "acc": a["accuracy"],
        "macro_f1": a["macro_f1"],
        "jd_acc": jd.get("accuracy"),
        "cv_acc": cv.get("accuracy"),
        "mixed_f1": jd.get("mixed", {}).get("f1"),
        "flagged": jd.get("mixed", {}).get("single_archetype_flag_rate"),
        "ece": a["ece"],
        "wrong_sure": a["wrong_at_sure"],
        "review": a.get("review", {}).get("rate"),
        "acc_kept": a.get("review", {}).get("accuracy_not_flagged"),
        "errors_caught": a.get("review", {}).get("errors_caught"),
        "val_f1": val["macro_f1"],
        "val_mixed_f1": val["mixed"]["f1"],
        "train_s": round(seconds),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--real", default=str(DEFAULT_REAL_DIR))
    ap.add_argument("--out", default="reports/designs.md")
    args = ap.parse_args(argv)
    cache = Path(".cache") / "train-embeddings.npz"
    encoder = CachedEncoder(SentenceTransformerEncoder(None), 10**7)
    if cache.exists():
        encoder.load(cache)
    val_docs = split_documents(load_documents(), load_split())["val"]
    rows = []
    for name in args.variants.split(","):
        started = time.perf_counter()
        model, report = train(encoder, options=VARIANTS[name], log=lambda m: print(m, file=sys.stderr))
        seconds = time.perf_counter() - started
        clf = Classifier(model, encoder, backend="torch", model_version=name)
        real = evaluate_real(clf, Path(args.real), baselines=False, log=lambda m: None)["systems"]["model"]
        val = metrics(val_docs, predict_model(clf, val_docs))
        rows.append(row(name, real, val, seconds))
        print(json.dumps(rows[-1]), flush=True)
        encoder.save(cache)
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|---" * len(keys) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(r[k]) for k in keys) + " |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
