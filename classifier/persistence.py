"""Save and load a model directory: ``heads.skops`` plus ``manifest.json``.

Loading never runs foreign code: the heads are stored with skops (no pickle), the file's sha256
must match the manifest, skops must find no untrusted type in it, and what comes out must be the
expected scikit-learn estimators with the expected classes. Anything else raises ModelError.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.linear_model import LogisticRegression

from .errors import ModelError
from .mixing import MixRule
from .model import OUTCOME_NAMES, ArchetypeModel, ReviewRule
from .taxonomy import SEGMENT_CLASSES

FORMAT = "archetype-model/1"
HEADS_FILE = "heads.skops"
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
    for name in ("scikit-learn", "sentence-transformers", "torch", "numpy", "skops", "archetype"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def save_model(model: ArchetypeModel, directory: Path, **manifest_extra: Any) -> dict[str, Any]:
    """Write the model atomically (a temp folder renamed into place) and return its manifest."""
    import skops.io as sio

    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-model-", dir=directory.parent))
    try:
        heads = tmp / HEADS_FILE
        sio.dump({"segment_head": model.segment_head, "doc_head": model.doc_head}, heads)
        digest = sha256_file(heads)
        manifest = {
            "format": FORMAT,
            "model_version": f"archetype-{digest[:12]}",
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "heads_sha256": digest,
            "segment_classes": list(SEGMENT_CLASSES),
            "outcomes": OUTCOME_NAMES,
            "dimension": model.dimension,
            "temperature": model.temperature,
            "mix_rule": asdict(model.mix_rule),
            "review_rule": asdict(model.review_rule),
            "versions": library_versions(),
            **manifest_extra,
        }
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


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


def load_model(directory: Path) -> tuple[ArchetypeModel, dict[str, Any]]:
    """Load and verify a model directory; refuse anything tampered, truncated or foreign."""
    import skops.io as sio

    directory = Path(directory)
    manifest = read_manifest(directory)
    heads_path = directory / HEADS_FILE
    if not heads_path.is_file():
        raise ModelError(f"model at {directory} has no {HEADS_FILE}")
    digest = sha256_file(heads_path)
    if digest != manifest.get("heads_sha256"):
        raise ModelError(
            f"{heads_path} does not match its manifest (sha256 {digest[:12]}... expected "
            f"{str(manifest.get('heads_sha256'))[:12]}...): the file is truncated or was "
            "modified; retrain or restore it"
        )
    try:
        untrusted = sio.get_untrusted_types(file=heads_path)
        if untrusted:
            raise ModelError(f"{heads_path} holds types this project does not trust: {untrusted}")
        heads = sio.load(heads_path, trusted=[])
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"{heads_path} is not a valid skops model file: {exc}") from None
    if not isinstance(heads, dict):
        raise ModelError(f"{heads_path} does not hold the expected heads")
    seg, doc = heads.get("segment_head"), heads.get("doc_head")
    if not isinstance(seg, LogisticRegression) or not isinstance(doc, LogisticRegression):
        raise ModelError(f"{heads_path} does not hold two logistic-regression heads")
    if sorted(map(str, seg.classes_)) != sorted(SEGMENT_CLASSES) or sorted(map(str, doc.classes_)) != sorted(
        OUTCOME_NAMES
    ):
        raise ModelError(f"{heads_path} was trained on other labels than this version knows")
    try:
        model = ArchetypeModel(
            segment_head=seg,
            doc_head=doc,
            temperature=float(manifest["temperature"]),
            mix_rule=MixRule(**manifest["mix_rule"]),
            review_rule=ReviewRule(**manifest["review_rule"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{directory / MANIFEST_FILE} is missing or has bad settings: {exc}") from None
    return model, manifest
