import numpy as np

from classifier.mixing import (
    MixRule,
    Tally,
    in_context,
    is_mixed,
    role_weights,
    soft_shares,
    vote_shares,
    votes,
)
from classifier.taxonomy import OUTCOMES, Label

M, S, I = Label.ML_ENGINEER, Label.RESEARCH_SCIENTIST, Label.ML_INFRA_ENGINEER
# segment-class columns: research_scientist, research_engineer, ml_engineer, ml_infra_engineer,
# applied_ai_engineer, out_of_scope, neutral
MLE = [0.02, 0.03, 0.85, 0.05, 0.03, 0.01, 0.01]
RS = [0.9, 0.04, 0.03, 0.01, 0.01, 0.0, 0.01]
VAGUE = [0.2, 0.2, 0.3, 0.1, 0.1, 0.05, 0.05]
NEUTRAL = [0.0, 0.0, 0.0, 0.0, 0.0, 0.02, 0.98]


def test_neutral_and_vague_segments_cast_no_vote():
    probs = np.array([MLE, RS, VAGUE, NEUTRAL])
    v = votes(probs, np.zeros(4, bool), confidence=0.7)
    assert list(v) == [OUTCOMES.index(M), OUTCOMES.index(S), -1, -1]
    assert list(votes(probs, np.array([True, False, False, False]), 0.7))[0] == -1  # headings never vote


def test_boilerplate_neither_dilutes_nor_sways_shares():
    core = np.array([MLE, MLE, RS])
    padded = np.vstack([core, [NEUTRAL] * 30])
    words = np.full(33, 20.0)
    a = vote_shares(votes(core, np.zeros(3, bool), 0.7), words[:3])
    b = vote_shares(votes(padded, np.zeros(33, bool), 0.7), words)
    assert np.allclose(a, b)
    assert np.isclose(a[OUTCOMES.index(M)], 2 / 3)
    # the soft shares that feed the document head are floored the same way
    w = role_weights(padded, words, np.zeros(33, bool))
    assert np.allclose(
        soft_shares(padded, w), soft_shares(core, role_weights(core, words[:3], np.zeros(3, bool))), atol=1e-6
    )


def test_in_context_a_run_keeps_its_votes_and_a_stray_sentence_loses_its_own():
    # Research lines with one ML-engineering line in the middle; research lines then a run of four.
    sure_mle = [0.01, 0.01, 0.95, 0.01, 0.01, 0.005, 0.005]
    unsure_mle = [0.05, 0.05, 0.72, 0.1, 0.04, 0.02, 0.02]  # a terse bullet, unsure on its own
    stray = np.array([RS] * 3 + [MLE] + [RS] * 3)
    run = np.array([RS] * 3 + [sure_mle, unsure_mle, unsure_mle, sure_mle])
    none = np.zeros(7, bool)
    mle = OUTCOMES.index(M)
    assert (votes(stray, none, 0.75) == mle).sum() == 1  # alone, the stray line votes
    assert (votes(in_context(stray, none, 0.2), none, 0.75) == mle).sum() == 0
    assert (votes(in_context(stray, none, 0.2), none, 0.75) == OUTCOMES.index(S)).sum() == 6
    assert (votes(run, none, 0.75) == mle).sum() == 2  # alone, the unsure bullets do not vote
    assert (votes(in_context(run, none, 0.2), none, 0.75) == mle).sum() == 4
    ctx = in_context(run, none, 0.2)
    assert np.allclose(ctx.sum(axis=1), 1.0)
    assert in_context(run, none, 0.0) is run  # weight 0: each segment alone


def test_in_context_skips_headings():
    headings = np.array([False, True, False])
    probs = np.array([RS, MLE, RS])
    ctx = in_context(probs, headings, 0.5)
    assert np.allclose(ctx[1], MLE)  # a heading keeps its own reading...
    assert np.allclose(ctx[0], RS) and np.allclose(ctx[2], RS)  # ...and is nobody's neighbour


def test_mixed_rule_threshold_and_votes():
    share = {M: 0.6, S: 0.35, I: 0.05}
    rule = MixRule(threshold=0.3, min_segments=2)
    assert is_mixed(share, M, {M: 6, S: 3}, rule)[:2] == (True, S)
    assert is_mixed(share, M, {M: 6, S: 1}, rule)[0] is False  # one passing mention is not a mix
    assert is_mixed({M: 0.9, S: 0.1}, M, {M: 9, S: 2}, rule)[0] is False
    assert is_mixed(share, Label.OUT_OF_SCOPE, {S: 5}, rule)[0] is False


def _judge(probs, rule, allow=frozenset()):
    none = np.zeros(len(probs), bool)
    words = np.full(len(probs), 20.0)
    ctx = Tally.of(in_context(probs, none, rule.context), none, words, rule.confidence)
    alone = Tally.of(probs, none, words, rule.spread_confidence)
    return is_mixed(
        ctx.share_map(), M, ctx.counts(), rule, allow, alone=(alone.share_map(), alone.counts())
    )


def test_an_interleaved_blend_is_found_scattered_and_a_stray_sentence_is_not():
    sure_rs = [0.95, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005]
    sure_mle = [0.01, 0.01, 0.95, 0.01, 0.01, 0.005, 0.005]
    # Two jobs interleaved bullet by bullet: in context every research line is outvoted.
    interleaved = np.array([sure_mle, sure_rs] * 3 + [sure_mle] * 2)
    stray = np.array([sure_mle] * 4 + [sure_rs] + [sure_mle] * 3)
    runs_only = MixRule(threshold=0.18, min_segments=1, confidence=0.75, context=0.35)
    both = MixRule(0.18, 1, 0.75, 0.35, spread_min_segments=2, spread_confidence=0.9, spread_threshold=0.1)
    assert _judge(interleaved, runs_only).mixed is False
    found = _judge(interleaved, both)
    assert found == (True, S, found.ratio, True) and found.ratio > 0.3
    assert _judge(stray, both).mixed is False  # one sure research line is a passing mention
    assert _judge(interleaved, both, allow=frozenset({M, S})).mixed is False
    # A run is found by the run path; the scattered path is only asked when no run is found.
    run = np.array([sure_mle] * 5 + [sure_rs] * 3)
    assert _judge(run, both) == (True, S, _judge(run, both).ratio, False)


def test_allowed_blend_is_not_flagged_but_others_are():
    rule = MixRule(threshold=0.3, min_segments=1)
    share = {M: 0.55, S: 0.45}
    assert is_mixed(share, M, {S: 3}, rule, allow=frozenset({M, S}))[0] is False
    assert is_mixed(share, M, {S: 3}, rule, allow=frozenset({M, I}))[0] is True
