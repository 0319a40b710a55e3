"""Load test of /v1/lint on loopback: requests per second and p50/p95 latency.

Bounded in count and time, and it only ever talks to 127.0.0.1. Run it with `make bench-load`
(it starts its own server) or import ``run_load`` against a server you started.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks import publish

# A typical 500-word JD, written for this benchmark.
TYPICAL_JD = (Path(__file__).resolve().parent / "typical_jd.txt").read_text()


def run_load(
    base_url: str,
    *,
    requests: int = 100,
    concurrency: int = 1,
    text: str = TYPICAL_JD,
    title: str = "Machine Learning Engineer",
    time_limit: float = 300.0,
) -> dict:
    if not base_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError("load tests only target loopback addresses")
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + time_limit

    def one(i: int, client: httpx.Client) -> None:
        nonlocal errors
        if time.perf_counter() > deadline:
            return
        # A unique word per request, so the embedding cache does not make repeats free.
        body = {"text": text + f"\nReference R{i}.", "title": title}
        t0 = time.perf_counter()
        r = client.post("/v1/lint", json=body)
        latencies.append(time.perf_counter() - t0)
        if r.status_code != 200:
            errors += 1

    with httpx.Client(base_url=base_url, timeout=120) as warm:
        warm.post("/v1/lint", json={"text": text, "title": title})
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        clients = [httpx.Client(base_url=base_url, timeout=120) for _ in range(concurrency)]
        list(pool.map(lambda i: one(i, clients[i % concurrency]), range(requests)))
        for c in clients:
            c.close()
    elapsed = time.perf_counter() - started
    lat = sorted(latencies)
    return {
        "requests": len(lat),
        "errors": errors,
        "concurrency": concurrency,
        "words": len(text.split()),
        "rps": round(len(lat) / elapsed, 2),
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
    }


@contextmanager
def served(port: int):
    """``archetype serve`` in a subprocess on loopback, ready; yields (url, pid).

    The embedding cache is off: every request pays for every sentence, as a new JD would."""
    env = {**os.environ, "ARCHETYPE_CACHE_SIZE": "0", "ARCHETYPE_LOG_LEVEL": "warning"}
    server = subprocess.Popen(
        [sys.executable, "-m", "classifier.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("server did not become ready")
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", help="also write a markdown table here")
    args = parser.parse_args()
    results: list[dict] = []
    with served(args.port) as (url, _pid):
        for c in args.concurrency:
            stats = run_load(url, requests=args.requests, concurrency=c)
            print(json.dumps(stats))
            results.append(stats)
    if args.out:
        lines = ["| clients | requests | req/s | p50 ms | p95 ms | errors |", "|---|---|---|---|---|---|"]
        keys = ("concurrency", "requests", "rps", "p50_ms", "p95_ms", "errors")
        lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in results]
        publish(lines, args.out, echo=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
