"""A model file is used only if it is exactly what was saved; anything else is refused."""

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from classifier.errors import ModelError
from classifier.mixing import MixRule
from classifier.model import OUTCOME_NAMES, ArchetypeModel, LinearHead
from classifier.persistence import (
    HEADS_FILE,
    MANIFEST_FILE,
    load_model,
    model_version,
    save_model,
    sha256_file,
)
from classifier.taxonomy import SEGMENT_CLASSES


class Payload:  # a type no model file should ever contain
    def __reduce__(self):
        return (print, ("this must never run",))


def _model(dim=8):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(70, dim))
    seg = LogisticRegression().fit(x, [SEGMENT_CLASSES[i % 7] for i in range(70)])
    doc = LogisticRegression().fit(np.hstack([x, x[:, :6]])[:60], [OUTCOME_NAMES[i % 6] for i in range(60)])
    return ArchetypeModel(
        LinearHead.from_sklearn(seg),
        LinearHead.from_sklearn(doc),
        temperature=1.3,
        mix_rule=MixRule(0.27, 2, 0.65),
    )


def test_linear_head_is_the_sklearn_estimator():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(90, 5))
    lr = LogisticRegression().fit(x, [OUTCOME_NAMES[i % 6] for i in range(90)])
    head = LinearHead.from_sklearn(lr)
    assert np.allclose(head.predict_proba(x), lr.predict_proba(x))
    assert np.allclose(head.to_sklearn().predict_proba(x), lr.predict_proba(x))


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


def test_version_names_the_rules_as_well_as_the_heads(saved, tmp_path):
    _, manifest = load_model(saved)
    other = _model()
    other.mix_rule = MixRule(0.27, 2, 0.65, context=0.2)  # same heads, another mix rule
    save_model(other, tmp_path / "other", encoder="test-encoder")
    _, other_manifest = load_model(tmp_path / "other")
    assert other_manifest["heads_sha256"] == manifest["heads_sha256"]
    assert other_manifest["model_version"] != manifest["model_version"]
    save_model(_model(), tmp_path / "again", encoder="test-encoder")
    assert load_model(tmp_path / "again")[1]["model_version"] == manifest["model_version"]


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
    with pytest.raises(ModelError, match="refused|not a valid heads file"):
        load_model(saved)
    assert "must never run" not in capsys.readouterr().out


def test_object_arrays_are_refused(saved, tmp_path, capsys):
    evil = tmp_path / "evil.npz"
    with open(evil, "wb") as fh:
        np.savez(
            fh,
            segment_coef=np.array([Payload()], dtype=object),
            segment_intercept=np.zeros(7),
            segment_classes=np.array(SEGMENT_CLASSES),
        )
    _swap_heads(saved, evil.read_bytes())
    with pytest.raises(ModelError, match="would need unpickling"):
        load_model(saved)
    assert "must never run" not in capsys.readouterr().out


def test_foreign_arrays_are_refused(saved, tmp_path):
    other = tmp_path / "other.npz"
    with open(other, "wb") as fh:
        np.savez(fh, weights=np.zeros(3))
    _swap_heads(saved, other.read_bytes())
    with pytest.raises(ModelError, match="not a heads file of this project"):
        load_model(saved)


def test_foreign_manifest_is_refused(saved):
    (saved / MANIFEST_FILE).write_text('{"format": "something-else"}')
    with pytest.raises(ModelError, match="not an archetype model manifest"):
        load_model(saved)
    (saved / MANIFEST_FILE).write_text("not json")
    with pytest.raises(ModelError, match="not a readable model manifest"):
        load_model(saved)


def test_shares_weight_round_trips_and_names_a_new_version(saved, tmp_path):
    model, manifest = load_model(saved)
    assert model.shares_weight == 1.0
    other = _model()
    other.shares_weight = 3.0  # same heads, the shares scaled otherwise: another reading
    save_model(other, tmp_path / "other", encoder="test-encoder")
    loaded, other_manifest = load_model(tmp_path / "other")
    assert loaded.shares_weight == 3.0
    assert other_manifest["model_version"] != manifest["model_version"]
    # A manifest from before the setting existed reads as weight 1.
    path = tmp_path / "other" / MANIFEST_FILE
    data = json.loads(path.read_text())
    del data["shares_weight"]
    data.pop("text_weight")  # nor the text head
    rules = {k: data[k] for k in ("temperature", "mix_rule", "review_rule")}
    data["model_version"] = model_version(data["heads_sha256"], rules)  # as it was then saved
    path.write_text(json.dumps(data))
    assert load_model(tmp_path / "other")[0].shares_weight == 1.0


def _edit_manifest(saved, **changes):
    path = saved / MANIFEST_FILE
    data = json.loads(path.read_text())
    for key, value in changes.items():
        if "." in key:
            rule, name = key.split(".")
            data[rule][name] = value
        else:
            data[key] = value
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"temperature": 0}, r"temperature: 0 is outside \(0.0"),
        ({"temperature": -1}, "temperature: -1 is outside"),
        ({"temperature": "1.3"}, "temperature: '1.3' is not a number"),
        ({"temperature": None}, "temperature: None is not a number"),
        ({"shares_weight": float("nan")}, "shares_weight: nan is outside"),
        ({"mix_rule.threshold": 5}, "mix_rule.threshold: 5 is outside"),
        ({"mix_rule.min_segments": 1.5}, "mix_rule.min_segments: 1.5 is not a whole number"),
        ({"review_rule.min_margin": True}, "review_rule.min_margin: True is not a number"),
        ({"review_rule": [1, 2]}, "review_rule: expected an object"),
        ({"mix_rule.surprise": 1}, "unknown settings surprise"),
        ({"dimension": 9}, "dimension 9 does not fit"),
    ],
)
def test_edited_manifest_values_are_refused(saved, changes, match):
    _edit_manifest(saved, **changes)
    with pytest.raises(ModelError, match=match):
        load_model(saved)


def test_a_manifest_that_does_not_match_its_version_is_refused(saved):
    _edit_manifest(saved, temperature=2.5)  # in range, but not what was saved
    with pytest.raises(ModelError, match="do not match model_version"):
        load_model(saved)


def test_the_default_model_with_a_zero_temperature_does_not_load(tmp_path):
    """The whole chain: an edited manifest stops the CLI (exit 3) instead of printing NaN."""
    import shutil

    from classifier import default_model_dir
    from classifier.cli import main

    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    _edit_manifest(model, temperature=0)
    assert main(["classify", "--model", str(model), str(Path(__file__).parent / "texts.py")]) == 3


def _with_text_head(model, weight=0.7):
    from dataclasses import replace

    from classifier.lexical import Lexicon

    texts = [
        "train the ranking model and deploy it",
        "run the gpu cluster and nccl",
        "publish papers on theory",
        "build rag agents on llm apis",
        "implement papers and run ablations",
        "nurse on the cardiac ward",
    ] * 3
    lexicon = Lexicon.fit(texts, max_terms=200, weight=1.0)
    lr = LogisticRegression().fit(
        lexicon.transform(texts).to_scipy(), [OUTCOME_NAMES[i % 6] for i in range(18)]
    )
    return replace(model, text_head=LinearHead.from_sklearn(lr), text_lexicon=lexicon, text_weight=weight)


def test_text_head_round_trips_and_pools_as_weighted(tmp_path):
    model = _with_text_head(_model())
    save_model(model, tmp_path / "t", encoder="test-encoder")
    loaded, manifest = load_model(tmp_path / "t")
    assert loaded.text_weight == 0.7 and manifest["text_weight"] == 0.7
    assert loaded.text_lexicon.terms == model.text_lexicon.terms
    texts = ["deploy the ranking model", "watch the gpu cluster"]
    assert np.allclose(loaded.text_logits(texts), model.text_logits(texts))
    doc = np.zeros((1, 6))
    pooled = loaded.pooled_logits(doc, texts)
    assert np.allclose(pooled, 0.7 * model.text_logits(texts))  # (1 - w) * 0 + w * text
    assert np.allclose(loaded.pooled_logits(doc, None), doc)  # no texts: the document head alone
    # The weight is part of what the version names.
    other = _with_text_head(_model(), weight=0.5)
    save_model(other, tmp_path / "u", encoder="test-encoder")
    assert load_model(tmp_path / "u")[1]["model_version"] != manifest["model_version"]


def test_a_text_head_that_does_not_fit_its_lexicon_is_refused(tmp_path):
    model = _with_text_head(_model())
    save_model(model, tmp_path / "t", encoder="test-encoder")
    heads = tmp_path / "t" / "heads.npz"
    with np.load(heads) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["text_coef"] = arrays["text_coef"][:, :-3]
    with open(heads, "wb") as fh:
        np.savez(fh, **arrays)
    manifest_path = tmp_path / "t" / MANIFEST_FILE
    data = json.loads(manifest_path.read_text())
    data["heads_sha256"] = __import__("classifier.persistence", fromlist=["sha256_file"]).sha256_file(heads)
    rules = {k: data[k] for k in ("temperature", "mix_rule", "review_rule", "shares_weight", "text_weight")}
    data["model_version"] = model_version(data["heads_sha256"], rules)
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="text head does not fit"):
        load_model(tmp_path / "t")
