"""A small, bounded load run on loopback: it must serve every request; figures are printed."""

from benchmarks.load import TYPICAL_JD, run_load


def test_lint_under_concurrent_load(live_server, capsys):
    assert 400 <= len(TYPICAL_JD.split()) <= 700
    for concurrency in (1, 4):
        stats = run_load(live_server.url, requests=12, concurrency=concurrency, time_limit=120)
        with capsys.disabled():
            print(f"\nload /v1/lint: {stats}")
        assert stats["requests"] == 12 and stats["errors"] == 0
        assert stats["p50_ms"] <= stats["p95_ms"]
