"""Assemble the writers' drafts into training documents (run by hand when a writer's drafts change).

    python training_data/assemble.py            # drafts/<writer>/ -> documents/<label>/<kind>s_<set>.jsonl

Each writer (see the datasheet) drafted postings and resumes in one register, for every label,
with the employer as ``{{EMPLOYER}}``, plus a file of label-free boilerplate in the same register
(company blurbs, benefits, pay, equal-opportunity text, locations, how to apply). This script:

* fills ``{{EMPLOYER}}`` from ONE pool of invented names drawn without regard to label, so that no
  employer name says which label a document has;
* gives most postings the long tail real exports carry: 0 to 5 of the writer's own boilerplate
  blocks, drawn at random (never by label), placed where real postings put them;
* varies the layout a little as exports do (bullet glyphs, HTML-stripped lists without glyphs);
* writes every document to ``documents/<label>/<kind>s_<set>.jsonl`` beside the earlier rounds,
  tagged with its writer's register (``style``) and round.

A writer folder may hold a ``writer.json`` naming its round, the register whose boilerplate it
borrows and the document set it feeds (round 8: ``{"round": "8-twins", "register": "frontier",
"set": "twins"}``). Earlier rounds are drawn first, so adding a round leaves earlier documents as
they were. Twins (round 8: two postings or resumes in one frame whose role bodies differ in the
work that decides the label) carry a ``pair`` id and share their employer.

It is seeded, so re-running it on the same drafts gives the same documents.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DRAFTS = ROOT / "drafts"
OUT = ROOT / "documents"
ROUND = "7-realistic"
ARCHETYPES = {
    "research_scientist",
    "research_engineer",
    "ml_engineer",
    "ml_infra_engineer",
    "applied_ai_engineer",
}

_A = [
    "Harbour",
    "Vell",
    "Quill",
    "Bright",
    "Tarn",
    "North",
    "Cinder",
    "Amber",
    "Lumen",
    "Fallow",
    "Kestrel",
    "Orrin",
    "Pellar",
    "Sable",
    "Tessel",
    "Umber",
    "Wren",
    "Yarrow",
    "Zephyr",
    "Brook",
    "Cobalt",
    "Drift",
    "Ember",
    "Fenwick",
    "Garnet",
    "Hollis",
    "Ivory",
    "Juniper",
    "Kepler",
    "Larch",
    "Marlow",
    "Nimbus",
    "Ostrava",
    "Pike",
    "Quarry",
    "Rook",
    "Saffron",
    "Thistle",
    "Upland",
    "Vesper",
    "Willow",
    "Alder",
    "Basalt",
    "Corvid",
    "Delphin",
    "Estuary",
    "Flint",
    "Granite",
    "Heron",
    "Isle",
    "Jasper",
    "Kiln",
    "Loch",
    "Meridian",
    "Nettle",
    "Opal",
]
_B = [
    "line",
    "mark",
    "water",
    "stone",
    "field",
    "gate",
    "path",
    "crest",
    "ridge",
    "wick",
    "haven",
    "point",
    "works",
    "forge",
    "bridge",
    "light",
    "wood",
    "moor",
    "vale",
    "ford",
]
_SUFFIX = [
    "",
    "",
    "",
    "",
    " Labs",
    " Group",
    " Systems",
    " Technologies",
    " AI",
    " Health",
    " Financial",
    " & Co",
    " Analytics",
    " Robotics",
    " Software",
    " Inc.",
    " GmbH",
    " Ltd",
    " Bank",
    " Insurance",
]


def employer_pool(seed: int = 7, size: int = 400) -> list[str]:
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < size:
        names.add(rng.choice(_A) + rng.choice(_B) + rng.choice(_SUFFIX))
    return sorted(names)


# Where each kind of block goes in a posting: before the body, or in the tail (in this order).
_HEAD = ("about",)
_TAIL = ("location", "pay", "benefits", "perks", "eeo", "apply")


def _layout(text: str, rng: random.Random) -> str:
    """Re-render list glyphs as an export might: keep, swap, or drop them (HTML-stripped lists)."""
    roll = rng.random()
    if roll < 0.6:
        return text
    glyph = rng.choice(["• ", "* ", "· ", "", "o ", "– "])
    return re.sub(r"(?m)^(\s*)[-•*]\s+", lambda m: m.group(1) + glyph, text)


def assemble_posting(draft: dict, blocks: dict[str, list[str]], rng: random.Random, terse: bool) -> str:
    text = draft["text"].strip()
    if terse or not blocks:
        return text
    n_tail = rng.choice([0, 1, 2, 3, 4, 4, 5, 5, 5, 5])
    tail_types = [t for t in _TAIL if blocks.get(t)]
    rng.shuffle(tail_types)
    chosen = sorted(tail_types[:n_tail], key=_TAIL.index)
    parts = []
    if blocks.get("about") and rng.random() < 0.5 and "{{EMPLOYER}}" not in text[:300]:
        parts.append(rng.choice(blocks["about"]))
    parts.append(_layout(text, rng))
    parts += [_layout(rng.choice(blocks[t]), rng) for t in chosen]
    return "\n\n".join(parts)


def _writer_info(writer_dir: Path) -> dict[str, str]:
    """A writer's round, the register whose boilerplate it uses, and the document set it feeds
    (``writer.json`` beside its drafts; round-7 writers have none)."""
    info = {"round": ROUND, "register": writer_dir.name, "set": "realistic"}
    path = writer_dir / "writer.json"
    if path.exists():
        info.update(json.loads(path.read_text(encoding="utf-8")))
    return info


def main(drafts: Path = DRAFTS) -> None:
    rng = random.Random(2026)
    pool = employer_pool()
    out: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    pair_employer: dict[str, str] = {}
    writers = [(_writer_info(p), p) for p in drafts.iterdir() if p.is_dir()]
    # Earlier rounds first, so a new round's writers never change an earlier round's draws.
    for info, writer_dir in sorted(writers, key=lambda w: (w[0]["round"], w[1].name)):
        blocks: dict[str, list[str]] = defaultdict(list)
        bp = drafts / info["register"] / "boilerplate.jsonl"
        if bp.exists():
            for line in bp.open(encoding="utf-8"):
                if line.strip():
                    b = json.loads(line)
                    blocks[b["type"]].append(b["text"].strip())
        for name in ("jds.jsonl", "resumes.jsonl"):
            path = writer_dir / name
            if not path.exists():
                continue
            for line in path.open(encoding="utf-8"):
                if not line.strip():
                    continue
                d = json.loads(line)
                employer = rng.choice(pool)
                if d.get("pair"):  # twins share their employer, as they share the frame
                    employer = pair_employer.setdefault(d["pair"], employer)
                if d["kind"] == "jd":
                    text = assemble_posting(d, blocks, rng, terse=info["register"] == "terse")
                else:
                    text = d["text"].strip()
                text = text.replace("{{EMPLOYER}}", employer)
                title = (d.get("title") or "").replace("{{EMPLOYER}}", employer)
                mixed_with = d.get("mixed_with")
                if mixed_with not in ARCHETYPES or mixed_with == d["label"]:
                    mixed_with = None  # a second archetype only (a writer's "mixed with out_of_scope")
                out[(d["label"], d["kind"], info["set"])].append(
                    {
                        "id": d["id"],
                        "kind": d["kind"],
                        "title": title,
                        "text": text,
                        "label": d["label"],
                        "mixed_with": mixed_with,
                        "second_share": d.get("second_share") if mixed_with else None,
                        "title_mismatch": bool(d.get("title_mismatch", False)),
                        "employer": employer if d["kind"] == "jd" else None,
                        "seniority": d.get("seniority", "unknown"),
                        "style": info["register"],  # a round-8 writer reuses a register's style
                        "round": info["round"],
                        **({"pair": d["pair"]} if d.get("pair") else {}),
                    }
                )
    for (label, kind, doc_set), rows in sorted(out.items()):
        folder = OUT / label
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{kind}s_{doc_set}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in sorted(rows, key=lambda r: r["id"]):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: {len(rows)}")


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DRAFTS)
