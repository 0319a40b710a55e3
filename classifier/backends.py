"""Encoder backends behind the one ``Encoder`` interface, and how they are built at training time.

* ``torch``: sentence-transformers on PyTorch (the training path).
* ``onnx`` / ``onnx-int8``: the same network exported to ONNX (fp32, and int8 by dynamic
  quantisation), run with onnxruntime and the ``tokenizers`` package; mean pooling and L2
  normalisation are part of the exported graph, so they match sentence-transformers exactly.
  Importing torch is not needed: this is the fast-starting default for the CLI and the service.
* ``static``: a static embedding model distilled from the same encoder with model2vec (a token
  embedding table, averaged): orders of magnitude faster, a little less accurate. It has its own
  heads, trained on the same data (``--mode fast``).

Artifacts live in the model folder (``encoders/``, ``fast/``) and their sha256 sums in the manifest.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path

import numpy as np

from .encoder import DEFAULT_ENCODER, default_model_path
from .errors import ModelError

BACKENDS = ("onnx-int8", "onnx", "torch")
ONNX_FILES = {"onnx": "encoders/model.onnx", "onnx-int8": "encoders/model-int8.onnx"}
TOKENIZER_FILE = "encoders/tokenizer.json"
STATIC_DIR = "fast/static"
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length; tokenizer.json alone would cut at 128


def _threads() -> int:
    return int(os.environ.get("ARCHETYPE_THREADS", "0")) or (os.cpu_count() or 1)


class OnnxEncoder:
    """ONNX Runtime + tokenizers: no torch import, ~0.5 s to start.

    With ``batch_size`` 1 (int8, see :func:`onnx_encoder`) sentences run one per call on a small
    pool of single-threaded workers, one per core: each embedding is still a pure function of its
    sentence (bit-identical to a serial run), and the cores are not left waiting on each other
    inside every short call (about 1.2x faster than one call at a time on two threads)."""

    def __init__(self, model_file: Path, tokenizer_file: Path, *, name: str, batch_size: int = 64) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - installed with the project
            raise ModelError(f"the ONNX backend needs onnxruntime and tokenizers: {exc}") from None
        self.name = name
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        threads = _threads()
        self.workers = threads if batch_size == 1 and threads > 1 else 1
        self._pool: ThreadPoolExecutor | None = None
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if self.workers > 1 else threads
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(f"cannot load the ONNX encoder {model_file}: {exc}") from None
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _run(self, encodings: list, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(encodings[i].ids) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            n = len(encodings[i].ids)
            ids[row, :n] = encodings[i].ids
            mask[row, :n] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        return idx, self.session.run(None, feed)[0]

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings])  # similar lengths together: less padding
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        if self.workers > 1 and len(batches) > 1:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="archetype-onnx")
            parts = list(self._pool.map(lambda idx: self._run(encodings, idx), batches))
        else:
            parts = [self._run(encodings, idx) for idx in batches]
        dim = parts[0][1].shape[1]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for idx, vecs in parts:
            out[idx] = vecs
        return out


# BERT's pre-tokenizer on ASCII: runs of letters and digits, and each other visible character.
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
# Characters BERT's normaliser removes or rewrites (the fast path leaves those to the tokenizer).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_CACHE_MAX = 200_000


class StaticEncoder:
    """A model2vec static model: token vectors averaged, then L2-normalised.

    model2vec loads the model; encoding is done here, the same arithmetic in fewer numpy calls
    (its own ``encode`` averages float16 vectors group by group, slower than the tokenizer
    itself). The table is widened to float32 once at load."""

    def __init__(self, folder: Path, *, name: str) -> None:
        try:
            from model2vec import StaticModel
        except ImportError as exc:  # pragma: no cover
            raise ModelError(f"fast mode needs model2vec: {exc}") from None
        self.name = name
        try:
            self.model = StaticModel.from_pretrained(str(folder))
        except Exception as exc:
            raise ModelError(f"cannot load the static model in {folder}: {exc}") from None
        m = self.model
        table = np.asarray(m.embedding, dtype=np.float32)
        if m.weights is not None:  # per-token weights fold into the table (ids index both)
            table = table[m.token_mapping] if m.token_mapping is not None else table
            table = table * np.asarray(m.weights, dtype=np.float32)[:, None]
        elif m.token_mapping is not None:
            table = table[m.token_mapping]
        self.table = np.ascontiguousarray(table)
        self.tokenizer = m.tokenizer
        self.unk = m.unk_token_id
        self.max_chars = m.max_length * m.median_token_length if m.max_length else None
        self.max_tokens = m.max_length
        self._words: dict[str, list[int]] = {}

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        """Word-piece ids per text, exactly as the model's tokenizer gives them.

        Plain ASCII text (nearly all of it) is lower-cased and split into words and punctuation
        here, and each distinct word is word-pieced once by the tokenizer and remembered: the
        same words recur across sentences and documents, and normalising and splitting in the
        tokenizer cost more than averaging the vectors. Anything else (accents, other scripts,
        control characters) goes to the tokenizer whole."""
        words = self._words
        split: list[list[str] | None] = []
        rest: list[int] = []
        for i, text in enumerate(texts):
            if text.isascii() and not _ASCII_CONTROL.search(text):
                split.append(_ASCII_WORD.findall(text.lower()))
            else:
                split.append(None)
                rest.append(i)
        distinct = {w for pieces in split if pieces for w in pieces}
        missing = [w for w in distinct if w not in words]
        if missing:
            if len(words) + len(missing) > _WORD_CACHE_MAX:
                # A fresh dict, not clear(): another thread may be reading the old one.
                self._words = words = {}
                missing = list(distinct)
            encoded = self.tokenizer.encode_batch_fast(missing, add_special_tokens=False)
            words.update(zip(missing, (e.ids for e in encoded), strict=True))
        out: list[list[int]] = []
        for pieces in split:
            ids: list[int] = []
            for w in pieces or ():
                ids += words[w]
            out.append(ids[: self.max_tokens] if self.max_tokens else ids)
        if rest:
            encoded = self.tokenizer.encode_batch_fast([texts[i] for i in rest], add_special_tokens=False)
            for i, enc in zip(rest, encoded, strict=True):
                out[i] = enc.ids
        return out

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        if not texts:
            return out
        if self.max_chars:
            texts = [t[: self.max_chars] for t in texts]
        ids = self._token_ids(texts)
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        if self.unk is not None:
            keep = flat != self.unk
            if not keep.all():  # model2vec drops unknown tokens before averaging
                owner = np.repeat(np.arange(len(ids)), lengths)
                lengths = np.bincount(owner[keep], minlength=len(ids))
                flat = flat[keep]
        vectors = self.table[flat]
        ends = np.cumsum(lengths).tolist()
        # A slice sum per text: faster here than np.add.reduceat over rows.
        for i, (start, end) in enumerate(zip([0, *ends[:-1]], ends, strict=True)):
            if end > start:
                out[i] = vectors[start:end].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


# -- building the artifacts (training time; needs torch) ----------------------------------------
def _source_path(encoder_name: str) -> str:
    return str(default_model_path()) if encoder_name == DEFAULT_ENCODER else encoder_name


def export_onnx(encoder_name: str, folder: Path) -> dict[str, Path]:
    """Export the sentence-transformers model to ONNX (fp32 + int8) and copy its tokenizer."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(_source_path(encoder_name), device="cpu")
    transformer = st[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    (folder / "encoders").mkdir(parents=True, exist_ok=True)
    fp32, int8 = folder / ONNX_FILES["onnx"], folder / ONNX_FILES["onnx-int8"]
    sample = st.tokenizer(["an example sentence", "another"], padding=True, return_tensors="pt")
    args = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
    axes = {
        "input_ids": {0: "batch", 1: "tokens"},
        "attention_mask": {0: "batch", 1: "tokens"},
        "token_type_ids": {0: "batch", 1: "tokens"},
        "embedding": {0: "batch"},
    }
    with torch.no_grad():
        torch.onnx.export(
            Pooled(transformer),
            args,
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    # Per-channel weights keep embeddings at cosine ~0.99 to fp32 (per-tensor: ~0.96).
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    tokenizer_src = Path(_source_path(encoder_name)) / "tokenizer.json"
    if not tokenizer_src.exists():
        st.tokenizer.save_pretrained(str(folder / "encoders" / "hf-tokenizer"))
        tokenizer_src = folder / "encoders" / "hf-tokenizer" / "tokenizer.json"
    (folder / TOKENIZER_FILE).write_bytes(tokenizer_src.read_bytes())
    return {"onnx": fp32, "onnx-int8": int8, "tokenizer": folder / TOKENIZER_FILE}


def distill_static(encoder_name: str, folder: Path, pca_dims: int = 256) -> Path:
    """Distil a static model2vec model from the encoder (offline: the weights are local)."""
    import functools

    from model2vec.distill import distill, inference
    from tqdm import tqdm

    # No per-token progress bar in training logs (tqdm read TQDM_DISABLE when it was imported).
    inference.tqdm = functools.partial(tqdm, disable=True)

    target = folder / STATIC_DIR
    model = distill(model_name=_source_path(encoder_name), pca_dims=pca_dims, device="cpu")
    model.save_pretrained(str(target))
    return target


def load_encoder(directory: Path, manifest: dict, *, mode: str = "standard", backend: str | None = None):
    """The encoder a saved model runs with: ``(encoder, backend name)``; files are verified first."""
    from .encoder import SentenceTransformerEncoder
    from .persistence import verify_files

    base = manifest.get("encoder", DEFAULT_ENCODER)
    if mode == "fast":
        return StaticEncoder(verify_files(directory, manifest, STATIC_DIR), name=f"{base} (static)"), "static"
    chosen = backend or os.environ.get("ARCHETYPE_BACKEND") or manifest.get("default_backend") or "torch"
    if chosen not in BACKENDS:
        raise ModelError(f"unknown backend {chosen!r}; expected one of: {', '.join(BACKENDS)}")
    if chosen == "torch":
        return SentenceTransformerEncoder(base), "torch"
    model_file = verify_files(directory, manifest, ONNX_FILES[chosen])
    tokenizer = verify_files(directory, manifest, TOKENIZER_FILE)
    return onnx_encoder(model_file, tokenizer, chosen, name=f"{base} ({chosen})"), chosen


def onnx_encoder(model_file: Path, tokenizer: Path, backend: str, *, name: str) -> OnnxEncoder:
    """int8 runs one sequence per call: dynamic quantisation scales activations over the whole
    batch, so a batched sentence's embedding would depend on its batch-mates (by up to 0.02), and
    the same JD could score differently alone and in a bulk run. Per sequence (on one
    single-threaded worker per core) it is a pure function of the text, at some cost in speed.
    fp32 batches (its batch effects are ~1e-7)."""
    return OnnxEncoder(model_file, tokenizer, name=name, batch_size=1 if backend == "onnx-int8" else 16)
