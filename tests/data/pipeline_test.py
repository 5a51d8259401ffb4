import collections
import dataclasses
import random

import numpy as np
import pytest
import tensorflow as tf

from keras_attention.data.batching import Batching
from keras_attention.data.length_policy import LengthPolicy
from keras_attention.data.pipeline import count_batches
from keras_attention.data.pipeline import make_dataset
from keras_attention.data.pipeline import make_streaming_dataset
from keras_attention.data.pipeline import padding_fraction
from keras_attention.data.tsv_reader import TsvReader
from keras_attention.text.word_tokenizer import WordTokenizer

WORDS = [f"w{i}" for i in range(50)]


def corpus(size=600, seed=0):
    """Pairs with lengths spread over 1-40 words; target = reversed source."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(size):
        words = rng.choices(WORDS, k=rng.choice([1, 2, 3, 5, 9, 17, 25, 40]))
        pairs.append((" ".join(words), " ".join(reversed(words))))
    return [s for s, _ in pairs], [t for _, t in pairs]


@pytest.fixture(scope="module")
def tokenizer():
    return WordTokenizer.from_texts(WORDS)


def batches(dataset):
    return list(dataset.as_numpy_iterator())


def pairs_of(dataset):
    """The (source ids, target ids) of every real row, order-free."""
    rows = []
    for inputs, _, weights in dataset.as_numpy_iterator():
        for source, decoder, weight in zip(
            inputs["encoder_token_ids"], inputs["decoder_token_ids"], weights
        ):
            if weight.sum():
                rows.append(
                    (tuple(source[source > 0]), tuple(decoder[weight > 0]))
                )
    return collections.Counter(rows)


def test_teacher_forcing_batches_and_their_padding(tokenizer):
    data = make_dataset(
        ["w1 w2 w3", "w1"], ["w4 w5", "w4"], tokenizer, tokenizer
    )
    [(inputs, labels, weights)] = batches(data)
    ids = tokenizer.tokenize(tf.constant(["w4 w5"])).numpy()[0]
    start, end = tokenizer.start_token_id, tokenizer.end_token_id
    np.testing.assert_array_equal(
        inputs["decoder_token_ids"][0], [start, *ids, end, 0, 0, 0, 0]
    )
    np.testing.assert_array_equal(labels[0], [*ids, end, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(weights[0], [1, 1, 1, 0, 0, 0, 0, 0])
    assert inputs["encoder_token_ids"].shape == (2, 8)
    # Sources of 3 and 1 tokens padded to 8: 4 of 16 positions are real;
    # decoder positions with a label: 3 and 2 of 16.
    assert padding_fraction(data) == {
        "fraction": round(1 - 9 / 32, 4),
        "batches": 1,
        "positions": 32,
        "tokens": 9,
    }


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"bucket_by_length": True},
        {"bucket_by_length": True, "batch_tokens": 64, "pad_batches": True},
    ],
)
def test_padding_is_the_tokenizers_pad_id(options):
    # Regression: padding was id 0 and weights were `labels != 0`,
    # whatever the tokenizer's pad id.
    tokenizer = WordTokenizer(["[PAD]", "[UNK]", "[START]", "[END]", "a", "b"])
    tokenizer.pad_token_id = pad = 5  # "b" never occurs below
    data = make_dataset(
        ["a", "a a a"],
        ["a", "a a"],
        tokenizer,
        tokenizer,
        Batching(batch_size=4, pad_to_multiple=4, **options),
    )
    [(inputs, labels, weights)] = batches(data)
    rows = 2 if "batch_tokens" not in options else 64 // 4
    start, end = tokenizer.start_token_id, tokenizer.end_token_id
    np.testing.assert_array_equal(
        inputs["encoder_token_ids"][:2], [[4, pad, pad, pad], [4, 4, 4, pad]]
    )
    np.testing.assert_array_equal(
        inputs["decoder_token_ids"][:2],
        [[start, 4, end, pad], [start, 4, 4, end]],
    )
    np.testing.assert_array_equal(
        labels[:2], [[4, end, pad, pad], [4, 4, end, pad]]
    )
    np.testing.assert_array_equal(weights[:2], [[1, 1, 0, 0], [1, 1, 1, 0]])
    # Padding rows (`pad_batches`) are pad ids of weight 0 too.
    assert labels.shape[0] == inputs["encoder_token_ids"].shape[0] == rows
    assert (inputs["encoder_token_ids"][2:] == pad).all()
    assert (weights[2:] == 0).all()
    # 4 + 5 real positions of 8 + 8 per row.
    assert padding_fraction(data, source_pad_id=pad)["tokens"] == 9


def test_bucketing_cuts_padding_and_keeps_every_pair(tokenizer):
    sources, targets = corpus()
    common = Batching(batch_size=32, shuffle=True, seed=1)
    plain = make_dataset(sources, targets, tokenizer, tokenizer, common)
    bucketed = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        dataclasses.replace(common, bucket_by_length=True),
    )
    before = padding_fraction(plain)
    after = padding_fraction(bucketed)
    # 600 pairs fit one pool of 32 x 32: the pairs sorted by length, cut
    # into batches of 32, each padded to its longest row's multiple of 8.
    # The NumPy reference; source length n, decoder length n + 1.
    lengths = np.sort([len(s.split()) for s in sources])
    real = 2 * lengths + 1
    longest = np.array(
        [chunk.max() for chunk in np.split(lengths, [*range(32, 600, 32)])]
    )
    rows = np.array([32] * 18 + [600 - 18 * 32])
    padded = rows * (-(-longest // 8) * 8 + -(-(longest + 1) // 8) * 8)
    assert after["tokens"] == before["tokens"] == real.sum()
    assert after["positions"] == padded.sum()
    assert before["fraction"] > after["fraction"] + 0.2
    assert pairs_of(plain) == pairs_of(bucketed)
    sizes = [len(b[1]) for b in batches(bucketed)]
    assert sorted(sizes) == [24] + [32] * 18
    # The batches are shuffled, not served short to long.
    widths = [b[0]["encoder_token_ids"].shape[1] for b in batches(bucketed)]
    assert widths != sorted(widths)


def test_pools_are_sorted_within_and_shuffled_between(tokenizer):
    sources, targets = corpus(600)
    data = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(
            batch_size=4,
            shuffle=True,
            seed=2,
            bucket_by_length=True,
            pad_to_multiple=1,
        ),
    )
    # Pools of 32 x 4 = 128 pairs: every batch's rows have equal lengths
    # or neighbouring ones of the 8 lengths the corpus has.
    spreads = []
    for _, _, weights in batches(data):
        lengths = weights.sum(axis=1)
        spreads.append(lengths.max() - lengths.min())
    assert len(spreads) == 150
    assert np.median(spreads) == 0
    assert sum(pairs_of(data).values()) == 600


def test_the_number_of_batches_is_known_and_exact(tokenizer):
    sources, targets = corpus(300)
    policy = LengthPolicy(20, 20, "drop")
    data = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(
            batch_size=16,
            shuffle=True,
            seed=3,
            length_policy=policy,
            bucket_by_length=True,
        ),
    )
    cardinality = int(data.cardinality())
    assert cardinality == len(batches(data)) == len(batches(data))
    _, lengths = policy.measure(
        zip(sources, targets), tokenizer, tokenizer, return_lengths=True
    )
    batching = Batching(batch_size=16, bucket_by_length=True)
    assert count_batches(lengths, batching) == cardinality
    assert sum(len(b[1]) for b in batches(data)) == sum(lengths.values())


def test_length_policy_in_the_pipeline(tokenizer):
    sources, targets = corpus(200)
    lengths = [len(s.split()) for s in sources]
    dropped = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(length_policy=LengthPolicy(9, 9, "drop")),
    )
    assert sum(pairs_of(dropped).values()) == sum(n <= 9 for n in lengths)
    truncated = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(length_policy=LengthPolicy(5, 3, "truncate")),
    )
    rows = pairs_of(truncated)
    assert sum(rows.values()) == 200
    assert max(len(source) for source, _ in rows) == 5
    # [START] + at most 3 tokens.
    assert max(len(decoder) for _, decoder in rows) == 4
    end = tokenizer.end_token_id
    ended = collections.Counter()
    for _, labels, weights in batches(truncated):
        last = weights.sum(axis=1).astype(int) - 1
        ended.update(labels[np.arange(len(labels)), last] == end)
    # Targets of 1-3 tokens end with [END]; longer ones were cut to 3
    # tokens and end without it.
    assert ended == {
        True: sum(n <= 3 for n in lengths),
        False: sum(n > 3 for n in lengths),
    }


def test_truncate_never_ends_a_cut_target(tokenizer):
    # w1..w10 -> w11 w12 w13 w14: the source is cut to 5 of 10 tokens, so
    # the target keeps 2 of 4 (the same share), padded where [END] was.
    # w1 -> w11..w14: the target alone is cut to 3, the source is whole.
    # w1..w10 -> w11: the target would keep 0 of 1 token: dropped.
    sources = [" ".join(WORDS[1:11]), "w1", " ".join(WORDS[1:11]), "w2"]
    targets = ["w11 w12 w13 w14", "w11 w12 w13 w14", "w11", "w12"]
    policy = LengthPolicy(5, 3, "truncate")
    data = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(pad_to_multiple=1, length_policy=policy),
    )
    [(inputs, labels, weights)] = batches(data)
    ids = {w: tokenizer.tokenize(tf.constant([w])).numpy()[0, 0] for w in WORDS}
    start, end = tokenizer.start_token_id, tokenizer.end_token_id
    pad = tokenizer.pad_token_id
    np.testing.assert_array_equal(
        inputs["encoder_token_ids"],
        [
            [ids[f"w{i}"] for i in range(1, 6)],
            [ids["w1"], pad, pad, pad, pad],
            [ids["w2"], pad, pad, pad, pad],
        ],
    )
    np.testing.assert_array_equal(
        inputs["decoder_token_ids"],
        [
            [start, ids["w11"], ids["w12"], pad],
            [start, ids["w11"], ids["w12"], ids["w13"]],
            [start, ids["w12"], end, pad],
        ],
    )
    np.testing.assert_array_equal(
        labels,
        [
            [ids["w11"], ids["w12"], pad, pad],
            [ids["w11"], ids["w12"], ids["w13"], pad],
            [ids["w12"], end, pad, pad],
        ],
    )
    np.testing.assert_array_equal(
        weights, [[1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 0, 0]]
    )
    report = policy.measure(zip(sources, targets), tokenizer, tokenizer)
    assert {
        key: report[key]
        for key in ("dropped", "truncated", "cut_targets", "kept")
    } == {"dropped": 1, "truncated": 2, "cut_targets": 2, "kept": 3}


def test_streaming_from_a_reader_equals_the_lists(tokenizer, tmp_path):
    sources, targets = corpus(300)
    path = tmp_path / "pairs.tsv"
    path.write_text(
        "".join(f"{s}\t{t}\n" for s, t in zip(sources, targets)),
        encoding="utf-8",
    )
    streamed = make_streaming_dataset(
        TsvReader(path), tokenizer, tokenizer, Batching()
    )
    in_memory = make_dataset(sources, targets, tokenizer, tokenizer)
    for a, b in zip(batches(streamed), batches(in_memory), strict=True):
        for name in ("encoder_token_ids", "decoder_token_ids"):
            np.testing.assert_array_equal(a[0][name], b[0][name])
        np.testing.assert_array_equal(a[1], b[1])


def test_pad_batches_gives_one_batch_shape(tokenizer):
    sources, targets = corpus(100)
    data = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(batch_size=16, bucket_by_length=True, pad_batches=True),
    )
    shapes = {b[0]["encoder_token_ids"].shape[0] for b in batches(data)}
    assert shapes == {16}
    assert sum(pairs_of(data).values()) == 100


def test_targets_are_packed_with_the_tokenizers_own_ids():
    tokenizer = WordTokenizer(["[PAD]", "a", "[END]", "b", "[START]", "[UNK]"])
    [(inputs, labels, _)] = batches(
        make_dataset(
            ["a"], ["b a"], tokenizer, tokenizer, Batching(pad_to_multiple=1)
        )
    )
    np.testing.assert_array_equal(inputs["decoder_token_ids"], [[4, 3, 1]])
    np.testing.assert_array_equal(labels, [[3, 1, 2]])


class _CountingPairs:
    """A re-iterable of pairs that counts how often it was read."""

    def __init__(self, sources, targets):
        self.pairs = list(zip(sources, targets))
        self.reads = 0

    def __iter__(self):
        self.reads += 1
        return iter(self.pairs)


def test_a_cached_stream_is_read_and_tokenized_once(tokenizer):
    sources, targets = corpus(300)
    reader = _CountingPairs(sources, targets)
    data = make_streaming_dataset(
        reader,
        tokenizer,
        tokenizer,
        Batching(shuffle=True, seed=5, bucket_by_length=True, cache=True),
    )
    first, second = batches(data), batches(data)
    # Tokenization sits between the reader and the cache: one read, one
    # tokenization for both epochs; the ids are reshuffled.
    assert reader.reads == 1
    assert pairs_of(data) == pairs_of(
        make_dataset(sources, targets, *[tokenizer] * 2)
    )
    order = [tuple(b[0]["encoder_token_ids"][0]) for b in first]
    assert order != [tuple(b[0]["encoder_token_ids"][0]) for b in second]
    uncached = make_streaming_dataset(reader, tokenizer, tokenizer)
    batches(uncached), batches(uncached)
    assert reader.reads == 3


def test_pad_to_multiple_one_pads_to_the_longest_row(tokenizer):
    sources, targets = corpus(300)
    data = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        Batching(batch_size=16, bucket_by_length=True, pad_to_multiple=1),
    )
    for inputs, _, weights in batches(data):
        ids = inputs["encoder_token_ids"]
        assert ids.shape[1] == (ids > 0).sum(axis=1).max()
        assert weights.shape[1] == weights.sum(axis=1).max()


def test_batch_tokens_sizes_batches_by_target_positions(tokenizer):
    sources, targets = corpus(600)
    common = Batching(bucket_by_length=True, shuffle=True, seed=2, batch_size=7)
    tokens = dataclasses.replace(common, batch_tokens=128)
    data = make_dataset(sources, targets, tokenizer, tokenizer, tokens)
    rows = collections.defaultdict(set)
    for inputs, _, _ in batches(data):
        width = inputs["decoder_token_ids"].shape[1]
        rows[width].add(inputs["decoder_token_ids"].shape[0])
    # Corpus lengths 1-40: decoder inputs 2-41 pad to 8, 16, 24, 32, 48
    # wide; full batches have 128 // width rows, a bucket's last fewer.
    for width, sizes in rows.items():
        assert max(sizes) == max(1, 128 // width), (width, sizes)
    assert max(rows[8]) == 16 and max(rows[48]) == 2
    assert pairs_of(data) == pairs_of(
        make_dataset(sources, targets, tokenizer, tokenizer, common)
    )
    _, lengths = LengthPolicy(None, None).measure(
        zip(sources, targets), tokenizer, tokenizer, return_lengths=True
    )
    expected = count_batches(lengths, tokens)
    assert int(data.cardinality()) == len(batches(data)) == expected
    padded = make_dataset(
        sources,
        targets,
        tokenizer,
        tokenizer,
        dataclasses.replace(tokens, pad_batches=True),
    )
    shapes = {b[0]["decoder_token_ids"].shape for b in batches(padded)}
    # One decoder shape per bucket width: XLA compiles each once.
    assert len(shapes) == len(rows)
    assert {w: r for r, w in shapes} == {w: max(1, 128 // w) for w in rows}
