"""The words of a segment, as TF-IDF features the linear heads read beside its embedding.

A sentence embedding says what a sentence is about; it blurs the exact terms that often decide
an archetype ("publish", "first-author", "Kubernetes", "RAG", "on-call"). The heads therefore
read both: each segment's embedding and its TF-IDF vector (words and word pairs), the latter
scaled by ``weight`` so the two blocks carry comparable force. It lifted the mixed flag's F1 on
the JDs the mix rule is tuned on from 0.69 to 0.82 (see docs/design.md, "Why words as well as embeddings").

Fitted with scikit-learn's ``TfidfVectorizer`` at training time (``Lexicon.fit``), carried at
inference as plain arrays (terms and idf) and applied here with numpy alone (``SparseRows``, a
minimal CSR matrix), so classifying imports neither scikit-learn nor scipy (scipy.sparse alone
costs a quarter of the cold-start budget). ``transform`` reproduces ``TfidfVectorizer``
(lowercase, ``(?u)\\b\\w\\w+\\b`` tokens, 1-2 grams, sublinear tf, idf, L2 rows) exactly; a test
holds it to that.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

TOKEN = re.compile(r"(?u)\b\w\w+\b")
NGRAM_MAX = 2  # transform() builds words and word pairs


def _terms(text: str) -> list[str]:
    """Words (two or more word characters, lowercased) and adjacent word pairs, as sklearn's
    ``TfidfVectorizer(ngram_range=(1, 2))`` analyses a text."""
    tokens = TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


@dataclass(frozen=True)
class SparseRows:
    """Rows of a sparse matrix in CSR form, with just the operations the heads need."""

    data: np.ndarray  # (nnz,) float64
    indices: np.ndarray  # (nnz,) column of each value
    indptr: np.ndarray  # (n_rows + 1,) row boundaries into data and indices
    n_cols: int

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.indptr) - 1, self.n_cols

    def _row_ids(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def __getitem__(self, rows: slice) -> SparseRows:
        start, stop, step = rows.indices(self.shape[0])
        if step != 1:
            raise IndexError("SparseRows takes contiguous row slices only")
        stop = max(stop, start)
        lo, hi = int(self.indptr[start]), int(self.indptr[stop])
        return SparseRows(
            self.data[lo:hi], self.indices[lo:hi], self.indptr[start : stop + 1] - lo, self.n_cols
        )

    def __matmul__(self, dense: np.ndarray) -> np.ndarray:
        """(n_rows, n_cols) @ (n_cols, k) -> dense (n_rows, k)."""
        n = self.shape[0]
        if not len(self.data):
            return np.zeros((n, dense.shape[1]))
        rows, picked = self._row_ids(), dense[self.indices]
        return np.stack(
            [np.bincount(rows, self.data * picked[:, j], minlength=n) for j in range(dense.shape[1])],
            axis=1,
        )

    def weighted_sum(self, weights: np.ndarray) -> np.ndarray:
        """``weights @ rows``: a dense (n_cols,) vector."""
        if not len(self.data):
            return np.zeros(self.n_cols)
        return np.bincount(self.indices, self.data * weights[self._row_ids()], minlength=self.n_cols)

    def toarray(self) -> np.ndarray:
        out = np.zeros(self.shape)
        out[self._row_ids(), self.indices] = self.data
        return out

    def to_scipy(self):  # training only: scikit-learn wants scipy matrices
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


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

    def transform(self, texts: Sequence[str]) -> SparseRows:
        """One row per text: its TF-IDF vector, unit length, times ``weight`` (zeros when no
        known term occurs). Python only finds the known terms; counting, weighting and
        normalising run in numpy over the whole batch at once."""
        n, size, index = len(texts), self.size, self._index
        rows: list[int] = []
        cols: list[int] = []
        for r, text in enumerate(texts):
            found = [i for t in _terms(text) if (i := index.get(t)) is not None]
            cols.extend(found)
            rows.extend([r] * len(found))
        if not cols:
            return SparseRows(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(n + 1, dtype=np.int64), size)
        keys, counts = np.unique(
            np.asarray(rows, dtype=np.int64) * size + np.asarray(cols, dtype=np.int64), return_counts=True
        )
        row_of, col_of = keys // size, keys % size  # sorted by row, then column: CSR order
        values = (1.0 + np.log(counts)) * self.idf[col_of]
        norms = np.sqrt(np.bincount(row_of, values * values, minlength=n))
        values *= self.weight / norms[row_of]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=n), out=indptr[1:])
        return SparseRows(values, col_of, indptr, size)

    def to_arrays(self, prefix: str = "lexicon") -> dict[str, np.ndarray]:
        """Plain arrays for an ``.npz`` (terms as UTF-8 bytes, newline-separated: no pickling)."""
        blob = "\n".join(self.terms).encode("utf-8")
        return {
            f"{prefix}_terms": np.frombuffer(blob, dtype=np.uint8).copy(),
            f"{prefix}_idf": self.idf,
            f"{prefix}_weight": np.array([self.weight]),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str = "lexicon") -> Lexicon:
        terms = bytes(arrays[f"{prefix}_terms"].astype(np.uint8)).decode("utf-8").split("\n")
        idf = np.asarray(arrays[f"{prefix}_idf"], dtype=np.float64)
        return cls(tuple(terms), idf, float(arrays[f"{prefix}_weight"][0]))


def weighted_mean_terms(
    rows: SparseRows, weights: np.ndarray, length: float
) -> tuple[np.ndarray, np.ndarray]:
    """The ``weights``-weighted mean of ``rows`` (plain mean when all weights are 0), rescaled to
    ``length`` (zeros stay zeros), as its non-zero columns and their values: a document's lexical
    vector from its segments'. A document touches a few hundred of the lexicon's terms, so
    reading it sparsely spares the heads a 20,000-wide product per document."""
    n = rows.shape[0]
    if n == 0 or not len(rows.data):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    w = weights if float(weights.sum()) > 1e-9 else np.ones(n)
    # Sum per distinct column over the nnz entries only (no 20,000-wide scratch vector).
    columns, slot = np.unique(rows.indices, return_inverse=True)
    values = np.bincount(slot, rows.data * w[rows._row_ids()], minlength=len(columns))
    keep = values != 0  # zero-weight segments add exact zeros
    columns, values = columns[keep], values[keep]
    norm = math.sqrt(float(values @ values))  # not np.linalg.norm: BLAS threads cost ~1 ms here
    return columns, values * (length / norm) if norm > 1e-9 else values


def weighted_mean(rows: SparseRows, weights: np.ndarray, length: float) -> np.ndarray:
    """:func:`weighted_mean_terms` as a dense (n_cols,) vector."""
    out = np.zeros(rows.shape[1])
    columns, values = weighted_mean_terms(rows, weights, length)
    out[columns] = values
    return out
