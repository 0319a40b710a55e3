"""Benchmarks (``make bench``): each prints its table and, with ``--out``, writes it for the README."""

from __future__ import annotations

from pathlib import Path


def publish(lines: list[str], out: str | None, *, echo: bool = True) -> None:
    """Print a benchmark's table and write it to ``out`` when given."""
    text = "\n".join(lines) + "\n"
    if echo:
        print(text, end="")
    if out:
        Path(out).write_text(text)
