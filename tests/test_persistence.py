"""A model file is used only if it is exactly what was saved; anything else is refused."""

import json
import pickle

import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from classifier.errors import ModelError
from classifier.mixing import MixRule
from classifier.model import OUTCOME_NAMES, ArchetypeModel
from classifier.persistence import HEADS_FILE, MANIFEST_FILE, load_model, save_model, sha256_file
from classifier.taxonomy import SEGMENT_CLASSES


class Payload:  # a type no model file should ever contain
    def __reduce__(self):
        return (print, ("this must never run",))


def _model(dim=8):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(70, dim))
    seg = LogisticRegression().fit(x, [SEGMENT_CLASSES[i % 7] for i in range(70)])
    doc = LogisticRegression().fit(np.hstack([x, x[:, :6]])[:60], [OUTCOME_NAMES[i % 6] for i in range(60)])
    return ArchetypeModel(seg, doc, temperature=1.3, mix_rule=MixRule(0.27, 2, 0.65))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "m"
    save_model(_model(), path, encoder="test-encoder")
    return path


def test_round_trip_keeps_heads_and_settings(saved):
    model, manifest = load_model(saved)
    ref = _model()
    x = np.random.default_rng(1).normal(size=(3, 8))
    assert np.allclose(model.segment_probs(x), ref.segment_probs(x))
    assert model.temperature == 1.3 and model.mix_rule == MixRule(0.27, 2, 0.65)
    assert manifest["encoder"] == "test-encoder"
    assert manifest["heads_sha256"] == sha256_file(saved / HEADS_FILE)
    assert manifest["model_version"].startswith("archetype-")
    assert "scikit-learn" in manifest["versions"]


def test_missing_model_says_how_to_get_one(tmp_path):
    with pytest.raises(ModelError, match="archetype train"):
        load_model(tmp_path / "nowhere")


def test_tampered_file_is_refused(saved):
    heads = saved / HEADS_FILE
    data = bytearray(heads.read_bytes())
    data[len(data) // 2] ^= 0xFF
    heads.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="truncated or was modified"):
        load_model(saved)


def test_truncated_file_is_refused(saved):
    heads = saved / HEADS_FILE
    heads.write_bytes(heads.read_bytes()[:100])
    with pytest.raises(ModelError, match="truncated or was modified"):
        load_model(saved)


def _swap_heads(saved, payload: bytes):
    (saved / HEADS_FILE).write_bytes(payload)
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["heads_sha256"] = sha256_file(saved / HEADS_FILE)  # an attacker can fix the hash
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_pickle_is_never_loaded_even_with_a_matching_hash(saved, capsys):
    _swap_heads(saved, pickle.dumps(Payload()))
    with pytest.raises(ModelError, match="not a valid skops model file"):
        load_model(saved)
    assert "must never run" not in capsys.readouterr().out


def test_skops_file_with_foreign_types_is_refused(saved, tmp_path, capsys):
    other = tmp_path / "evil.skops"
    sio.dump({"segment_head": Payload(), "doc_head": Payload()}, other)
    _swap_heads(saved, other.read_bytes())
    with pytest.raises(ModelError, match="does not trust"):
        load_model(saved)
    assert "must never run" not in capsys.readouterr().out


def test_foreign_manifest_is_refused(saved):
    (saved / MANIFEST_FILE).write_text('{"format": "something-else"}')
    with pytest.raises(ModelError, match="not an archetype model manifest"):
        load_model(saved)
    (saved / MANIFEST_FILE).write_text("not json")
    with pytest.raises(ModelError, match="not a readable model manifest"):
        load_model(saved)
