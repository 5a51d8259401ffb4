import collections

import numpy as np
import pytest
import tensorflow as tf

from keras_attention.data.length_policy import LengthPolicy
from keras_attention.text.word_tokenizer import WordTokenizer

PAIRS = [
    ("a b c", "x"),  # 3 / 1 tokens
    ("a b c d e", "x y"),  # 5 / 2: source over a cap of 4
    ("a", "x y z w"),  # 1 / 4: target over a cap of 3
    ("a b c d e f", "x y z w v"),  # 6 / 5: both over
]


@pytest.fixture(scope="module")
def tokenizer():
    return WordTokenizer.from_texts([s for pair in PAIRS for s in pair])


def test_drop_counts_what_it_drops(tokenizer):
    report, lengths = LengthPolicy(4, 3, "drop").measure(
        PAIRS, tokenizer, tokenizer, chunk_size=3, return_lengths=True
    )
    assert report["pairs"] == 4
    assert report["long_sources"] == 2
    assert report["long_targets"] == 2
    assert report["dropped"] == 3
    assert report["truncated"] == 0
    assert report["kept"] == 1
    assert report["source_tokens"] == {"mean": 3.75, "p99": 6, "max": 6}
    assert lengths == collections.Counter({(3, 1): 1})


def test_truncate_cuts_pairs_consistently(tokenizer):
    policy = LengthPolicy(4, 3, "truncate")
    report, lengths = policy.measure(
        PAIRS, tokenizer, tokenizer, return_lengths=True
    )
    counts = ("dropped", "truncated", "cut_targets", "kept")
    assert [report[key] for key in counts] == [0, 3, 3, 4]
    # 5 / 2: the source keeps 4 of 5 tokens, its target 2 * 4 // 5 = 1.
    # 1 / 4: the target alone is cut to its cap.
    # 6 / 5: the source keeps 4 of 6, the target 5 * 4 // 6 = 3 (its cap).
    assert lengths == collections.Counter(
        {(3, 1): 1, (4, 1): 1, (1, 3): 1, (4, 3): 1}
    )
    sources = tokenizer.tokenize(tf.constant([s for s, _ in PAIRS]))
    targets = tokenizer.tokenize(tf.constant([t for _, t in PAIRS]))
    cut_sources, cut_targets, target_cut = policy.apply(sources, targets)
    np.testing.assert_array_equal(cut_sources.row_lengths(), [3, 4, 1, 4])
    np.testing.assert_array_equal(cut_targets.row_lengths(), [1, 1, 3, 3])
    # The targets that lost tokens must not get [END].
    np.testing.assert_array_equal(target_cut, [False, True, True, True])
    # Truncation keeps the first tokens.
    np.testing.assert_array_equal(cut_sources[1], sources[1][:4])
    np.testing.assert_array_equal(cut_targets[3], targets[3][:3])


def test_truncate_drops_what_it_cannot_cut_consistently(tokenizer):
    # A 6-token source cut to 2 keeps a third of its target: 5 * 2 // 6 = 1
    # token of the first pair's 5, 2 * 2 // 6 = 0 of the second's 2, which
    # is dropped. A pair under the caps is untouched.
    pairs = [("a b c d e f", "x y z w v"), ("a b c d e f", "x y"), ("a", "x")]
    policy = LengthPolicy(2, None, "truncate")
    report, lengths = policy.measure(
        pairs, tokenizer, tokenizer, return_lengths=True
    )
    counts = ("long_sources", "dropped", "truncated", "cut_targets", "kept")
    assert [report[key] for key in counts] == [2, 1, 1, 1, 2]
    assert lengths == collections.Counter({(2, 1): 1, (1, 1): 1})
    sources = tokenizer.tokenize(tf.constant([s for s, _ in pairs]))
    targets = tokenizer.tokenize(tf.constant([t for _, t in pairs]))
    kept_sources, kept_targets, target_cut = policy.apply(sources, targets)
    assert kept_sources.to_list() == [
        sources[0][:2].numpy().tolist(),
        sources[2].numpy().tolist(),
    ]
    assert kept_targets.to_list() == [
        targets[0][:1].numpy().tolist(),
        targets[2].numpy().tolist(),
    ]
    np.testing.assert_array_equal(target_cut, [True, False])


def test_no_cap_keeps_everything(tokenizer):
    report = LengthPolicy(None, None).measure(PAIRS, tokenizer, tokenizer)
    assert (report["dropped"], report["kept"]) == (0, 4)


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="length_policy. must be one of"):
        LengthPolicy(policy="cut")
    with pytest.raises(ValueError, match="max_source_tokens. must be >= 1"):
        LengthPolicy(max_source_tokens=0)
