"""Bulk throughput on a realistic export, with and without the segment (embedding) cache.

The export imitates an ATS job-post export: 10,000 rows from 60 employers, each employer's rows
carrying its own company blurb, benefits and equal-opportunity paragraphs (the boilerplate that
real exports repeat thousands of times), a role body taken from the held-out documents (test split
and challenge set: 277 distinct bodies), and a requisition line unique to the row.

Without the cache every row pays for every sentence, so its rate does not depend on the row count:
it is measured on the first ``--uncached-rows`` rows. The cached run covers the whole export. Both
run in the same process, one after the other, and the table reports rows/s and the ratio. A last
run does the whole export again in fast mode (``--mode fast``: the static encoder), the mode meant
for exports of 100,000 rows and more.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import publish
from classifier import Classifier
from classifier.bulk import BulkOptions, run_bulk
from classifier.data import load_documents, load_split

INDUSTRIES = [
    "regional bank",
    "online retailer",
    "hospital network",
    "logistics company",
    "insurer",
    "game studio",
    "telecom operator",
    "energy utility",
    "media group",
    "travel marketplace",
    "pharmaceutical company",
    "city government",
    "software company",
    "AI lab",
    "grocery chain",
]
CITIES = [
    "Austin",
    "Berlin",
    "Toronto",
    "London",
    "Singapore",
    "Denver",
    "Lisbon",
    "Chicago",
    "Sydney",
    "Dublin",
]


def employer_boilerplate(i: int, rng: random.Random) -> str:
    name = f"{rng.choice(['North', 'Blue', 'Iron', 'Clear', 'Silver', 'Bright'])}{rng.choice(['field', 'stone', 'wave', 'path', 'line'])} {i}"
    industry, city = rng.choice(INDUSTRIES), rng.choice(CITIES)
    return "\n".join(
        [
            f"About {name}",
            f"{name} is a {industry} headquartered in {city} with {rng.randint(2, 40) * 100} employees.",
            f"We have served our customers since {rng.randint(1950, 2018)} and we are proud of our culture of care.",
            "Benefits",
            f"Medical, dental and vision cover, a {rng.randint(3, 8)}% retirement match and {rng.randint(20, 30)} days of paid leave.",
            f"A yearly learning budget of ${rng.randint(10, 30) * 100} and {rng.randint(12, 26)} weeks of parental leave.",
            f"{name} is an equal opportunity employer and considers all qualified applicants without regard to protected characteristics.",
            "If you need an accommodation during the hiring process, please let our recruiting team know.",
        ]
    )


def make_export(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    split = load_split()
    bodies = [d for d in load_documents() if split[d.id] == "test" and d.kind == "jd"]
    bodies += [d for d in load_documents(folder="challenge") if d.kind == "jd"]
    employers = [employer_boilerplate(i, rng) for i in range(60)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "description", "location"])
        for i in range(rows):
            e = rng.randrange(len(employers))
            body = rng.choice(bodies)
            text = f"{employers[e]}\nThe role\n{body.text}\nRequisition R-{100000 + i}, posted to board {rng.randint(1, 9)}."
            w.writerow([f"req-{i}", body.title or "", text, rng.choice(CITIES)])


def timed(clf: Classifier, src: Path, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    s = run_bulk(
        clf, src, out, BulkOptions(chunk_size=64), log=lambda m: None, progress_stream=open("/dev/null", "w")
    )
    return time.perf_counter() - started, s.rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--uncached-rows", type=int, default=500)
    parser.add_argument("--out", help="also write a markdown table here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        big, small = tmp_path / "export.csv", tmp_path / "head.csv"
        make_export(big, args.rows)
        make_export(small, args.uncached_rows)
        uncached = Classifier.load(cache_size=0)  # the default backend
        uncached.classify("warm up the encoder")
        t_none, n_none = timed(uncached, small, tmp_path / "a.csv")
        cached = Classifier.load(cache_size=200_000)
        t_small, n_small = timed(cached, small, tmp_path / "b.csv")
        cached = Classifier.load(cache_size=200_000)
        t_big, n_big = timed(cached, big, tmp_path / "c.csv")
        hits, misses = cached.encoder.hits, cached.encoder.misses
        fast = Classifier.load(mode="fast", cache_size=200_000)
        t_fast, n_fast = timed(fast, big, tmp_path / "d.csv")
    r_none, r_small, r_big, r_fast = n_none / t_none, n_small / t_small, n_big / t_big, n_fast / t_fast
    std = f"standard ({cached.backend})"
    lines = [
        "| run | mode | rows | seconds | rows/s | vs standard, no cache |",
        "|---|---|---|---|---|---|",
        f"| no segment cache | {std} | {n_none:,} | {t_none:.1f} | {r_none:.1f} | 1.0x |",
        f"| segment cache | {std} | {n_small:,} | {t_small:.1f} | {r_small:.1f} | {r_small / r_none:.1f}x |",
        f"| segment cache | {std} | {n_big:,} | {t_big:.1f} | {r_big:.1f} | {r_big / r_none:.1f}x |",
        f"| segment cache | fast (static) | {n_fast:,} | {t_fast:.1f} | {r_fast:.1f} | {r_fast / r_none:.1f}x |",
        "",
        f"Cache on the {n_big:,}-row standard run: {hits:,} segment hits, {misses:,} segments encoded "
        f"({hits / max(hits + misses, 1):.0%} of segments served from the cache). At these rates a "
        f"100,000-row export takes about {100_000 / r_big / 60:.0f} min in the standard mode and "
        f"{100_000 / r_fast / 60:.1f} min in fast mode.",
    ]
    publish(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
