import numpy as np

from classifier.mixing import MixRule, is_mixed, outcome_distributions, role_weights, shares
from classifier.taxonomy import Label

M, S, I = Label.ML_ENGINEER, Label.RESEARCH_SCIENTIST, Label.ML_INFRA_ENGINEER


def test_neutral_segments_do_not_dilute_shares():
    # columns: 6 outcomes + neutral (last)
    role = np.array([[0, 0, 0.9, 0, 0, 0, 0.1], [0.8, 0, 0, 0, 0, 0, 0.2]])
    neutral = np.array([[0, 0, 0, 0, 0, 0.02, 0.98]] * 20)
    words = np.full(2, 20.0)
    base = shares(role_weights(role, words, 6), outcome_distributions(role, list(range(6)), 1.0))
    probs = np.vstack([role, neutral])
    padded = shares(
        role_weights(probs, np.full(22, 20.0), 6), outcome_distributions(probs, list(range(6)), 1.0)
    )
    assert abs(base[2] - padded[2]) < 0.03 and abs(base[0] - padded[0]) < 0.03


def test_mixed_rule_threshold_and_votes():
    share = {M: 0.6, S: 0.35, I: 0.05}
    rule = MixRule(threshold=0.3, min_segments=2)
    assert is_mixed(share, M, {M: 6, S: 3}, rule)[:2] == (True, S)
    assert is_mixed(share, M, {M: 6, S: 1}, rule)[0] is False  # one passing mention is not a mix
    assert is_mixed({M: 0.9, S: 0.1}, M, {M: 9, S: 2}, rule)[0] is False
    assert is_mixed(share, Label.OUT_OF_SCOPE, {S: 5}, rule)[0] is False


def test_allowed_blend_is_not_flagged_but_others_are():
    rule = MixRule(threshold=0.3, min_segments=1)
    share = {M: 0.55, S: 0.45}
    assert is_mixed(share, M, {S: 3}, rule, allow=frozenset({M, S}))[0] is False
    assert is_mixed(share, M, {S: 3}, rule, allow=frozenset({M, I}))[0] is True
