"""The public entry point: segment, embed, read, and explain one or many documents.

>>> clf = Classifier.load()                                    # doctest: +SKIP
>>> clf.classify("We want first-author NeurIPS papers ...").archetype   # doctest: +SKIP
'research_scientist'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .encoder import CachedEncoder, Encoder, SentenceTransformerEncoder
from .errors import InputError, InvalidKindError
from .inputs import DEFAULT_MAX_CHARS, check_text, check_unicode
from .kind import Kind, detect_kind, parse_kind
from .lexical import SparseRows
from .mixing import is_mixed
from .model import OUTCOME_NAMES, ArchetypeModel
from .results import Classification, Evidence, SegmentReading
from .segment import Segment, segment_text, skip_mask
from .taxonomy import ARCHETYPES, NEUTRAL, OUTCOMES, SEGMENT_CLASSES, Label, title_labels

EVIDENCE_PER_OUTCOME = 5


def parse_allow_mix(values: Iterable[str]) -> frozenset[Label]:
    """Archetype ids a JD means to blend; an unknown id is an InputError naming it."""
    allowed = set()
    for value in values:
        try:
            label = Label(str(value).strip())
        except ValueError:
            label = None
        if label is None or label is Label.OUT_OF_SCOPE:
            names = ", ".join(a.value for a in ARCHETYPES)
            raise InvalidKindError(f"allow_mix: unknown archetype {value!r}; expected: {names}")
        allowed.add(label)
    return frozenset(allowed)


@dataclass(frozen=True)
class Document:
    """One input: its text, and optionally a title, a kind and a caller's id."""

    text: str
    title: str | None = None
    kind: str | Kind | None = None
    id: str | None = None


def default_model_dir() -> Path:
    """$ARCHETYPE_MODEL, else ``models/default`` in the project checkout."""
    env = os.environ.get("ARCHETYPE_MODEL")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models" / "default"


class Classifier:
    """An encoder composed with a trained :class:`ArchetypeModel`."""

    def __init__(
        self,
        model: ArchetypeModel,
        encoder: Encoder,
        *,
        model_version: str = "unversioned",
        mode: str = "standard",
        backend: str = "custom",
        max_chars: int = DEFAULT_MAX_CHARS,
        cache_size: int = 100_000,
    ) -> None:
        self.model = model
        self.backend = backend
        # Distinct segments are encoded once; boilerplate repeats across documents and requests.
        self.encoder = encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder, cache_size)
        self.model_version = model_version
        self.mode = mode
        self.max_chars = max_chars

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        encoder: Encoder | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        cache_size: int = 100_000,
        mode: str | None = None,
        backend: str | None = None,
    ) -> Classifier:
        """Load a saved model (default: :func:`default_model_dir`) and its encoder.

        ``mode``: ``standard`` (default, or $ARCHETYPE_MODE) or ``fast`` (the static encoder and
        its own heads). ``backend`` (standard mode): ``onnx-int8``, ``onnx`` or ``torch``; default
        $ARCHETYPE_BACKEND, else the one training found accurate enough (see the manifest).
        Passing ``encoder`` overrides the backend (tests hand in an already-loaded one)."""
        from .backends import load_encoder
        from .persistence import load_model

        directory = Path(path) if path else default_model_dir()
        mode = mode or os.environ.get("ARCHETYPE_MODE") or "standard"
        model, entry = load_model(directory, mode)
        if encoder is not None:
            inner = encoder.inner if isinstance(encoder, CachedEncoder) else encoder
            used = (
                "torch" if isinstance(inner, SentenceTransformerEncoder) else getattr(inner, "name", "custom")
            )
        else:
            encoder, used = load_encoder(directory, entry, mode=mode, backend=backend)
        return cls(
            model,
            encoder,
            model_version=entry["model_version"],
            mode=mode,
            backend=used,
            max_chars=max_chars,
            cache_size=cache_size,
        )

    # -- classification ---------------------------------------------------------------------
    def classify(
        self,
        text: str,
        *,
        title: str | None = None,
        kind: str | Kind | None = None,
        allow_mix: Iterable[str] = (),
    ) -> Classification:
        """Classify one document. Raises an InputError subclass for text it cannot read."""
        return self.classify_many([Document(text, title, kind)], allow_mix=allow_mix)[0]

    def classify_many(
        self, documents: Sequence[Document], *, allow_mix: Iterable[str] = ()
    ) -> list[Classification]:
        """Classify several documents, encoding their segments together (faster than one by one).

        Every document is checked first; the first bad one raises. Callers that must not stop
        on a bad row (bulk runs, batch endpoints) check rows themselves with :meth:`prepare`.
        """
        results = self.classify_batch(documents, allow_mix=allow_mix)
        for result in results:
            if isinstance(result, InputError):
                raise result
        return results  # type: ignore[return-value]

    def classify_batch(
        self, documents: Sequence[Document], *, allow_mix: Iterable[str] = ()
    ) -> list[Classification | InputError]:
        """Like :meth:`classify_many`, but a bad document yields its InputError in its place
        instead of stopping the batch: one result per input, in order, nothing dropped."""
        allow = parse_allow_mix(allow_mix)
        prepared: list[tuple[Document, list[Segment]] | InputError] = []
        for doc in documents:
            try:
                prepared.append(self.prepare(doc))
            except InputError as exc:
                prepared.append(exc)
        texts = [s.text for p in prepared if not isinstance(p, InputError) for s in p[1]]
        embeddings = self.encoder.encode(texts)
        lexical = self.model.lexical(texts)
        out: list[Classification | InputError] = []
        pos = 0
        for p in prepared:
            if isinstance(p, InputError):
                out.append(p)
                continue
            doc, segments = p
            rows = slice(pos, pos + len(segments))
            pos += len(segments)
            lex = lexical[rows] if lexical is not None else None
            out.append(self._explain(doc, doc.kind or Kind.JD, segments, embeddings[rows], lex, allow))
        return out

    def prepare(self, doc: Document) -> tuple[Document, list[Segment]]:
        """Validate a document, settle its kind, and segment it (raises InputError)."""
        text = check_text(doc.text, max_chars=self.max_chars)
        if doc.title is not None and not isinstance(doc.title, str):
            raise InputError(f"title must be a string, got {type(doc.title).__name__}")
        if doc.title:
            check_unicode(doc.title, source="title")
        kind = parse_kind(doc.kind)
        if kind is Kind.AUTO:
            kind = detect_kind(text)
        segments = segment_text(text)
        return Document(text, doc.title, kind, doc.id), segments

    # -- explanation ------------------------------------------------------------------------
    def _explain(
        self,
        doc: Document,
        kind: Kind | str,
        segments: list[Segment],
        embeddings: np.ndarray,
        lexical: SparseRows | None,
        allow: frozenset[Label],
    ) -> Classification:
        n_words = np.array([len(s.text.split()) for s in segments], dtype=float)
        headings = np.array(skip_mask(segments), dtype=bool)
        # One document's segments per product: a dense product's last bits depend on how many
        # rows share it, and a result must not depend on the rest of its batch.
        reading = self.model.read(embeddings, n_words, headings, lexical, [s.text for s in segments])
        probs = reading.probabilities
        order = np.argsort(-probs)
        verdict = OUTCOMES[int(order[0])]
        confidence = float(probs[order[0]])
        margin = float(probs[order[0]] - probs[order[1]])
        ctx, alone = reading.in_context, reading.alone
        mix = is_mixed(
            ctx.share_map(),
            verdict,
            ctx.counts(),
            self.model.mix_rule,
            allow,
            alone=(alone.share_map(), alone.counts()),
        )
        # Shares, evidence and highlights come from the reading that decided: in context, unless
        # the blend was found scattered among sentences read alone.
        shown = alone if mix.scattered else ctx
        share = shown.share_map()

        reasons = []
        rule = self.model.review_rule
        if confidence < rule.min_confidence:
            reasons.append(f"confidence {confidence:.2f} is below {rule.min_confidence}")
        if margin < rule.min_margin:
            second = OUTCOMES[int(order[1])].value
            reasons.append(f"near tie with {second} (margin {margin:.2f} < {rule.min_margin})")
        if float(reading.weights.sum()) < 0.2 or not (ctx.votes >= 0).any():
            reasons.append("almost no role-bearing content (only neutral text or headings)")
        if mix.mixed and mix.second and mix.ratio >= rule.even_blend:
            reasons.append(
                f"no clear lead between {verdict.value} and {mix.second.value} ({mix.second.value} holds "
                f"{mix.ratio:.0%} of the two): which one the JD is for is uncertain"
            )

        named = title_labels(doc.title)
        return Classification(
            archetype=verdict.value,
            confidence=round(confidence, 4),
            probabilities={OUTCOME_NAMES[i]: round(float(p), 4) for i, p in enumerate(probs)},
            mixed=mix.mixed,
            mixed_with=mix.second.value if mix.second else None,
            mix_ratio=round(mix.ratio, 4),
            shares={label.value: round(v, 4) for label, v in share.items()},
            evidence=self._evidence(segments, shown.probs, reading.weights),
            needs_review=bool(reasons),
            review_reasons=reasons,
            kind=str(kind.value if isinstance(kind, Kind) else kind),
            title=doc.title,
            title_labels=sorted(label.value for label in named),
            title_mismatch=bool(named) and verdict not in named,
            model_version=self.model_version,
            mode=self.mode,
            backend=self.backend,
            segments=self._readings(segments, shown.probs, reading.weights),
        )

    @staticmethod
    def _readings(segments: list[Segment], probs: np.ndarray, weights: np.ndarray) -> list[SegmentReading]:
        best = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=int)
        scores = probs[np.arange(len(probs)), best].round(4).tolist()
        rounded = weights.round(4).tolist()
        return [
            SegmentReading(
                seg.text,
                seg.start,
                seg.end,
                NEUTRAL if seg.heading else SEGMENT_CLASSES[b],
                score,
                weight,
                seg.heading,
            )
            for seg, b, score, weight in zip(segments, best.tolist(), scores, rounded, strict=True)
        ]

    @staticmethod
    def _evidence(
        segments: list[Segment], probs: np.ndarray, weights: np.ndarray
    ) -> dict[str, list[Evidence]]:
        """Per outcome, the role-bearing segments whose top class it is, strongest first."""
        evidence: dict[str, list[Evidence]] = {}
        if len(probs) == 0:
            return evidence
        top = probs.argmax(axis=1)
        top_p = probs[np.arange(len(probs)), top]
        strength = weights * top_p
        for label in OUTCOMES:
            col = SEGMENT_CLASSES.index(label.value)
            idx = np.flatnonzero((top == col) & (weights > 0))
            if len(idx):
                best = idx[np.argsort(-strength[idx], kind="stable")][:EVIDENCE_PER_OUTCOME]
                evidence[label.value] = [
                    Evidence(
                        segments[i].text,
                        segments[i].start,
                        segments[i].end,
                        label.value,
                        round(float(top_p[i]), 4),
                    )
                    for i in best
                ]
        return evidence


__all__ = ["ARCHETYPES", "Classifier", "Document", "default_model_dir"]
