"""The trained part of the classifier: two scikit-learn linear heads over sentence embeddings.

* The segment head (multinomial logistic regression) reads one segment's embedding and gives
  probabilities over the six outcomes plus ``neutral``.
* The document head (multinomial logistic regression) reads a document's features, the
  role-weighted mean embedding of its segments and the log of its outcome shares, and gives the
  document's probabilities over the six outcomes, calibrated by a temperature fitted on the
  validation split.

Segments carry the evidence and the shares; the document head carries the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

from .mixing import MixRule, outcome_distributions, role_weights, shares
from .taxonomy import NEUTRAL, OUTCOMES, SEGMENT_CLASSES

OUTCOME_NAMES = [label.value for label in OUTCOMES]
NEUTRAL_COL = SEGMENT_CLASSES.index(NEUTRAL)
OUTCOME_COLS = [SEGMENT_CLASSES.index(name) for name in OUTCOME_NAMES]


@dataclass
class ReviewRule:
    """A verdict needs a person's review when its confidence is below ``min_confidence`` or the
    top two outcomes are within ``min_margin`` of each other."""

    min_confidence: float = 0.6
    min_margin: float = 0.2


@dataclass
class DocumentReading:
    """Everything the model computes for one document before it becomes a Classification."""

    segment_probs: np.ndarray  # (n_segments, 7)
    weights: np.ndarray  # (n_segments,) role weights, 0 for headings
    shares: np.ndarray  # (6,) over OUTCOMES
    probabilities: np.ndarray  # (6,) over OUTCOMES, calibrated


@dataclass
class ArchetypeModel:
    segment_head: LogisticRegression
    doc_head: LogisticRegression
    temperature: float = 1.0
    mix_rule: MixRule = field(default_factory=MixRule)
    review_rule: ReviewRule = field(default_factory=ReviewRule)

    def __post_init__(self) -> None:
        seg_classes = [str(c) for c in self.segment_head.classes_]
        doc_classes = [str(c) for c in self.doc_head.classes_]
        # predict_proba's columns follow classes_; re-order once so columns match the taxonomy.
        self._seg_order = [seg_classes.index(c) for c in SEGMENT_CLASSES]
        self._doc_order = [doc_classes.index(c) for c in OUTCOME_NAMES]

    @property
    def dimension(self) -> int:
        return int(self.segment_head.coef_.shape[1])

    def segment_probs(self, embeddings: np.ndarray) -> np.ndarray:
        if len(embeddings) == 0:
            return np.zeros((0, len(SEGMENT_CLASSES)))
        return self.segment_head.predict_proba(embeddings)[:, self._seg_order]

    def document_features(
        self, embeddings: np.ndarray, probs: np.ndarray, n_words: np.ndarray, headings: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (features, role weights, shares) for one document's segments."""
        weights = role_weights(probs, n_words, NEUTRAL_COL) * (~headings)
        doc_shares = shares(weights, outcome_distributions(probs, OUTCOME_COLS, 1.0))
        total = float(weights.sum())
        if total > 1e-9:
            mean = (weights[:, None] * embeddings).sum(axis=0) / total
        elif len(embeddings):
            mean = embeddings.mean(axis=0)
        else:
            mean = np.zeros(self.dimension)
        norm = float(np.linalg.norm(mean))
        mean = mean / norm if norm > 1e-9 else mean
        features = np.concatenate([mean, np.log(doc_shares + 1e-3)])
        return features, weights, doc_shares

    def doc_logits(self, features: np.ndarray) -> np.ndarray:
        logits = self.doc_head.decision_function(np.atleast_2d(features))
        return logits[:, self._doc_order]

    def calibrated(self, logits: np.ndarray) -> np.ndarray:
        return softmax(logits / self.temperature)

    def read(
        self, embeddings: np.ndarray, n_words: np.ndarray, headings: np.ndarray
    ) -> DocumentReading:
        probs = self.segment_probs(embeddings)
        features, weights, _ = self.document_features(embeddings, probs, n_words, headings)
        # Shares for people (and the mixed rule) use sharpened segment distributions.
        doc_shares = shares(weights, outcome_distributions(probs, OUTCOME_COLS, self.mix_rule.gamma))
        probabilities = self.calibrated(self.doc_logits(features))[0]
        return DocumentReading(probs, weights, doc_shares, probabilities)


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises negative log-likelihood on held-out documents."""
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.2), np.log(10.0), 120)):
        p = softmax(logits / t)
        nll = -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-12))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t
