"""Train the heads, calibrate on writers the heads never saw, and choose the mix and review rules.

The design choices are :class:`TrainOptions`; its defaults are the shipped design, chosen on the
real development set's figures (docs/evaluation.md, ``benchmarks/designs.py``).

0. With ``words`` (the default, in both modes), a lexicon (TF-IDF over words and word pairs) is
   fitted, without labels, on the labelled segments' and the training documents' text; the
   segment and document heads read a segment's lexical row beside its embedding (``lexical``).
1. The segment head learns from the labelled segments (``training_data/segments``): sentences
   written alone, and sentences of 320 training documents labelled in context.
2. The document head learns from the training documents' features (mixed JDs count for their
   dominant archetype); the text head from the same documents' whole text (its own TF-IDF).
3. The temperature is fitted on how the realistic round's training and validation documents read
   to heads fitted without their writer (four folds of writers), and the review rule's confidence
   floor is the lowest that sends ``review_catch`` of those documents' errors to review.
4. The mix rule (its run path and its scattered path, see ``mixing``) is chosen on the training
   and validation JDs none of whose sentences the segment head saw, maximising the mixed flag's
   F1 among rules that flag fewer than 1 in 10 single-archetype JDs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from .data import (
    DEFAULT_DATA_DIR,
    LabelledDocument,
    data_hash,
    load_documents,
    load_segments,
    load_split,
    split_documents,
)
from .encoder import CachedEncoder, Encoder
from .lexical import Lexicon, SparseRows
from .mixing import MixRule, Tally, in_context, is_mixed
from .model import OUTCOME_NAMES, ArchetypeModel, LinearHead, ReviewRule, fit_temperature, softmax
from .segment import clean, segment_text, skip_mask
from .taxonomy import ARCHETYPES, OUTCOMES, SEGMENT_CLASSES, Label

SEGMENT_C = 4.0
DOC_C = 16.0
SHARES_WEIGHT = 3.0  # chosen on validation (docs/evaluation.md, "Shares in the verdict")
LEXICON_TERMS = 20_000
LEXICON_WEIGHT = 3.0  # chosen on the tuning JDs (docs/design.md: "Why words as well as embeddings")
MAX_FLAG_RATE = 0.10
WEAK_MIN_WORDS = 4


@dataclass(frozen=True)
class TrainOptions:
    """Design choices of a build, compared on real documents in docs/evaluation.md; the defaults
    are the shipped design (chosen there, on the real development set's figures).

    ``words``: the heads read TF-IDF rows beside embeddings. ``weak_weight``: when above 0, the
    segment head also learns from the role-bearing sentences of single-archetype training
    documents, each labelled with its document's label at this sample weight. ``calibration``:
    ``val`` fits the temperature on the validation documents; ``writers`` on leave-one-writer-out
    logits (each writer's documents read by a document head that never saw that writer), which is
    what a new writer's document looks like to the model."""

    words: bool = True
    weak_weight: float = 0.0
    calibration: str = "writers"
    doc_C: float = DOC_C
    shares_weight: float = 0.0
    text_weight: float = 0.7  # the text head's share of the pooled logits; 0: no text head
    text_C: float = 4.0
    mix_tuning: str = "all"  # "realistic": choose the mix rule on the realistic round's JDs only
    in_context_segments: bool = True  # learn from sentences labelled inside training documents
    # When above 0: the review rule's confidence floor is the lowest that sends this share of the
    # calibration documents' errors to review (0: the fixed default rule).
    review_catch: float = 0.75
    max_flag_rate: float = MAX_FLAG_RATE  # the mix rule flags fewer single-archetype tuning JDs than this


@dataclass
class EncodedDocument:
    doc: LabelledDocument
    embeddings: np.ndarray
    n_words: np.ndarray
    headings: np.ndarray
    texts: list[str]
    lexical: SparseRows | None = None  # set by train() once the lexicon is fitted

    def features(self, model: ArchetypeModel) -> np.ndarray:
        return model.features(self.embeddings, self.n_words, self.headings, self.lexical)

    def segment_probs(self, model: ArchetypeModel) -> np.ndarray:
        return model.segment_probs(self.embeddings, self.lexical)

    def verdict_logits(self, model: ArchetypeModel) -> np.ndarray:
        """The pooled logits the verdict comes from (document head, and text head if any)."""
        return model.pooled_logits(model.doc_logits(self.features(model)), self.texts)


def encode_documents(docs: list[LabelledDocument], encoder: Encoder) -> list[EncodedDocument]:
    segmented = [segment_text(d.text) for d in docs]
    vectors = encoder.encode([s.text for segs in segmented for s in segs])
    out, pos = [], 0
    for doc, segs in zip(docs, segmented, strict=True):
        n = len(segs)
        texts = [s.text for s in segs]
        out.append(
            EncodedDocument(
                doc,
                vectors[pos : pos + n],
                np.array([len(t.split()) for t in texts], dtype=float),
                np.array(skip_mask(segs), dtype=bool),
                texts,
            )
        )
        pos += n
    return out


CONTEXT_WEIGHTS = (0.0, 0.2, 0.35, 0.5)
CONFIDENCES = (0.6, 0.65, 0.7, 0.75, 0.8)
THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.1, 0.5, 0.02))
SPREAD_CONFIDENCES = (0.8, 0.85, 0.9, 0.95)
SHUFFLES = 2  # shuffled copies of each tuning JD when choosing the order-free path


@dataclass
class _Case:
    """A tuning JD as the mix rule sees it: segment probabilities read alone, and the verdict."""

    probs: np.ndarray
    headings: np.ndarray
    n_words: np.ndarray
    verdict: Label
    mixed: bool

    def shuffled(self, rng: np.random.Generator) -> _Case:
        order = rng.permutation(len(self.probs))
        return _Case(self.probs[order], self.headings[order], self.n_words[order], self.verdict, self.mixed)


def _tallies(cases: list[_Case], context: float, confidence: float) -> list[tuple[dict, dict]]:
    out = []
    for c in cases:
        t = Tally.of(in_context(c.probs, c.headings, context), c.headings, c.n_words, confidence)
        out.append((t.share_map(), t.counts()))
    return out


def _flag_score(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """F1 of the mixed flag, and the share of single-archetype JDs it flags."""
    tp = int((pred & truth).sum())
    fp = int((pred & ~truth).sum())
    fn = int((~pred & truth).sum())
    return 2 * tp / max(2 * tp + fp + fn, 1), fp / max(int((~truth).sum()), 1)


def tune_mix_rule(
    model: ArchetypeModel, docs: list[EncodedDocument], *, seed: int = 0, max_flag_rate: float = MAX_FLAG_RATE
) -> tuple[MixRule, dict]:
    """Choose the mix rule on ``docs`` (JDs whose label is an archetype), among rules that flag
    fewer than 1 in 10 single-archetype JDs (ties: fewer flags, then the earlier, simpler rule).

    1. The run path (context weight, vote confidence, minimum votes, threshold): the best F1 on
       the JDs as written.
    2. The scattered path (confidence, minimum votes, threshold of the sentences read alone), or
       none: given the run path, the best sum of F1 on the JDs as written and on copies with their
       segments shuffled, which is what a JD that interleaves two jobs looks like to the run path.
    """
    archetypes = {a.value for a in ARCHETYPES}
    cases = [
        _Case(
            ed.segment_probs(model),
            ed.headings,
            ed.n_words,
            OUTCOMES[int(np.argmax(ed.verdict_logits(model)))],
            ed.doc.mixed,
        )
        for ed in docs
        if ed.doc.kind == "jd" and ed.doc.label in archetypes
    ]
    truth = np.array([c.mixed for c in cases])

    def flags(rule: MixRule, tallies: list, alone: list | None = None, of: list[_Case] = cases) -> np.ndarray:
        return np.array(
            [
                is_mixed(s, c.verdict, n, rule, alone=alone[i] if alone else None).mixed
                for i, ((s, n), c) in enumerate(zip(tallies, of, strict=True))
            ]
        )

    best: tuple | None = None
    for context in CONTEXT_WEIGHTS:
        for confidence in CONFIDENCES:
            tallies = _tallies(cases, context, confidence)
            for min_segments in (1, 2, 3):
                for threshold in THRESHOLDS:
                    rule = MixRule(threshold, min_segments, confidence, context)
                    f1, rate = _flag_score(flags(rule, tallies), truth)
                    key = (rate < max_flag_rate, f1, -rate)
                    if best is None or key > best[0]:
                        best = (key, rule)
    assert best is not None
    run_rule = best[1]

    rng = np.random.default_rng(seed)
    both = cases + [c.shuffled(rng) for c in cases for _ in range(SHUFFLES)]
    truth2 = np.array([c.mixed for c in both])
    n = len(cases)
    run_tallies = _tallies(both, run_rule.context, run_rule.confidence)

    def score(rule: MixRule, alone: list | None) -> tuple:
        pred = flags(rule, run_tallies, alone, both)
        f1_in, rate_in = _flag_score(pred[:n], truth2[:n])
        f1_sh, rate_sh = _flag_score(pred[n:], truth2[n:])
        return (max(rate_in, rate_sh) < max_flag_rate, f1_in + f1_sh, -(rate_in + rate_sh)), (
            f1_in,
            rate_in,
            f1_sh,
        )

    run_only = score(run_rule, None)
    chosen = (run_only[0], run_rule, run_only[1])
    for confidence in SPREAD_CONFIDENCES:
        alone = _tallies(both, 0.0, confidence)
        for min_segments in (2, 3):
            for threshold in THRESHOLDS:
                rule = replace(
                    run_rule,
                    spread_min_segments=min_segments,
                    spread_confidence=confidence,
                    spread_threshold=threshold,
                )
                key, figures = score(rule, alone)
                if key > chosen[0]:
                    chosen = (key, rule, figures)
    _, rule, (f1_in, rate_in, f1_sh) = chosen
    model.mix_rule = rule
    return rule, {
        "tune_mixed_f1": round(f1_in, 4),
        "tune_flag_rate": round(rate_in, 4),
        "tune_shuffled_mixed_f1": round(f1_sh, 4),
        "tune_shuffled_mixed_f1_run_path_only": round(run_only[1][2], 4),
        "tune_mixed_jds": int(truth.sum()),
        "tune_single_jds": int((~truth).sum()),
    }


def _weak_segments(
    docs: list[EncodedDocument], head: LinearHead, lexicon: Lexicon | None
) -> tuple[list[str], list[str], np.ndarray]:
    """Role-bearing sentences of single-archetype documents, labelled with their document's label:
    (texts, labels, embeddings). Role-bearing means the segment head trained on labelled sentences
    reads it as more likely role content than neutral; each distinct text is taken once."""
    probe = ArchetypeModel(head, _placeholder(), lexicon=lexicon)
    neutral = SEGMENT_CLASSES.index("neutral")
    seen: set[str] = set()
    texts, labels, rows = [], [], []
    for ed in docs:
        if ed.doc.mixed or len(ed.texts) == 0:
            continue
        probs = ed.segment_probs(probe)
        for i, text in enumerate(ed.texts):
            if ed.headings[i] or ed.n_words[i] < WEAK_MIN_WORDS or probs[i, neutral] >= 0.5 or text in seen:
                continue
            seen.add(text)
            texts.append(text)
            labels.append(ed.doc.label)
            rows.append(ed.embeddings[i])
    return texts, labels, np.array(rows).reshape(len(rows), -1)


def _placeholder() -> LinearHead:
    return LinearHead(np.zeros((6, 1)), np.zeros(6), tuple(OUTCOME_NAMES))  # not used by features()


TEXT_TERMS = 50_000
WRITER_FOLDS = 4


def _writer(ed: EncodedDocument) -> str:
    """The writer of a realistic-round document (its style), or "" for earlier rounds."""
    return str(ed.doc.meta.get("style", "")) if "round" in ed.doc.meta else ""


def fit_text_head(docs: list[EncodedDocument], C: float) -> tuple[LinearHead, Lexicon]:
    """The text head and its lexicon, fitted on whole documents (segments joined one per line)."""
    joined = ["\n".join(ed.texts) for ed in docs]
    lexicon = Lexicon.fit(joined, max_terms=TEXT_TERMS, weight=1.0)
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    lr.fit(lexicon.transform(joined).to_scipy(), [ed.doc.label for ed in docs])
    return LinearHead.from_sklearn(lr), lexicon


def fit_verdict_heads(
    probe: ArchetypeModel, docs: list[EncodedDocument], opts: TrainOptions, x: np.ndarray | None = None
) -> ArchetypeModel:
    """``probe`` (segment head, lexicon) with its document head, and text head when
    ``opts.text_weight`` > 0, fitted on ``docs`` (``x``: their features, if already computed)."""
    if x is None:
        x = np.stack([ed.features(probe) for ed in docs])
    doc_lr = LogisticRegression(C=opts.doc_C, max_iter=5000, class_weight="balanced")
    doc_lr.fit(x, [ed.doc.label for ed in docs])
    text_head = text_lexicon = None
    if opts.text_weight > 0:
        text_head, text_lexicon = fit_text_head(docs, opts.text_C)
    return replace(
        probe,
        doc_head=LinearHead.from_sklearn(doc_lr),
        text_head=text_head,
        text_lexicon=text_lexicon,
        text_weight=opts.text_weight if text_head is not None else 0.0,
    )


def _writer_logits(
    model: ArchetypeModel, docs: list[EncodedDocument], fit_on: list[EncodedDocument], opts: TrainOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Verdict logits of ``docs`` as a new writer's documents read: the realistic round's writers
    fall into ``WRITER_FOLDS`` groups, and each group's documents are read by heads fitted on
    ``fit_on`` without that group; earlier rounds' documents are read by ``model``."""
    writers = sorted({_writer(ed) for ed in docs} - {""})
    fold_of = {w: i % WRITER_FOLDS for i, w in enumerate(writers)}
    features = {id(ed): ed.features(model) for ed in [*fit_on, *docs]}
    logits, labels = [], []
    for fold in range(min(WRITER_FOLDS, len(writers))):
        mine = [ed for ed in docs if _writer(ed) and fold_of[_writer(ed)] == fold]
        keep = [ed for ed in fit_on if not (_writer(ed) and fold_of.get(_writer(ed)) == fold)]
        heads = fit_verdict_heads(model, keep, opts, np.stack([features[id(ed)] for ed in keep]))
        logits += [ed.verdict_logits(heads)[0] for ed in mine]
        labels += [OUTCOME_NAMES.index(ed.doc.label) for ed in mine]
    rest = [ed for ed in docs if not _writer(ed)]
    logits += [ed.verdict_logits(model)[0] for ed in rest]
    labels += [OUTCOME_NAMES.index(ed.doc.label) for ed in rest]
    return np.array(logits), np.array(labels)


REVIEW_FLOORS = tuple(round(float(t), 2) for t in np.arange(0.5, 0.91, 0.05))


def fit_review_rule(logits: np.ndarray, labels: np.ndarray, catch: float) -> ReviewRule:
    """The review rule whose confidence floor is the lowest in ``REVIEW_FLOORS`` under which
    (with the margin rule) at least ``catch`` of the errors in these calibrated ``logits`` fall,
    so that ``needs_review`` catches most mistakes a new writer's document draws."""
    probs = softmax(logits)
    top = np.sort(probs, axis=1)
    confidence, margin = top[:, -1], top[:, -1] - top[:, -2]
    wrong = probs.argmax(axis=1) != labels
    default = ReviewRule()
    if not wrong.any():
        return default
    for floor in REVIEW_FLOORS:
        flagged = (confidence < floor) | (margin < default.min_margin)
        if flagged[wrong].mean() >= catch:
            return replace(default, min_confidence=floor)
    return replace(default, min_confidence=REVIEW_FLOORS[-1])


def train(
    encoder: Encoder,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    cache_path: Path | None = None,
    words: bool = True,
    options: TrainOptions | None = None,
    log: Callable[[str], None] = print,
) -> tuple[ArchetypeModel, dict]:
    """Train a model from ``data_dir``; returns it with a report for the manifest.

    ``words``: the heads read each segment's TF-IDF row beside its embedding (see ``lexical``).
    ``options``: the design choices (default: the shipped design, see :class:`TrainOptions`)."""
    opts = options or TrainOptions(words=words)
    words = opts.words
    started = time.perf_counter()
    cached = encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder, 10**7)
    if cache_path:
        cached.load(cache_path)
    segments = load_segments(data_dir)
    if not opts.in_context_segments:
        segments = [seg for seg in segments if not seg.doc]
    parts = split_documents(load_documents(data_dir), load_split(data_dir))
    log(
        f"data: {len(segments)} segments; documents train {len(parts['train'])}, "
        f"val {len(parts['val'])}, test {len(parts['test'])}"
    )
    seg_texts = [clean(s.text) for s in segments]
    seg_x = cached.encode(seg_texts)
    seg_y = np.array([s.label for s in segments])
    encoded = {name: encode_documents(docs, cached) for name, docs in parts.items()}
    if cache_path:
        cached.save(cache_path)
    log(f"encoded in {time.perf_counter() - started:.0f}s ({cached.misses} texts not in the cache)")

    lexicon = None
    seg_features = seg_x
    if words:
        lexicon = Lexicon.fit(
            seg_texts + [t for ed in encoded["train"] for t in ed.texts],
            max_terms=LEXICON_TERMS,
            weight=LEXICON_WEIGHT,
        )
        for docs in encoded.values():
            for ed in docs:
                ed.lexical = lexicon.transform(ed.texts)
        seg_features = sp.hstack([sp.csr_matrix(seg_x), lexicon.transform(seg_texts).to_scipy()]).tocsr()
    segment_lr = LogisticRegression(C=SEGMENT_C, max_iter=3000, class_weight="balanced")
    segment_head = LinearHead.from_sklearn(segment_lr.fit(seg_features, seg_y))
    n_weak = 0
    if opts.weak_weight > 0:
        weak_texts, weak_labels, weak_x = _weak_segments(encoded["train"], segment_head, lexicon)
        n_weak = len(weak_texts)
        log(f"weak segments: {n_weak} role-bearing sentences of training documents")
        if n_weak:
            weak_features = (
                sp.hstack([sp.csr_matrix(weak_x), lexicon.transform(weak_texts).to_scipy()]).tocsr()
                if lexicon is not None
                else weak_x
            )
            both = (
                sp.vstack([seg_features, weak_features]).tocsr()
                if lexicon is not None
                else np.vstack([seg_features, weak_features])
            )
            weights = np.concatenate([np.ones(len(seg_y)), np.full(n_weak, opts.weak_weight)])
            segment_lr = LogisticRegression(C=SEGMENT_C, max_iter=3000, class_weight="balanced")
            segment_lr.fit(both, np.concatenate([seg_y, weak_labels]), sample_weight=weights)
            segment_head = LinearHead.from_sklearn(segment_lr)
    probe = ArchetypeModel(
        segment_head,
        _placeholder(),
        review_rule=ReviewRule(),
        lexicon=lexicon,
        shares_weight=opts.shares_weight,
    )
    train_docs = encoded["train"]
    model = fit_verdict_heads(probe, train_docs, opts)

    val = encoded["val"]
    if opts.calibration == "writers":
        cal_logits, cal_labels = _writer_logits(model, train_docs + val, train_docs, opts)
    else:
        cal_logits = np.vstack([ed.verdict_logits(model) for ed in val])
        cal_labels = np.array([OUTCOME_NAMES.index(ed.doc.label) for ed in val])
    model.temperature = fit_temperature(cal_logits, cal_labels)
    if opts.review_catch > 0:
        model.review_rule = fit_review_rule(cal_logits / model.temperature, cal_labels, opts.review_catch)
        log(f"review rule {model.review_rule}")
    # Documents whose sentences trained the segment head would read too sure of themselves.
    seen = {seg.doc for seg in segments if seg.doc}
    tuning = [ed for ed in encoded["train"] + val if ed.doc.id not in seen]
    if opts.mix_tuning == "realistic":
        tuning = [ed for ed in tuning if _writer(ed)] or tuning
    rule, mix_report = tune_mix_rule(model, tuning, max_flag_rate=opts.max_flag_rate)
    log(f"temperature {model.temperature:.2f}; {rule}; {mix_report}")
    report = {
        "data_hash": data_hash(data_dir),
        "counts": {
            "segments": len(segments),
            "segments_by_label": {c: int((seg_y == c).sum()) for c in SEGMENT_CLASSES},
            "weak_segments": n_weak,
            **{f"documents_{k}": len(v) for k, v in parts.items()},
        },
        "tuning": mix_report,
        "hyperparameters": {
            "segment_C": SEGMENT_C,
            "doc_C": opts.doc_C,
            "weak_weight": opts.weak_weight,
            "calibration": opts.calibration,
            "review_catch": opts.review_catch,
            "shares_weight": opts.shares_weight,
            "text_weight": opts.text_weight,
            "text_C": opts.text_C if opts.text_weight > 0 else None,
            "lexicon_terms": lexicon.size if lexicon else 0,
            "lexicon_weight": LEXICON_WEIGHT if lexicon else 0.0,
        },
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return model, report


__all__ = ["TrainOptions", "build_model", "encode_documents", "train", "tune_mix_rule"]


def build_model(
    encoder_name: str | None,
    out: Path,
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    cache_path: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """``archetype train``: heads, the ONNX encoders, the static encoder and its heads, in one folder.

    Every backend is scored on the validation split; the default backend for inference is the
    fastest one (in its deterministic configuration) whose macro-F1 is within a point of torch's.
    """
    import tempfile

    from .backends import STATIC_DIR, StaticEncoder, distill_static, export_onnx, onnx_encoder
    from .encoder import SentenceTransformerEncoder
    from .evaluate import metrics, predict_model
    from .persistence import save_model
    from .pipeline import Classifier

    torch_encoder = SentenceTransformerEncoder(encoder_name)
    model, report = train(torch_encoder, data_dir, cache_path=cache_path, log=log)
    val = split_documents(load_documents(data_dir), load_split(data_dir))["val"]
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        log("exporting the encoder to ONNX (fp32, int8)")
        paths = export_onnx(torch_encoder.name, staging)
        log("distilling the static encoder (model2vec)")
        static_dir = distill_static(torch_encoder.name, staging)
        static = StaticEncoder(static_dir, name=f"{torch_encoder.name} (static)")
        # Fast mode reads words too: they cost ~12% of its speed and lift its validation
        # macro-F1 from 0.930 to 0.976 and mixed-JD F1 from 0.79 to 0.93 (see docs/speed.md).
        fast_model, fast_report = train(static, data_dir, log=lambda m: log(f"fast: {m}"))
        encoders = {
            "torch": torch_encoder,
            "onnx": onnx_encoder(paths["onnx"], paths["tokenizer"], "onnx", name="onnx"),
            "onnx-int8": onnx_encoder(paths["onnx-int8"], paths["tokenizer"], "onnx-int8", name="onnx-int8"),
        }
        scores = {}
        for name, enc in encoders.items():
            m = metrics(val, predict_model(Classifier(model, enc), val))
            scores[name] = {"val_macro_f1": m["macro_f1"], "val_mixed_f1": m["mixed"]["f1"]}
        m = metrics(val, predict_model(Classifier(fast_model, static, mode="fast"), val))
        scores["static"] = {"val_macro_f1": m["macro_f1"], "val_mixed_f1": m["mixed"]["f1"]}
        reference = scores["torch"]["val_macro_f1"]
        # Preference by measured throughput of each backend's deterministic configuration (see
        # docs/speed.md): ONNX int8 one sentence per call on a worker per core, then ONNX fp32
        # batched, then torch.
        default = next(
            b for b in ("onnx-int8", "onnx", "torch") if scores[b]["val_macro_f1"] >= reference - 0.01
        )
        f1s = {k: v["val_macro_f1"] for k, v in scores.items()}
        log(f"validation macro-F1 by backend: {f1s}; default {default}")
        return save_model(
            model,
            out,
            fast_model=fast_model,
            artifacts={"encoders": staging / "encoders", STATIC_DIR: static_dir},
            encoder=torch_encoder.name,
            training=report,
            fast_training=fast_report,
            backends=scores,
            default_backend=default,
        )
