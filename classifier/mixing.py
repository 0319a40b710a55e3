"""Shares of role-bearing content and the mixed-JD rule.

Pure numpy over segment probabilities, so it can be tested without an encoder.

Every non-heading segment ``i`` has probabilities ``P[i]`` over the segment classes (the six
outcomes plus ``neutral``). A segment *votes* for its top class when that class is an outcome (not
neutral) and the segment is confident about it (``P >= rule.confidence``); ambiguous sentences
("strong Python skills") and boilerplate cast no vote. A document's shares are its votes per
outcome, each weighted by the segment's length, as fractions of all votes: the share of its
role-bearing content that belongs to each outcome. Neutral content (benefits, blurbs, EEO text)
never votes, so it neither dilutes nor sways the shares.

Each segment is read *in context* before it votes: its probabilities are averaged with those of the
segments just before and after it (headings skipped), each neighbour weighing ``context``. A JD's
duties come in runs (a block of research bullets, a block of serving bullets), so a run of
second-archetype sentences keeps its confidence while one stray sentence among another archetype's
lines loses enough to cast no vote: a passing mention is not a mix. A terse bullet read on its own
("reproduce baselines") is often unsure; inside a run of its kind it counts.

A JD is mixed when its second archetype holds at least ``threshold`` of the top two's shares and
has at least ``min_segments`` votes in that reading (a *run*). Reading in context assumes duties
come grouped; a JD that interleaves two jobs bullet by bullet would lose its second archetype's
votes to its neighbours. So there is a second, order-free path: the sentences read *alone*, where
the second archetype must hold at least ``spread_threshold`` with at least ``spread_min_segments``
sentences at ``p >= spread_confidence`` (a *scattered* blend; two sure sentences, since one is a
passing mention). Both paths' numbers are chosen on the training and validation documents, the
second on them in their own order and shuffled (see ``train.tune_mix_rule``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .taxonomy import ARCHETYPES, OUTCOMES, SEGMENT_CLASSES, Label

NEUTRAL_COL = SEGMENT_CLASSES.index("neutral")
OUTCOME_COLS = [SEGMENT_CLASSES.index(label.value) for label in OUTCOMES]
# Segment class column -> index into OUTCOMES (-1 for neutral, which never votes).
_OUTCOME_OF_COL = np.array(
    [OUTCOME_COLS.index(c) if c in OUTCOME_COLS else -1 for c in range(len(SEGMENT_CLASSES))]
)
ROLE_FLOOR = 0.5  # a segment more likely neutral than not weighs nothing


@dataclass(frozen=True)
class MixRule:
    threshold: float = 0.24
    min_segments: int = 2
    confidence: float = 0.7
    context: float = 0.0  # weight of each neighbouring segment when a segment is read in context
    spread_min_segments: int = 0  # the scattered path: 0 turns it off
    spread_confidence: float = 0.9
    spread_threshold: float = 0.1


def length_factor(n_words: np.ndarray) -> np.ndarray:
    """A long responsibility counts more than a three-word fragment (saturating at 40 words)."""
    return np.sqrt(np.clip(n_words, 1, 40) / 40.0)


def role_weights(probs: np.ndarray, n_words: np.ndarray, headings: np.ndarray) -> np.ndarray:
    """How much each segment counts when averaging embeddings: role-bearing probability above a
    floor, times length; 0 for headings (and repeats, which callers mark the same way). The floor
    matters: long postings carry dozens of boilerplate lines each a little role-bearing, which
    would otherwise add up to more than the few real responsibilities."""
    role = np.clip((1.0 - probs[:, NEUTRAL_COL] - ROLE_FLOOR) / (1.0 - ROLE_FLOOR), 0.0, 1.0)
    return role * length_factor(n_words) * (~headings)


def soft_shares(probs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Role-weighted mean outcome distribution over the six outcomes (zeros if nothing counts)."""
    total = float(weights.sum())
    if total <= 1e-9:
        return np.zeros(len(OUTCOMES))
    q = probs[:, OUTCOME_COLS]
    q = q / np.clip(q.sum(axis=1, keepdims=True), 1e-12, None)
    return (weights[:, None] * q).sum(axis=0) / total


def in_context(probs: np.ndarray, headings: np.ndarray, weight: float) -> np.ndarray:
    """Each non-heading segment's probabilities averaged with its non-heading neighbours' (each
    weighing ``weight``); headings keep their own. Rows still sum to 1."""
    if weight <= 0 or len(probs) < 2:
        return probs
    idx = np.flatnonzero(~headings)
    if len(idx) < 2:
        return probs
    own = probs[idx]
    mixed = own.copy()
    mixed[1:] += weight * own[:-1]
    mixed[:-1] += weight * own[1:]
    out = probs.copy()
    out[idx] = mixed / mixed.sum(axis=1, keepdims=True)
    return out


def votes(probs: np.ndarray, headings: np.ndarray, confidence: float) -> np.ndarray:
    """Per segment: the index into OUTCOMES it votes for, or -1 (neutral, heading, unsure)."""
    if len(probs) == 0:
        return np.full(0, -1)
    top = probs.argmax(axis=1)
    sure = probs[np.arange(len(probs)), top] >= confidence
    return np.where(sure & ~headings, _OUTCOME_OF_COL[top], -1)


def vote_shares(segment_votes: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """Length-weighted vote fractions over the six outcomes (zeros when nothing voted)."""
    cast = segment_votes >= 0
    shares = np.bincount(segment_votes[cast], length_factor(n_words)[cast], minlength=len(OUTCOMES))
    total = shares.sum()
    return shares / total if total > 0 else shares


def second_archetype(share: dict[Label, float], verdict: Label) -> tuple[Label | None, float]:
    """The strongest archetype other than the verdict, and its fraction of the top two."""
    if verdict is Label.OUT_OF_SCOPE:
        return None, 0.0
    others = [a for a in ARCHETYPES if a is not verdict]
    second = max(others, key=lambda a: share.get(a, 0.0))
    top, sec = share.get(verdict, 0.0), share.get(second, 0.0)
    if top + sec <= 1e-9:
        return None, 0.0
    return second, sec / (top + sec)


@dataclass(frozen=True)
class Tally:
    """One reading of a document's segments: their probabilities, votes and shares."""

    probs: np.ndarray  # (n_segments, 7) over SEGMENT_CLASSES
    votes: np.ndarray  # (n_segments,) index into OUTCOMES, or -1
    shares: np.ndarray  # (6,) over OUTCOMES

    @classmethod
    def of(cls, probs: np.ndarray, headings: np.ndarray, n_words: np.ndarray, confidence: float) -> Tally:
        v = votes(probs, headings, confidence)
        return cls(probs, v, vote_shares(v, n_words))

    def share_map(self) -> dict[Label, float]:
        return {label: float(self.shares[i]) for i, label in enumerate(OUTCOMES)}

    def counts(self) -> dict[Label, int]:
        return {label: int((self.votes == i).sum()) for i, label in enumerate(OUTCOMES)}


class Mix(NamedTuple):
    mixed: bool
    second: Label | None  # the second archetype when mixed
    ratio: float  # the second's fraction of the top two, in the reading that decided
    scattered: bool = False  # found by the order-free path (sentences read alone), not by a run


def _second_holds(
    share: dict[Label, float], verdict: Label, counts: dict[Label, int], threshold: float, min_segments: int
) -> tuple[Label | None, float, bool]:
    second, ratio = second_archetype(share, verdict)
    holds = second is not None and ratio >= threshold and counts.get(second, 0) >= min_segments
    return second, ratio, holds


def is_mixed(
    share: dict[Label, float],
    verdict: Label,
    vote_counts: dict[Label, int],
    rule: MixRule,
    allow: frozenset[Label] = frozenset(),
    *,
    alone: tuple[dict[Label, float], dict[Label, int]] | None = None,
) -> Mix:
    """Apply ``rule`` to the in-context reading (``share``, ``vote_counts``) and, when given and
    the rule has a scattered path, to the sentences read ``alone`` (their share and counts at
    ``rule.spread_confidence``). A blend named in ``allow`` (with the verdict) is not reported."""
    second, ratio, run = _second_holds(share, verdict, vote_counts, rule.threshold, rule.min_segments)
    if run and {verdict, second} <= allow:
        run = False
    if run or alone is None or rule.spread_min_segments <= 0:
        return Mix(run, second if run else None, ratio if second else 0.0)
    s2, r2, spread = _second_holds(
        alone[0], verdict, alone[1], rule.spread_threshold, rule.spread_min_segments
    )
    if spread and not {verdict, s2} <= allow:
        return Mix(True, s2, r2, scattered=True)
    return Mix(False, None, ratio if second else 0.0)
