"""The words of a segment, as TF-IDF features the linear heads read beside its embedding.

A sentence embedding says what a sentence is about; it blurs the exact terms that often decide
an archetype ("publish", "first-author", "Kubernetes", "RAG", "on-call"). The heads therefore
read both: each segment's embedding and its TF-IDF vector (words and word pairs), the latter
scaled by ``weight`` so the two blocks carry comparable force. On the validation split this
lifted mixed-JD F1 and macro-F1 together (see README, "Why words as well as embeddings").

Fitted with scikit-learn's ``TfidfVectorizer`` at training time (``Lexicon.fit``), carried at
inference as plain arrays (terms and idf) and applied here with numpy and scipy.sparse, so
classifying does not import scikit-learn. ``transform`` reproduces ``TfidfVectorizer``
(lowercase, ``(?u)\\b\\w\\w+\\b`` tokens, 1-2 grams, sublinear tf, idf, L2 rows) exactly; a test
holds it to that.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

TOKEN = re.compile(r"(?u)\b\w\w+\b")
NGRAM_MAX = 2


def _terms(text: str) -> list[str]:
    tokens = TOKEN.findall(text.lower())
    out = list(tokens)
    for n in range(2, NGRAM_MAX + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[str, ...]  # column order
    idf: np.ndarray  # (n_terms,)
    weight: float = 3.0
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.terms) != len(self.idf):
            raise ValueError("a lexicon needs one idf per term")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.terms)})

    @property
    def size(self) -> int:
        return len(self.terms)

    @classmethod
    def fit(cls, texts: Sequence[str], *, max_terms: int = 20_000, weight: float = 3.0) -> Lexicon:
        """Learn the vocabulary (terms in at least two texts, the most frequent ``max_terms``)
        and idf from ``texts`` (unlabelled use only: no label is read)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(
            ngram_range=(1, NGRAM_MAX), sublinear_tf=True, min_df=2, max_features=max_terms
        ).fit(texts)
        terms = [""] * len(vec.vocabulary_)
        for term, i in vec.vocabulary_.items():
            terms[i] = term
        return cls(tuple(terms), np.asarray(vec.idf_, dtype=np.float64), float(weight))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row per text: its TF-IDF vector, unit length, times ``weight`` (zeros when no
        known term occurs)."""
        indptr, indices, values = [0], [], []
        for text in texts:
            counts = Counter(i for t in _terms(text) if (i := self._index.get(t)) is not None)
            if counts:
                cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                row = (1.0 + np.log(tf)) * self.idf[cols]
                row *= self.weight / math.sqrt(float(row @ row))
                order = np.argsort(cols)
                indices.append(cols[order])
                values.append(row[order])
            indptr.append(indptr[-1] + len(counts))
        return sp.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                np.array(indptr),
            ),
            shape=(len(texts), self.size),
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for an ``.npz`` (terms as UTF-8 bytes, newline-separated: no pickling)."""
        blob = "\n".join(self.terms).encode("utf-8")
        return {
            "lexicon_terms": np.frombuffer(blob, dtype=np.uint8).copy(),
            "lexicon_idf": self.idf,
            "lexicon_weight": np.array([self.weight]),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Lexicon:
        terms = bytes(arrays["lexicon_terms"].astype(np.uint8)).decode("utf-8").split("\n")
        idf = np.asarray(arrays["lexicon_idf"], dtype=np.float64)
        return cls(tuple(terms), idf, float(arrays["lexicon_weight"][0]))


def weighted_mean(rows: sp.csr_matrix, weights: np.ndarray, length: float) -> np.ndarray:
    """The ``weights``-weighted mean of ``rows`` (plain mean when all weights are 0), rescaled to
    ``length`` (zeros stay zeros): a document's lexical vector from its segments'."""
    n = rows.shape[0]
    if n == 0:
        return np.zeros(rows.shape[1])
    w = weights if float(weights.sum()) > 1e-9 else np.ones(n)
    mean = np.asarray(rows.T @ w).ravel()
    norm = float(np.linalg.norm(mean))
    return mean * (length / norm) if norm > 1e-9 else mean
