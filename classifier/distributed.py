"""Classify bulk chunks on a Ray cluster: one classifier per worker, loaded once.

The driver keeps reading, checkpointing and writing exactly as a local run does (so resume and the
count invariant hold unchanged); each chunk is split across a pool of Ray actors and the results
come back in input order, identical to a local run's. Set RAY_ADDRESS to use an existing cluster;
without it a local Ray instance is started.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ArchetypeError
from .pipeline import Classifier, Document


class _Worker:
    """Runs inside a Ray actor: holds one classifier for the actor's lifetime."""

    def __init__(self, model_path: str | None) -> None:
        self.clf = Classifier.load(model_path)

    def classify(self, docs: list[Document]) -> list[dict | str]:
        from .bulk import _classify_chunk

        return _classify_chunk(self.clf, docs)


class RayChunkClassifier:
    def __init__(self, model: str | Path | Classifier | None, workers: int = 2) -> None:
        try:
            import ray
            from ray.util import ActorPool
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
        path = str(model) if model else None
        self.actors = [actor.remote(path) for _ in range(max(1, workers))]
        self.pool = ActorPool(self.actors)

    def __call__(self, docs: list[Document]) -> list[dict | str]:
        n = len(self.actors)
        size = max(1, -(-len(docs) // n))
        parts = [docs[i : i + size] for i in range(0, len(docs), size)]
        out: list[dict | str] = []
        for part in self.pool.map(lambda a, p: a.classify.remote(p), parts):  # order preserved
            out.extend(part)
        return out

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self._started:
            self.ray.shutdown()
