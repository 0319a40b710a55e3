"""Read the training data (JSONL) and its fixed document split.

Layout (see training_data/README.md):
  segments/<label>*.jsonl    labelled sentences and bullets written alone (training only)
  segments/in_context/*.jsonl sentences of training documents labelled in their document
  documents/<label>/<kind>s_<set>.jsonl
                             whole JDs and resumes by label (mixed JDs under their dominant
                             archetype), kind, and set (core, mixed, title_mismatch, adjacent,
                             realistic)
  split.json                 document id -> train | val | test, fixed and committed
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .errors import TrainingDataError
from .taxonomy import ARCHETYPES, OUTCOMES, SEGMENT_CLASSES

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "training_data"
SPLITS = ("train", "val", "test")
_OUTCOME_VALUES = {label.value for label in OUTCOMES}
_ARCHETYPE_VALUES = {label.value for label in ARCHETYPES}


@dataclass(frozen=True)
class LabelledSegment:
    text: str
    label: str
    source: str
    doc: str | None = None  # the training document it was cut from (sentences labelled in context)


@dataclass(frozen=True)
class LabelledDocument:
    id: str
    kind: str
    title: str | None
    text: str
    label: str
    mixed_with: str | None
    second_share: float | None
    title_mismatch: bool
    file: str
    meta: dict

    @property
    def mixed(self) -> bool:
        return self.mixed_with is not None


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise TrainingDataError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise TrainingDataError(f"{path}:{number}: expected a JSON object")
            rows.append((number, obj))
    return rows


def load_segments(data_dir: Path = DEFAULT_DATA_DIR) -> list[LabelledSegment]:
    out = []
    for path in sorted((Path(data_dir) / "segments").rglob("*.jsonl")):
        for number, obj in _read_jsonl(path):
            text, label = obj.get("text"), obj.get("label")
            if not isinstance(text, str) or not text.strip():
                raise TrainingDataError(f"{path}:{number}: 'text' is missing or empty")
            if label not in SEGMENT_CLASSES:
                raise TrainingDataError(f"{path}:{number}: unknown label {label!r}")
            doc = obj.get("doc")
            out.append(LabelledSegment(text.strip(), label, str(obj.get("source", "jd")), doc))
    return out


def load_documents(data_dir: Path = DEFAULT_DATA_DIR, folder: str = "documents") -> list[LabelledDocument]:
    """Documents under ``data_dir/folder`` (``challenge`` holds the independent evaluation set)."""
    out, seen = [], {}
    base = Path(data_dir) / folder
    for path in sorted(base.rglob("*.jsonl")):
        for number, obj in _read_jsonl(path):
            where = f"{path}:{number}"
            doc_id, text, label = obj.get("id"), obj.get("text"), obj.get("label")
            if not isinstance(doc_id, str) or not doc_id:
                raise TrainingDataError(f"{where}: 'id' is missing")
            if doc_id in seen:
                raise TrainingDataError(f"{where}: id {doc_id!r} already used at {seen[doc_id]}")
            seen[doc_id] = where
            if not isinstance(text, str) or not text.strip():
                raise TrainingDataError(f"{where}: 'text' is missing or empty")
            if label not in _OUTCOME_VALUES:
                raise TrainingDataError(f"{where}: unknown label {label!r}")
            mixed_with = obj.get("mixed_with")
            if mixed_with is not None and (mixed_with not in _ARCHETYPE_VALUES or mixed_with == label):
                raise TrainingDataError(f"{where}: bad mixed_with {mixed_with!r}")
            kind = obj.get("kind", "jd")
            if kind not in ("jd", "resume"):
                raise TrainingDataError(f"{where}: bad kind {kind!r}")
            meta = {k: obj[k] for k in ("employer", "seniority", "style", "round", "pair") if k in obj}
            out.append(
                LabelledDocument(
                    id=doc_id,
                    kind=kind,
                    title=obj.get("title") or None,
                    text=text,
                    label=label,
                    mixed_with=mixed_with,
                    second_share=obj.get("second_share"),
                    title_mismatch=bool(obj.get("title_mismatch", False)),
                    file=path.relative_to(base).as_posix(),
                    meta=meta,
                )
            )
    return out


def make_split(documents: list[LabelledDocument], seed: int = 13) -> dict[str, str]:
    """A stratified 60/20/20 split by document (strata: file, label, mixed partner, kind)."""
    strata: dict[tuple, list[str]] = defaultdict(list)
    for doc in documents:
        strata[(doc.file, doc.label, doc.mixed_with, doc.kind)].append(doc.id)
    rng = random.Random(seed)
    split: dict[str, str] = {}
    for key in sorted(strata, key=str):
        ids = sorted(strata[key])
        rng.shuffle(ids)
        n = len(ids)
        n_test = round(n * 0.2)
        n_val = round(n * 0.2)
        for i, doc_id in enumerate(ids):
            split[doc_id] = "test" if i < n_test else "val" if i < n_test + n_val else "train"
    return dict(sorted(split.items()))


def load_split(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    path = Path(data_dir) / "split.json"
    if not path.exists():
        raise TrainingDataError(f"{path} is missing; create it with `archetype split`")
    split = json.loads(path.read_text())
    bad = {v for v in split.values() if v not in SPLITS}
    if bad:
        raise TrainingDataError(f"{path}: unknown split names {sorted(bad)}")
    return split


def split_documents(
    documents: list[LabelledDocument], split: dict[str, str]
) -> dict[str, list[LabelledDocument]]:
    missing = [d.id for d in documents if d.id not in split]
    if missing:
        raise TrainingDataError(
            f"{len(missing)} documents have no split (e.g. {missing[:3]}); run `archetype split`"
        )
    out: dict[str, list[LabelledDocument]] = {s: [] for s in SPLITS}
    for doc in documents:
        out[split[doc.id]].append(doc)
    return out


def data_hash(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """sha256 over every data file's name and bytes: identifies what a model was trained on."""
    digest = hashlib.sha256()
    root = Path(data_dir)
    for path in sorted([*root.rglob("*.jsonl"), root / "split.json"]):
        if path.exists():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
