"""The trained part of the classifier: linear heads over sentence embeddings and words.

* The segment head (multinomial logistic regression) reads one segment's embedding and, when the
  model has a lexicon, its TF-IDF row (see ``lexical``), and gives probabilities over the six
  outcomes plus ``neutral``. It is trained on labelled segments: sentences written alone, and
  sentences cut from 320 training documents and labelled in context. The mix rule is chosen on
  documents none of whose sentences it saw, which it reads as it reads new ones.
* The document head (multinomial logistic regression) reads a document's features, the
  role-weighted means of its segments' embeddings and TF-IDF rows and its soft outcome shares, and gives
  the document's probabilities over the six outcomes. The shipped model gives the shares no
  weight (``shares_weight`` 0): on real documents they pulled the verdict towards what the
  sentence head's training sentences looked like (docs/evaluation.md).
* The text head (multinomial logistic regression, optional) reads the whole document as one
  TF-IDF vector over its own document-level vocabulary of words and word pairs. Its logits are
  pooled with the document head's (``text_weight``), then calibrated by a temperature fitted on
  how each training writer's documents read to heads that never saw that writer. Measured on real
  postings and resumes, a reader of the whole text transfers better from written training data
  than one that trusts sentence-level shares alone (docs/evaluation.md).

Segments carry the evidence, the shares and the mixed flag; the document and text heads carry the
verdict.

The heads are fitted with scikit-learn's LogisticRegression and carried at inference as
:class:`LinearHead` (the same coefficients, the same softmax), so classifying needs numpy only:
importing scikit-learn costs more than a second, longer than the whole cold-start budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .lexical import Lexicon, SparseRows, weighted_mean, weighted_mean_terms
from .mixing import MixRule, Tally, in_context, role_weights, soft_shares
from .taxonomy import OUTCOMES, SEGMENT_CLASSES

OUTCOME_NAMES = [label.value for label in OUTCOMES]


@dataclass(frozen=True)
class LinearHead:
    """A fitted multinomial logistic regression: ``softmax(x @ coef.T + intercept)`` over ``classes``."""

    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    classes: tuple[str, ...]

    @classmethod
    def from_sklearn(cls, estimator: Any) -> LinearHead:
        """Take the coefficients of a fitted multinomial ``LogisticRegression``."""
        coef = np.asarray(estimator.coef_, dtype=np.float64)
        if coef.shape[0] != len(estimator.classes_) or len(estimator.classes_) < 3:
            raise ValueError("expected a multinomial LogisticRegression with 3 or more classes")
        return cls(
            coef, np.asarray(estimator.intercept_, dtype=np.float64), tuple(map(str, estimator.classes_))
        )

    def to_sklearn(self) -> Any:
        """The equivalent scikit-learn estimator (for inspection or reuse)."""
        from sklearn.linear_model import LogisticRegression

        est = LogisticRegression()
        est.classes_ = np.array(self.classes)
        est.coef_, est.intercept_ = self.coef.copy(), self.intercept.copy()
        est.n_features_in_ = self.coef.shape[1]
        est.n_iter_ = np.array([0])
        return est

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return np.atleast_2d(x) @ self.coef.T + self.intercept

    def split_decision(self, dense: np.ndarray, sparse: SparseRows | None) -> np.ndarray:
        """The decision over ``[dense | sparse]`` without building the joined matrix: the first
        ``dense.shape[1]`` coefficients read ``dense``, the rest read ``sparse``."""
        d = dense.shape[1]
        z = dense @ self.coef[:, :d].T + self.intercept
        if sparse is not None:
            z = z + sparse @ self.coef[:, d:].T
        return z

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.decision_function(x))


@dataclass
class ReviewRule:
    """A verdict needs a person's review when its confidence is below ``min_confidence``, the
    top two outcomes are within ``min_margin`` of each other, or a mixed JD is a near-even blend
    (its second archetype holds at least ``even_blend`` of the two), where which one leads is a
    coin toss however sure the document head is."""

    min_confidence: float = 0.6
    min_margin: float = 0.2
    even_blend: float = 0.45


@dataclass
class DocumentReading:
    """Everything the model computes for one document before it becomes a Classification."""

    segment_probs: np.ndarray  # (n_segments, 7) over SEGMENT_CLASSES, each segment alone
    weights: np.ndarray  # (n_segments,) role weights, 0 for headings
    in_context: Tally  # segments read with their neighbours, votes at the rule's confidence
    alone: Tally  # segments read alone, votes at the scattered path's confidence
    probabilities: np.ndarray  # (6,) over OUTCOMES, calibrated


@dataclass
class ArchetypeModel:
    segment_head: LinearHead
    doc_head: LinearHead
    temperature: float = 1.0
    mix_rule: MixRule = field(default_factory=MixRule)
    review_rule: ReviewRule = field(default_factory=ReviewRule)
    lexicon: Lexicon | None = None  # when set, heads read TF-IDF features beside embeddings
    # The soft shares' scale in the document head's features. The segment head behind them learnt
    # from 7,650 labelled sentences, the document head from some 550 documents; a larger scale lets
    # the shares weigh more under the same regularisation (see docs/evaluation.md, "Shares in the verdict").
    shares_weight: float = 1.0
    # The text head: the whole document's TF-IDF row over its own vocabulary, and its share of the
    # pooled logits (0: the document head alone).
    text_head: LinearHead | None = None
    text_lexicon: Lexicon | None = None
    text_weight: float = 0.0

    def __post_init__(self) -> None:
        seg_classes = list(self.segment_head.classes)
        doc_classes = list(self.doc_head.classes)
        # predict_proba's columns follow classes_; re-order once so columns match the taxonomy.
        self._seg_order = [seg_classes.index(c) for c in SEGMENT_CLASSES]
        self._doc_order = [doc_classes.index(c) for c in OUTCOME_NAMES]
        if (self.text_head is None) != (self.text_lexicon is None):
            raise ValueError("a text head needs its lexicon, and a text lexicon its head")
        if self.text_head is not None:
            text_classes = list(self.text_head.classes)
            self._text_order = [text_classes.index(c) for c in OUTCOME_NAMES]

    @property
    def dimension(self) -> int:
        """The embedding dimension the heads expect (without the lexical features)."""
        return self.segment_head.n_features - (self.lexicon.size if self.lexicon else 0)

    def lexical(self, texts: list[str]) -> SparseRows | None:
        """The segments' TF-IDF rows (None for a model without a lexicon)."""
        return self.lexicon.transform(texts) if self.lexicon else None

    def segment_probs(self, embeddings: np.ndarray, lexical: SparseRows | None = None) -> np.ndarray:
        if len(embeddings) == 0:
            return np.zeros((0, len(SEGMENT_CLASSES)))
        if self.lexicon is not None and lexical is None:
            raise ValueError("this model reads words as well as embeddings: pass the lexical rows")
        logits = self.segment_head.split_decision(embeddings, lexical)
        return softmax(logits)[:, self._seg_order]

    def _mean_embedding(self, embeddings: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Role-weighted mean embedding (plain mean when all weights are 0), unit length."""
        total = float(weights.sum())
        if total > 1e-9:
            mean = (weights[:, None] * embeddings).sum(axis=0) / total
        elif len(embeddings):
            mean = embeddings.mean(axis=0)
        else:
            mean = np.zeros(self.dimension)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 1e-9 else mean

    def _shares(self, probs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The soft shares as the document head reads them, at ``shares_weight``."""
        return self.shares_weight * soft_shares(probs, weights)

    def document_features(
        self,
        embeddings: np.ndarray,
        probs: np.ndarray,
        weights: np.ndarray,
        lexical: SparseRows | None = None,
    ) -> np.ndarray:
        """Role-weighted mean embedding (unit length), the role-weighted mean of the segments'
        lexical rows (at the lexicon's weight) when the model has a lexicon, and soft shares."""
        parts = [self._mean_embedding(embeddings, weights)]
        if self.lexicon is not None:
            if lexical is None:
                lexical = self.lexicon.transform([])
            parts.append(weighted_mean(lexical, weights, self.lexicon.weight))
        return np.concatenate([*parts, self._shares(probs, weights)])

    def document_logits(
        self,
        embeddings: np.ndarray,
        probs: np.ndarray,
        weights: np.ndarray,
        lexical: SparseRows | None = None,
    ) -> np.ndarray:
        """``doc_logits(document_features(...))`` without building the dense lexical block: only
        the lexicon columns the document uses are read (a test holds the two equal)."""
        coef, d = self.doc_head.coef, self.dimension
        shares = self._shares(probs, weights)
        z = coef[:, :d] @ self._mean_embedding(embeddings, weights) + coef[:, -len(shares) :] @ shares
        if self.lexicon is not None and lexical is not None:
            columns, values = weighted_mean_terms(lexical, weights, self.lexicon.weight)
            z = z + coef[:, d + columns] @ values
        return (z + self.doc_head.intercept)[None, self._doc_order]

    def features(
        self,
        embeddings: np.ndarray,
        n_words: np.ndarray,
        headings: np.ndarray,
        lexical: SparseRows | None = None,
    ) -> np.ndarray:
        probs = self.segment_probs(embeddings, lexical)
        return self.document_features(embeddings, probs, role_weights(probs, n_words, headings), lexical)

    def doc_logits(self, features: np.ndarray) -> np.ndarray:
        logits = self.doc_head.decision_function(np.atleast_2d(features))
        return logits[:, self._doc_order]

    def text_logits(self, texts: list[str]) -> np.ndarray | None:
        """The text head's logits for one document given as its segments' texts (None without a
        text head). The segments are joined one per line, as training joined them."""
        if self.text_head is None or self.text_lexicon is None:
            return None
        row = self.text_lexicon.transform(["\n".join(texts)])
        z = row @ self.text_head.coef.T + self.text_head.intercept
        return z[:, self._text_order]

    def pooled_logits(self, doc_logits: np.ndarray, texts: list[str] | None) -> np.ndarray:
        """The verdict's logits: the document head's, pooled with the text head's when there is one."""
        z_text = self.text_logits(texts) if texts is not None else None
        if z_text is None or self.text_weight <= 0:
            return doc_logits
        return (1.0 - self.text_weight) * doc_logits + self.text_weight * z_text

    def read(
        self,
        embeddings: np.ndarray,
        n_words: np.ndarray,
        headings: np.ndarray,
        lexical: SparseRows | None = None,
        texts: list[str] | None = None,
    ) -> DocumentReading:
        probs = self.segment_probs(embeddings, lexical)
        weights = role_weights(probs, n_words, headings)
        rule = self.mix_rule
        context = Tally.of(in_context(probs, headings, rule.context), headings, n_words, rule.confidence)
        alone = Tally.of(probs, headings, n_words, rule.spread_confidence)
        if self.text_head is not None and texts is None:
            raise ValueError("this model reads the whole text as well: pass the segments' texts")
        logits = self.pooled_logits(self.document_logits(embeddings, probs, weights, lexical), texts)
        probabilities = softmax(logits / self.temperature)[0]
        return DocumentReading(probs, weights, context, alone, probabilities)


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
