"""Save and load a model folder: ``heads.npz`` (and ``fast/heads.npz``) plus ``manifest.json``.

Loading never runs foreign code. The heads are plain numeric and string arrays in an ``.npz``
read with ``allow_pickle=False`` (no object can be deserialised, so nothing can execute); the
file's sha256 must match the manifest; the arrays must have the expected names, shapes and
classes. Every other file (the ONNX encoders, the static model) is checked against its sha256
before use. Anything else raises ModelError with what is wrong.

Why not pickle, joblib or skops: pickle and joblib run code on load; skops is safe but importing
it walks every scikit-learn module (about 5 s, and it imports torch), which alone would break the
CLI's 1.5 s cold-start budget.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import platform
import shutil
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError
from .lexical import Lexicon
from .mixing import MixRule
from .model import OUTCOME_NAMES, ArchetypeModel, LinearHead, ReviewRule
from .taxonomy import SEGMENT_CLASSES

FORMAT = "archetype-model/1"
HEADS_FILE = "heads.npz"
FAST_HEADS_FILE = "fast/heads.npz"
_HEAD_KEYS = ("coef", "intercept", "classes")
MANIFEST_FILE = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in (
        "scikit-learn",
        "sentence-transformers",
        "torch",
        "numpy",
        "onnxruntime",
        "model2vec",
        "archetype",
    ):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def model_version(heads_sha256: str, rules: dict[str, Any]) -> str:
    """The version names everything that decides a result: the heads and the rules applied to them."""
    digest = hashlib.sha256((heads_sha256 + json.dumps(rules, sort_keys=True)).encode()).hexdigest()
    return f"archetype-{digest[:12]}"


# Each manifest setting: (type, low, high, low inclusive). An edited value outside its range
# (temperature 0 gives NaN probabilities, a negative one flips the verdict) is refused on load.
_PROBABILITY = (float, 0.0, 1.0, True)
_RULE_RANGES: dict[str, dict[str, tuple]] = {
    "mix_rule": {
        "threshold": _PROBABILITY,
        "min_segments": (int, 0, 10_000, True),
        "confidence": _PROBABILITY,
        "context": _PROBABILITY,
        "spread_min_segments": (int, 0, 10_000, True),
        "spread_confidence": _PROBABILITY,
        "spread_threshold": _PROBABILITY,
    },
    "review_rule": {"min_confidence": _PROBABILITY, "min_margin": _PROBABILITY, "even_blend": _PROBABILITY},
}
_RANGES: dict[str, tuple] = {
    "temperature": (float, 0.0, 100.0, False),
    "shares_weight": (float, 0.0, 1000.0, True),
    "text_weight": (float, 0.0, 1.0, True),
}


def _check_value(where: str, value: Any, spec: tuple) -> None:
    kind, low, high, inclusive = spec
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(f"{where}: {value!r} is not a number")
    if kind is int and not isinstance(value, int):
        raise ModelError(f"{where}: {value!r} is not a whole number")
    if not math.isfinite(value) or value > high or value < low or (value == low and not inclusive):
        bound = "[" if inclusive else "("
        raise ModelError(f"{where}: {value!r} is outside {bound}{low}, {high}]")


def check_entry(entry: dict[str, Any], where: str) -> None:
    """Refuse settings of the wrong type or range, and a version that does not cover them."""
    for key, spec in _RANGES.items():
        if key in entry or key == "temperature":
            _check_value(f"{where} {key}", entry.get(key), spec)
    for rule, fields in _RULE_RANGES.items():
        values = entry.get(rule)
        if not isinstance(values, dict):
            raise ModelError(f"{where} {rule}: expected an object of settings, got {type(values).__name__}")
        unknown = set(values) - set(fields)
        if unknown:
            raise ModelError(f"{where} {rule}: unknown settings {', '.join(sorted(unknown))}")
        for name, value in values.items():
            _check_value(f"{where} {rule}.{name}", value, fields[name])
    rules = {
        k: entry[k]
        for k in ("temperature", "mix_rule", "review_rule", "shares_weight", "text_weight")
        if k in entry
    }
    if entry.get("model_version") != model_version(str(entry.get("heads_sha256")), rules):
        raise ModelError(
            f"{where}: the settings do not match model_version {entry.get('model_version')!r} "
            "(the manifest was edited after saving); retrain or restore it"
        )


def _heads_entry(model: ArchetypeModel, path: Path) -> dict[str, Any]:
    """Write a model's heads to ``path`` (npz of plain arrays) and describe them for the manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for name, head in (("segment", model.segment_head), ("doc", model.doc_head)):
        arrays[f"{name}_coef"] = head.coef
        arrays[f"{name}_intercept"] = head.intercept
        arrays[f"{name}_classes"] = np.array(head.classes, dtype=str)
    if model.lexicon is not None:
        arrays.update(model.lexicon.to_arrays())
    if model.text_head is not None and model.text_lexicon is not None:
        arrays["text_coef"] = model.text_head.coef
        arrays["text_intercept"] = model.text_head.intercept
        arrays["text_classes"] = np.array(model.text_head.classes, dtype=str)
        arrays.update(model.text_lexicon.to_arrays("text_lexicon"))
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    digest = sha256_file(path)
    rules = {
        "temperature": model.temperature,
        "mix_rule": asdict(model.mix_rule),
        "review_rule": asdict(model.review_rule),
        "shares_weight": model.shares_weight,
        "text_weight": model.text_weight,
    }
    return {
        "model_version": model_version(digest, rules),
        "heads_sha256": digest,
        "dimension": model.dimension,
        **rules,
    }


def save_model(
    model: ArchetypeModel,
    directory: Path,
    *,
    fast_model: ArchetypeModel | None = None,
    artifacts: dict[str, Path] | None = None,
    **manifest_extra: Any,
) -> dict[str, Any]:
    """Write the model folder atomically (a temp folder renamed into place); return its manifest.

    ``artifacts`` maps paths inside the folder to files or folders to copy there (the ONNX
    encoders, the static model); each file's sha256 goes into the manifest and is checked on load.
    ``fast_model`` holds the heads trained on the static encoder's embeddings (``--mode fast``).
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-model-", dir=directory.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is ordinary data
    try:
        files: dict[str, str] = {}
        for rel, src in (artifacts or {}).items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if Path(src).is_dir():
                shutil.copytree(src, target)
            else:
                shutil.copyfile(src, target)
        for path in sorted(p for p in tmp.rglob("*") if p.is_file()):
            files[str(path.relative_to(tmp))] = sha256_file(path)
        manifest = {
            "format": FORMAT,
            **_heads_entry(model, tmp / HEADS_FILE),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "segment_classes": list(SEGMENT_CLASSES),
            "outcomes": OUTCOME_NAMES,
            "files": files,
            "versions": library_versions(),
            **manifest_extra,
        }
        if fast_model is not None:
            manifest["fast"] = _heads_entry(fast_model, tmp / FAST_HEADS_FILE)
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def verify_files(directory: Path, manifest: dict[str, Any], prefix: str) -> Path:
    """Check every recorded file under ``prefix`` against its sha256; return the path."""
    directory = Path(directory)
    recorded = {
        k: v for k, v in manifest.get("files", {}).items() if k == prefix or k.startswith(prefix + "/")
    }
    if not recorded:
        raise ModelError(f"model at {directory} has no {prefix}; retrain it with `archetype train`")
    for rel, expected in recorded.items():
        path = directory / rel
        if not path.is_file():
            raise ModelError(f"model at {directory} is missing {rel}; retrain or restore it")
        if sha256_file(path) != expected:
            raise ModelError(f"{path} does not match its manifest: the file is truncated or was modified")
    return directory / prefix


def read_manifest(directory: Path) -> dict[str, Any]:
    directory = Path(directory)
    path = directory / MANIFEST_FILE
    if not directory.is_dir() or not path.is_file():
        raise ModelError(
            f"no model at {directory} (missing {MANIFEST_FILE}); train one with "
            "`archetype train` or `make model`, or point ARCHETYPE_MODEL at a model folder"
        )
    try:
        manifest = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path} is not a readable model manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{path} is not an archetype model manifest (expected format {FORMAT})")
    return manifest


def load_model(directory: Path, mode: str = "standard") -> tuple[ArchetypeModel, dict[str, Any]]:
    """Load and verify a model folder's heads (``mode`` fast: the static encoder's heads).

    Refuses anything tampered, truncated or foreign. Returns the model and the manifest entry
    that describes it (the whole manifest for the standard heads)."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if mode == "fast":
        if "fast" not in manifest:
            raise ModelError(f"model at {directory} has no fast mode; retrain it with `archetype train`")
        entry, heads_path = {**manifest, **manifest["fast"]}, directory / FAST_HEADS_FILE
    elif mode == "standard":
        entry, heads_path = manifest, directory / HEADS_FILE
    else:
        raise ModelError(f"unknown mode {mode!r}; expected standard or fast")
    if not heads_path.is_file():
        raise ModelError(f"model at {directory} has no {heads_path.name}")
    digest = sha256_file(heads_path)
    if digest != entry.get("heads_sha256"):
        raise ModelError(
            f"{heads_path} does not match its manifest (sha256 {digest[:12]}... expected "
            f"{str(entry.get('heads_sha256'))[:12]}...): the file is truncated or was "
            "modified; retrain or restore it"
        )
    seg, doc, lexicon, text_head, text_lexicon = _read_heads(heads_path)
    check_entry(manifest["fast"] if mode == "fast" else manifest, f"{directory / MANIFEST_FILE}")
    if entry.get("dimension") != doc.n_features - len(OUTCOME_NAMES) - (lexicon.size if lexicon else 0):
        raise ModelError(
            f"{directory / MANIFEST_FILE}: dimension {entry.get('dimension')!r} does not fit the heads"
        )
    try:
        model = ArchetypeModel(
            segment_head=seg,
            doc_head=doc,
            lexicon=lexicon,
            text_head=text_head,
            text_lexicon=text_lexicon,
            text_weight=float(entry.get("text_weight", 0.0)),  # models before it: no text head
            temperature=float(entry["temperature"]),
            mix_rule=MixRule(**entry["mix_rule"]),
            review_rule=ReviewRule(**entry["review_rule"]),
            shares_weight=float(entry.get("shares_weight", 1.0)),  # models before it: 1
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{directory / MANIFEST_FILE} is missing or has bad settings: {exc}") from None
    return model, entry


def _read_heads(
    path: Path,
) -> tuple[LinearHead, LinearHead, Lexicon | None, LinearHead | None, Lexicon | None]:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except ValueError as exc:  # object arrays need pickle: refused
        raise ModelError(f"{path} holds data that would need unpickling; refused: {exc}") from None
    except Exception as exc:
        raise ModelError(f"{path} is not a valid heads file: {exc}") from None
    heads = []
    for name, expected in (("segment", SEGMENT_CLASSES), ("doc", tuple(OUTCOME_NAMES))):
        try:
            coef, intercept, classes = (arrays[f"{name}_{k}"] for k in _HEAD_KEYS)
        except KeyError as exc:
            raise ModelError(f"{path} is not a heads file of this project (missing {exc})") from None
        classes = tuple(str(c) for c in classes)
        if sorted(classes) != sorted(expected):
            raise ModelError(f"{path} was trained on other labels than this version knows: {classes}")
        if (
            coef.dtype.kind != "f"
            or intercept.dtype.kind != "f"
            or coef.ndim != 2
            or coef.shape[0] != len(classes)
            or intercept.shape != (len(classes),)
        ):
            raise ModelError(f"{path}: the {name} head has unexpected shapes or types")
        heads.append(LinearHead(coef, intercept, classes))
    if heads[1].n_features != heads[0].n_features + len(OUTCOME_NAMES):
        raise ModelError(f"{path}: the document head does not fit the segment head")
    lexicon = None
    if "lexicon_terms" in arrays:
        try:
            lexicon = Lexicon.from_arrays(arrays)
        except (KeyError, IndexError, UnicodeDecodeError, ValueError) as exc:
            raise ModelError(f"{path}: the lexicon is damaged: {exc}") from None
        if lexicon.size >= heads[0].n_features or lexicon.idf.dtype.kind != "f":
            raise ModelError(f"{path}: the lexicon does not fit the heads")
    text_head = text_lexicon = None
    if "text_coef" in arrays:
        try:
            coef, intercept = arrays["text_coef"], arrays["text_intercept"]
            classes = tuple(str(c) for c in arrays["text_classes"])
            text_lexicon = Lexicon.from_arrays(arrays, "text_lexicon")
        except (KeyError, IndexError, UnicodeDecodeError, ValueError) as exc:
            raise ModelError(f"{path}: the text head is damaged: {exc}") from None
        if (
            sorted(classes) != sorted(OUTCOME_NAMES)
            or coef.dtype.kind != "f"
            or coef.shape != (len(classes), text_lexicon.size)
            or intercept.shape != (len(classes),)
        ):
            raise ModelError(f"{path}: the text head does not fit its lexicon or labels")
        text_head = LinearHead(coef, intercept, classes)
    return heads[0], heads[1], lexicon, text_head, text_lexicon
