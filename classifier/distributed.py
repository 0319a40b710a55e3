"""Classify bulk chunks on a Ray cluster: one classifier per worker, loaded once.

The driver keeps reading, checkpointing and writing exactly as a local run does (so resume and the
count invariant hold unchanged); whole chunks go to Ray actors, several at once, and the results
come back in input order, byte-identical to a local run's. Set RAY_ADDRESS to use an existing cluster;
without it a local Ray instance is started.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from .errors import ArchetypeError
from .pipeline import Classifier, Document

T = TypeVar("T")


class _Worker:
    """Runs inside a Ray actor: holds one classifier for the actor's lifetime."""

    def __init__(self, model_path: str | None, mode: str | None, backend: str | None) -> None:
        self.clf = Classifier.load(model_path, mode=mode, backend=backend)

    def classify(self, docs: list[Document]) -> list[dict | str]:
        from .bulk import _classify_chunk

        return _classify_chunk(self.clf, docs)


class RayChunkClassifier:
    """Whole chunks go to actors round-robin, several in flight, results back in input order.

    A chunk is never split: each is encoded exactly as a local run encodes it, so the output is
    byte-identical; parallelism comes from chunks running on different actors at once.
    """

    def __init__(self, model: str | Path | tuple | Classifier | None, workers: int = 2) -> None:
        """``model``: a model folder, or (folder, mode, backend)."""
        try:
            import ray
        except ImportError:
            raise ArchetypeError("--engine ray needs Ray: pip install 'ray>=2.9'") from None
        if isinstance(model, Classifier):
            raise ArchetypeError("--engine ray loads the model in each worker: pass a model path")
        self.ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            ray.init(
                address=os.environ.get("RAY_ADDRESS") or None,
                include_dashboard=False,
                ignore_reinit_error=True,
                log_to_driver=False,
                configure_logging=False,
            )
        actor = ray.remote(num_cpus=1)(_Worker)
        path, mode, backend = model if isinstance(model, tuple) else (model, None, None)
        path = str(path) if path else None
        self.actors = [actor.remote(path, mode, backend) for _ in range(max(1, workers))]

    def map_ordered(self, items: Iterator[T], docs_of) -> Iterator[tuple[T, list[dict | str]]]:
        """Yield ``(item, results)`` in input order, keeping at most 2 chunks per actor in flight."""
        window: deque = deque()
        for i, item in enumerate(items):
            docs = docs_of(item)
            ref = self.actors[i % len(self.actors)].classify.remote(docs) if docs else None
            window.append((item, ref))
            if len(window) >= 2 * len(self.actors):
                yield self._take(window)
        while window:
            yield self._take(window)

    def _take(self, window: deque) -> tuple:
        item, ref = window.popleft()
        return item, (self.ray.get(ref) if ref is not None else [])

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self._started:
            self.ray.shutdown()
