"""Shares of role-bearing content and the mixed-JD rule.

Pure numpy over segment probabilities, so it can be tested without an encoder.

Every non-heading segment ``i`` has probabilities ``P[i]`` over the segment classes (the six
outcomes plus ``neutral``). Its role weight is ``1 - P[i, neutral]`` (above a floor) times a length factor (a long
responsibility counts more than a three-word fragment). Its outcome distribution is ``P[i, outcomes]``
renormalised and sharpened by ``gamma`` (gamma > 1 moves it toward the segment's top outcome).
A document's shares are the role-weighted mean of those distributions: the fraction of its
role-bearing content that belongs to each outcome. Neutral content (benefits, blurbs, EEO text)
has near-zero role weight, so it neither dilutes nor sways the shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .taxonomy import ARCHETYPES, OUTCOMES, Label


@dataclass(frozen=True)
class MixRule:
    """A JD is mixed when its second archetype holds at least ``threshold`` of the role-bearing
    content of the top two (``s2 / (s1 + s2)``) and at least ``min_segments`` segments lean to it."""

    threshold: float = 0.3
    min_segments: int = 2
    gamma: float = 2.0


def length_factor(n_words: np.ndarray) -> np.ndarray:
    return np.sqrt(np.clip(n_words, 1, 40) / 40.0)


ROLE_FLOOR = 0.15  # a segment at most this role-bearing (p(neutral) >= 0.85) counts for nothing


def role_weights(probs: np.ndarray, n_words: np.ndarray, neutral_col: int) -> np.ndarray:
    """How much each segment counts: its role-bearing probability above a floor, times length.

    The floor matters: twenty boilerplate lines each 2% role-bearing would otherwise add up to
    the weight of a real responsibility and dilute the shares."""
    role = np.clip((1.0 - probs[:, neutral_col] - ROLE_FLOOR) / (1.0 - ROLE_FLOOR), 0.0, 1.0)
    return role * length_factor(n_words)


def outcome_distributions(probs: np.ndarray, outcome_cols: list[int], gamma: float) -> np.ndarray:
    q = probs[:, outcome_cols]
    q = np.power(np.clip(q, 1e-12, None), gamma)
    return q / q.sum(axis=1, keepdims=True)


def shares(weights: np.ndarray, dists: np.ndarray) -> np.ndarray:
    """Role-weighted mean outcome distribution; zeros when nothing is role-bearing."""
    total = float(weights.sum())
    if total <= 1e-9:
        return np.zeros(dists.shape[1] if dists.ndim == 2 else len(OUTCOMES))
    return (weights[:, None] * dists).sum(axis=0) / total


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


def is_mixed(
    share: dict[Label, float],
    verdict: Label,
    segment_votes: dict[Label, int],
    rule: MixRule,
    allow: frozenset[Label] = frozenset(),
) -> tuple[bool, Label | None, float]:
    """Apply ``rule``; a blend named in ``allow`` (with the verdict) is not reported as mixed."""
    second, ratio = second_archetype(share, verdict)
    if second is None:
        return False, None, 0.0
    mixed = ratio >= rule.threshold and segment_votes.get(second, 0) >= rule.min_segments
    if mixed and {verdict, second} <= allow:
        return False, second, ratio
    return mixed, (second if mixed else None), ratio
