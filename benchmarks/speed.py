"""Speed and accuracy of every encoder backend, cold start, and the service, in one run.

* Throughput: documents and tokens per second classifying a fixed corpus of realistic JDs and
  resumes (60 test-split and 60 challenge documents) with the embedding cache off, median of
  ``--repeats`` runs (each at least 3 s: fast variants pass over the corpus several times), for
  torch fp32, ONNX fp32, ONNX int8 and the static (fast mode) encoder. The variants take turns,
  one repeat each per round, so a change in the shared machine's load between minutes reaches
  all of them alike instead of skewing the ratios.
* Accuracy: macro-F1 and mixed-JD F1 of each backend on the test split.
* Cold start: wall time of ``archetype classify`` on one JD in a new process (median of 5), for the
  default backend and for torch.
* Service: peak resident memory of ``archetype serve`` (default backend) after a load run, and
  ``/v1/lint`` p50/p95 at 1 and 8 concurrent clients (cache off, a typical 504-word JD).

Writes the tables to ``--out`` (reports/speed.md) as well as printing them.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import publish
from classifier import Classifier, Document, default_model_dir
from classifier.backends import OnnxEncoder
from classifier.data import load_documents, load_split
from classifier.evaluate import metrics, predict_model
from classifier.segment import segment_text

EXAMPLE = Path(__file__).resolve().parent.parent / "classifier" / "examples" / "ml_engineer_jd.txt"
VARIANTS = [
    ("torch fp32", "standard", "torch"),
    ("ONNX fp32 (batched)", "standard", "onnx"),
    ("ONNX int8 (one sentence per call)", "standard", "onnx-int8"),
    ("ONNX int8 batched (not shipped: batch-dependent)", "standard", "onnx-int8-batched"),
    ("static (fast mode)", "fast", None),
]


def load(mode: str, backend: str | None, **kw) -> Classifier:
    if backend == "onnx-int8-batched":
        folder = default_model_dir() / "encoders"
        batched = OnnxEncoder(folder / "model-int8.onnx", folder / "tokenizer.json", name="int8", batch_size=16)
        return Classifier.load(mode=mode, encoder=batched, **kw)
    return Classifier.load(mode=mode, backend=backend, **kw)


def corpus() -> tuple[list, list]:
    split = load_split()
    test = [d for d in load_documents() if split[d.id] == "test"]
    challenge = load_documents(folder="challenge")
    return test[::2][:60] + challenge[:60], test


def token_count(docs) -> int:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(default_model_dir() / "encoders" / "tokenizer.json"))
    tok.enable_truncation(max_length=256)
    return sum(len(tok.encode(s.text).ids) for d in docs for s in segment_text(d.text))


def passes_for(clf: Classifier, batch: list[Document], min_seconds: float = 3.0) -> int:
    """Passes over the corpus per timed repeat: at least ``min_seconds`` each, so a scheduler
    hiccup cannot dominate a quarter-second measurement of a fast variant. Warms it up too."""
    started = time.perf_counter()
    clf.classify_many(batch)
    return max(1, math.ceil(min_seconds / (time.perf_counter() - started)))


def timed_pass(clf: Classifier, batch: list[Document], passes: int) -> float:
    """Seconds per pass over ``batch``, averaged over ``passes``."""
    started = time.perf_counter()
    for _ in range(passes):
        clf.classify_many(batch)
    return (time.perf_counter() - started) / passes


def cold_start(args: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "classifier.cli", "classify", str(EXAMPLE), *args],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def service(port: int = 8766) -> dict:
    from benchmarks.load import run_load, served

    with served(port) as (url, pid):
        one = run_load(url, requests=40, concurrency=1)
        eight = run_load(url, requests=40, concurrency=8)
        status = Path(f"/proc/{pid}/status").read_text()
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    return {"one": one, "eight": eight, "peak_mb": peak_kb / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", help="also write the tables here")
    args = parser.parse_args()
    docs, test = corpus()
    tokens = token_count(docs)
    manifest_default = Classifier.load().backend
    batch = [Document(d.text, d.title, d.kind) for d in docs]
    clfs = {label: load(mode, backend, cache_size=0) for label, mode, backend in VARIANTS}
    passes = {label: passes_for(clf, batch) for label, clf in clfs.items()}
    times: dict[str, list[float]] = {label: [] for label in clfs}
    for r in range(args.repeats):  # round-robin: every variant once per round
        for label, clf in clfs.items():
            times[label].append(timed_pass(clf, batch, passes[label]))
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), file=sys.stderr)
    del clfs
    rows, base = [], None
    for label, mode, backend in VARIANTS:
        seconds = statistics.median(times[label])
        m = metrics(test, predict_model(load(mode, backend), test))
        base = base or seconds
        shown = label + (", the default" if backend == manifest_default else "")
        rows.append((shown, seconds, m["macro_f1"], m["mixed"]["f1"]))
    lines = [
        f"Corpus: {len(docs)} documents (JDs and resumes), {tokens:,} tokens read whole; embedding cache off; "
        f"median of {args.repeats} runs. Accuracy on the test split ({len(test)} documents).",
        "",
        "| backend | docs/s | tokens/s | vs torch fp32 | macro-F1 | mixed-JD F1 |",
        "|---|---|---|---|---|---|",
    ]
    for label, seconds, f1, mixed in rows:
        lines.append(
            f"| {label} | {len(docs) / seconds:.1f} | {tokens / seconds:,.0f} | "
            f"{base / seconds:.1f}x | {f1:.3f} | {mixed:.3f} |"
        )
    default_cold = cold_start([])
    torch_cold = cold_start(["--backend", "torch"])
    svc = service()
    lines += [
        "",
        "| figure | value |",
        "|---|---|",
        f"| cold start, `archetype classify` one JD, default backend ({manifest_default}) | {default_cold:.2f} s |",
        f"| cold start, same, `--backend torch` | {torch_cold:.2f} s |",
        f"| service peak memory (default backend, after 80 lint requests) | {svc['peak_mb']:.0f} MB |",
        f"| `/v1/lint` 1 client: p50 / p95 | {svc['one']['p50_ms']:.0f} / {svc['one']['p95_ms']:.0f} ms "
        f"({svc['one']['rps']} req/s) |",
        f"| `/v1/lint` 8 clients: p50 / p95 | {svc['eight']['p50_ms']:.0f} / {svc['eight']['p95_ms']:.0f} ms "
        f"({svc['eight']['rps']} req/s) |",
    ]
    publish(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
