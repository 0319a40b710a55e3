"""The ONNX (fp32, int8) and static backends against the torch encoder they were built from."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from classifier import Classifier, backends, default_model_dir
from classifier.backends import ONNX_FILES, load_encoder
from classifier.errors import ModelError
from classifier.persistence import read_manifest

from .texts import APPLIED_JD, INFRA_JD, MIXED_JD, ML_JD, NURSE_JD, RS_RESUME

TEXTS = [
    "Operate GPU clusters with Slurm and NCCL.",
    "We offer a pension and 25 days of leave.",
    "Publish first-author papers at NeurIPS. " * 40,
    "Build RAG features on LLM APIs.",
]


@pytest.fixture(scope="module")
def manifest():
    return read_manifest(default_model_dir())


def test_onnx_matches_sentence_transformers(encoder, manifest):
    ref = encoder.inner.encode(TEXTS)
    fp32, used = load_encoder(default_model_dir(), manifest, backend="onnx")
    int8, _ = load_encoder(default_model_dir(), manifest, backend="onnx-int8")
    assert used == "onnx"
    assert np.all((fp32.encode(TEXTS) * ref).sum(1) > 0.9999)  # pooling + normalisation match exactly
    cos = (int8.encode(TEXTS) * ref).sum(1)
    assert cos.mean() > 0.98 and cos.min() > 0.95
    # long inputs are read to 256 tokens, not cut at the tokenizer file's 128
    assert fp32.tokenizer.encode(TEXTS[2]).ids.__len__() == 256


def test_default_backend_was_chosen_on_validation(manifest):
    scores = manifest["backends"]
    assert manifest["default_backend"] in ("onnx-int8", "onnx", "torch")
    chosen = scores[manifest["default_backend"]]["val_macro_f1"]
    assert chosen >= scores["torch"]["val_macro_f1"] - 0.01
    assert scores["static"]["val_macro_f1"] >= scores["torch"]["val_macro_f1"] - 0.05


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
def test_onnx_backends_give_the_torch_verdicts(_classifier, backend):
    clf = Classifier.load(backend=backend)
    for text in (ML_JD, INFRA_JD, APPLIED_JD, NURSE_JD, RS_RESUME, MIXED_JD):
        a, b = clf.classify(text), _classifier.classify(text)
        assert a.archetype == b.archetype and a.mixed == b.mixed
        assert b.backend == "torch" and a.backend == backend and a.mode == "standard"


def test_fast_mode_has_its_own_heads_and_says_so():
    fast = Classifier.load(mode="fast")
    r = fast.classify(INFRA_JD)
    assert r.mode == "fast" and r.backend == "static" and r.archetype == "ml_infra_engineer"
    assert r.model_version != Classifier.load().model_version
    assert fast.classify(MIXED_JD).mixed


def test_default_runtime_does_not_import_torch(tmp_path):
    jd = tmp_path / "jd.txt"
    jd.write_text(ML_JD)
    code = (
        "import sys; from classifier.cli import main; rc = main(['classify', sys.argv[1], '--format', 'json']);"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH'); sys.exit(rc)"
    )
    res = subprocess.run([sys.executable, "-c", code, str(jd)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert json.loads(out[: out.rindex("}") + 1])["archetype"] == "ml_engineer"
    assert out.strip().endswith("NO-TORCH")


def test_tampered_or_missing_encoder_files_are_refused(tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(default_model_dir(), copy)
    onnx = copy / ONNX_FILES["onnx-int8"]
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2] ^= 0xFF
    onnx.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its manifest"):
        Classifier.load(copy, backend="onnx-int8")
    shutil.rmtree(copy / "fast" / "static")
    with pytest.raises(ModelError, match="missing fast/static"):
        Classifier.load(copy, mode="fast")
    with pytest.raises(ModelError, match="unknown backend 'tpu'"):
        Classifier.load(copy, backend="tpu")


def test_an_embedding_does_not_depend_on_its_batch_mates():
    enc = Classifier.load(backend="onnx-int8", cache_size=0).encoder.inner
    alone = enc.encode(TEXTS[:1])[0]
    together = enc.encode([TEXTS[3], TEXTS[0], TEXTS[2]])[1]
    assert np.array_equal(alone, together)


def test_int8_workers_give_the_serial_embeddings(monkeypatch):
    """Sentences spread over single-threaded workers embed exactly as one at a time."""
    parallel = Classifier.load(backend="onnx-int8", cache_size=0).encoder.inner
    monkeypatch.setenv("ARCHETYPE_THREADS", "1")
    serial = Classifier.load(backend="onnx-int8", cache_size=0).encoder.inner
    assert serial.workers == 1
    texts = TEXTS * 3
    assert np.array_equal(parallel.encode(texts), serial.encode(texts))


def test_static_encoder_matches_model2vec_and_its_tokenizer(monkeypatch):
    """Fast mode's own encoding (word-piece memo, vector sums) equals model2vec's arithmetic."""
    enc = Classifier.load(mode="fast", cache_size=0).encoder.inner
    odd = [
        "Café résumé naïve: Zürich — 東京 team",  # accents and another script: the tokenizer path
        "tabs\tand\x01control chars_with_underscores; a+b=c (x) [y] {z} <p>&amp;",
        "",
        "a" * 150,  # one word longer than word-piece reads: [UNK], dropped
        "word " * 700,  # longer than the model's 512 tokens
    ]
    texts = TEXTS + odd + [t.upper() for t in TEXTS]
    tok = enc.model.tokenizer
    tok.enable_truncation(enc.model.max_length)
    assert enc._token_ids(texts) == [e.ids for e in tok.encode_batch_fast(texts, add_special_tokens=False)]
    assert enc._token_ids(texts) == enc._token_ids(texts)  # the memo changes nothing
    monkeypatch.setattr(backends, "_WORD_CACHE_MAX", 5)  # a full memo starts afresh, still exact
    assert enc._token_ids(texts[::-1]) == [e.ids for e in tok.encode_batch_fast(texts[::-1], add_special_tokens=False)]
    assert len(enc._words) < 60
    ours = enc.encode(texts)
    ref = np.asarray(enc.model.encode(texts), dtype=np.float32)
    ref /= np.clip(np.linalg.norm(ref, axis=1, keepdims=True), 1e-12, None)
    readable = np.isfinite(ref).all(axis=1) & (np.abs(ref).sum(axis=1) > 0)
    assert np.allclose(ours[readable], ref[readable], atol=2e-3)  # model2vec rounds to float16
    assert np.all(ours[~readable] == 0)  # texts with no known token: zeros, not NaN
