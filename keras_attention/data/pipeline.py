"""tf.data pipelines from sentence pairs to teacher-forcing batches.

`make_dataset` builds batches from lists in memory (held-out splits,
tests), `make_streaming_dataset` from a `CorpusReader` read line by line
every epoch (memory holds only the shuffle buffer and the length buckets).
Both tokenize in the graph, apply a `LengthPolicy`, add `[START]`/`[END]`
to targets and batch as a `Batching` says; `padding_fraction` measures how
much of the batches is padding.
"""

import collections
import dataclasses
import itertools

import numpy as np
import tensorflow as tf

from keras_attention.data.batching import Batching
from keras_attention.data.length_policy import LengthPolicy

# Pairs tokenized per tokenizer call inside the pipeline.
TOKENIZE_CHUNK = 256
# Pairs per Python → TensorFlow hand-over when streaming from a reader.
STREAM_CHUNK = 1024
# Training token ids up to this size are worth caching in memory (tokenized
# once); larger corpora are streamed and re-tokenized every epoch.
CACHE_BYTES = 2**30
# Length buckets per side; longer sentences share the last bucket.
MAX_BUCKETS = 64
# `bucket_by_length` with a fixed batch size sorts pools of this many
# batches by length, cuts them into batches and shuffles those.
POOL_BATCHES = 32
# The shuffle buffer of `make_streaming_dataset` by default, in pairs.
STREAM_SHUFFLE_BUFFER = 100_000


def make_dataset(
    sources, targets, source_tokenizer, target_tokenizer, batching=None
):
    """Builds `(inputs, labels, sample_weight)` batches for `model.fit`.

    Targets get `[START]` and `[END]`; the decoder input is the target
    without its last token, the labels are `ids[1:]`, and padding (each
    tokenizer's `pad_token_id`) gets sample weight 0. The token ids are
    cached (tokenized once) and reshuffled every epoch.

    Args:
        sources: list of str, source sentences.
        targets: list of str, target sentences (same length).
        source_tokenizer: a tokenizer with `tokenize(texts)`.
        target_tokenizer: a tokenizer with `tokenize(texts)`,
            `start_token_id` and `end_token_id`.
        batching: a `Batching`. Defaults to `Batching()`.

    Returns:
        A `tf.data.Dataset` of
        `({"encoder_token_ids", "decoder_token_ids"}, labels, sample_weight)`
        with int32 ids `(batch_size, T)` padded per batch.
    """
    if len(sources) != len(targets):
        raise ValueError(
            f"Got {len(sources)} sources but {len(targets)} targets."
        )
    batching = batching or Batching()
    batching = dataclasses.replace(
        batching,
        shuffle_buffer_size=batching.shuffle_buffer_size
        or max(len(sources), 1),
        cache=True,
    )
    if batching.bucket_by_length or batching.length_policy is not None:
        # The number of batches depends on the lengths (and on the pairs a
        # policy drops): count them.
        policy = batching.length_policy or LengthPolicy(None, None)
        _, lengths = policy.measure(
            zip(sources, targets),
            source_tokenizer,
            target_tokenizer,
            return_lengths=True,
        )
        num_batches = count_batches(lengths, batching)
    else:
        num_batches = -(-len(sources) // batching.batch_size)
    pairs = tf.data.Dataset.from_tensor_slices(
        (
            tf.constant(list(sources), tf.string),
            tf.constant(list(targets), tf.string),
        )
    )
    return batch_pairs(
        pairs, source_tokenizer, target_tokenizer, batching, num_batches
    )


def make_streaming_dataset(
    reader, source_tokenizer, target_tokenizer, batching=None, num_batches=None
):
    """`make_dataset` over a `CorpusReader`, re-read every epoch.

    Read the corpus once before (e.g. with `LengthPolicy.measure`) so that
    bad data is reported as a `CorpusError` before training starts.

    Args:
        reader: a `CorpusReader` (or any re-iterable of `(source, target)`
            str pairs).
        source_tokenizer, target_tokenizer: as for `make_dataset`.
        batching: a `Batching`. Defaults to
            `Batching(bucket_by_length=True)`; its `shuffle_buffer_size`
            defaults to 100,000 pairs.
        num_batches: int or `None`. The number of batches of one pass (see
            `count_batches`); given, Keras knows the epoch's length.
            Defaults to `None`.

    Returns:
        A `tf.data.Dataset` like `make_dataset`'s.
    """
    batching = batching or Batching(bucket_by_length=True)
    if batching.shuffle_buffer_size is None:
        batching = dataclasses.replace(
            batching, shuffle_buffer_size=STREAM_SHUFFLE_BUFFER
        )
    return batch_pairs(
        pairs_dataset(reader),
        source_tokenizer,
        target_tokenizer,
        batching,
        num_batches,
    )


def pairs_dataset(pairs, chunk_size=STREAM_CHUNK):
    """A dataset of `(source, target)` scalar strings streamed from `pairs`.

    Args:
        pairs: a re-iterable of `(source, target)` str pairs (a
            `CorpusReader`), iterated afresh every epoch.
        chunk_size: int. Pairs handed to TensorFlow at once. Defaults to
            `1024`.

    Returns:
        A `tf.data.Dataset` of `(tf.string, tf.string)` scalars.
    """

    def chunks():
        iterator = iter(pairs)
        while chunk := list(itertools.islice(iterator, chunk_size)):
            sources, targets = zip(*chunk)
            yield list(sources), list(targets)

    spec = tf.TensorSpec([None], tf.string)
    return tf.data.Dataset.from_generator(
        chunks, output_signature=(spec, spec)
    ).unbatch()


def batch_pairs(
    pairs, source_tokenizer, target_tokenizer, batching, num_batches=None
):
    """Turns a dataset of string pairs into model batches.

    With `bucket_by_length`, pools of `POOL_BATCHES * batch_size` pairs
    are sorted by length, cut into batches and the batches shuffled
    (fairseq's pool batching); with `batch_tokens`, pairs are grouped by
    padded shape (`group_by_window`). The number of batches of a pass does
    not depend on the shuffle (`count_batches`).

    Args:
        pairs: `tf.data.Dataset` of `(source, target)` scalar strings.
        source_tokenizer, target_tokenizer: as for `make_dataset`.
        batching: a `Batching`.
        num_batches: int or `None`, the cardinality to assert. Defaults to
            `None`.

    Returns:
        A `tf.data.Dataset` like `make_dataset`'s.
    """
    batch_size = batching.batch_size
    pad_to_multiple = batching.pad_to_multiple
    length_policy = batching.length_policy
    batch_tokens = batching.batch_tokens
    if not batching.cache:
        pairs = _shuffle(pairs, batching, batching.shuffle_buffer_size)

    def tokenize(sources, targets):
        source_ids = source_tokenizer.tokenize(sources)
        target_ids = target_tokenizer.tokenize(targets)
        rows = target_ids.nrows()
        cut = tf.zeros([rows], tf.bool)
        if length_policy is not None:
            source_ids, target_ids, cut = length_policy.apply(
                source_ids, target_ids
            )
            rows = target_ids.nrows()
        # A cut target ends in padding (label weight 0) instead of [END]:
        # the model must not learn to stop where the cut fell. Its row
        # keeps the length (and length bucket) of an uncut one.
        end_ids = tf.where(
            cut, target_tokenizer.pad_token_id, target_tokenizer.end_token_id
        )
        target_ids = tf.concat(
            [
                tf.fill([rows, 1], target_tokenizer.start_token_id),
                tf.cast(target_ids, tf.int32),
                tf.cast(end_ids, tf.int32)[:, None],
            ],
            axis=1,
        )
        return tf.cast(source_ids, tf.int32), target_ids

    ids = (
        pairs.batch(TOKENIZE_CHUNK)
        .map(tokenize, num_parallel_calls=tf.data.AUTOTUNE)
        .unbatch()
        # Unbatched ragged rows come out as rank-0-ragged specs, which
        # `padded_batch` refuses; a map turns them into plain tensors.
        .map(lambda source, target: (source, target))
    )
    if batching.cache:
        ids = _shuffle(ids.cache(), batching, batching.shuffle_buffer_size)
    width = max(pad_to_multiple, 1)
    # Padding is each side's tokenizer's pad id, and only it has weight 0.
    source_pad = int(source_tokenizer.pad_token_id)
    target_pad = int(target_tokenizer.pad_token_id)
    pad_values = (
        tf.constant(source_pad, tf.int32),
        tf.constant(target_pad, tf.int32),
    )
    if batching.bucket_by_length and batch_tokens is None:
        ids = _pool_batches(ids, batching)
    elif batching.bucket_by_length:

        def bucket(source_ids, target_ids):
            # Decoder inputs and labels are the target minus one token.
            key = _bucket_key(
                tf.size(source_ids), tf.size(target_ids) - 1, width
            )
            return tf.cast(key, tf.int64)

        def rows(key):
            return tf.cast(_bucket_rows(key, batching), tf.int64)

        ids = ids.group_by_window(
            key_func=bucket,
            reduce_func=lambda key, window: window.padded_batch(
                rows(key), padding_values=pad_values
            ),
            window_size_func=rows,
        )
    else:
        ids = ids.padded_batch(batch_size, padding_values=pad_values)

    def to_features(source_ids, target_ids):
        source_ids = _pad(source_ids, pad_to_multiple, source_pad)
        # One more than the multiple: input and labels drop one token each.
        target_ids = _pad(target_ids, pad_to_multiple, target_pad, extra=1)
        if batching.pad_batches:
            rows = batch_size
            if batch_tokens is not None:
                # The bucket's rows, from its padded decoder width.
                decoder_width = tf.shape(target_ids)[1] - 1
                rows = tf.maximum(1, batch_tokens // decoder_width)
            rows = tf.maximum(rows - tf.shape(source_ids)[0], 0)
            source_ids = tf.pad(
                source_ids, [[0, rows], [0, 0]], constant_values=source_pad
            )
            target_ids = tf.pad(
                target_ids, [[0, rows], [0, 0]], constant_values=target_pad
            )
        labels = target_ids[:, 1:]
        inputs = {
            "encoder_token_ids": source_ids,
            "decoder_token_ids": target_ids[:, :-1],
        }
        return inputs, labels, tf.cast(labels != target_pad, tf.float32)

    batches = ids.map(to_features, num_parallel_calls=tf.data.AUTOTUNE)
    if num_batches is not None:
        batches = batches.apply(
            tf.data.experimental.assert_cardinality(num_batches)
        )
    return batches.prefetch(tf.data.AUTOTUNE)


def _shuffle(dataset, batching, buffer_size):
    """`dataset` reshuffled every epoch if `batching.shuffle`."""
    if not batching.shuffle:
        return dataset
    return dataset.shuffle(
        buffer_size, seed=batching.seed, reshuffle_each_iteration=True
    )


def _pool_batches(ids, batching):
    """Length-sorted batches from pools of `POOL_BATCHES` batches."""
    batch_size = batching.batch_size

    def sort_pool(source_ids, target_ids):
        # Target length first (the decoder's steps), then source length.
        key = target_ids.row_lengths() * 4096 + source_ids.row_lengths()
        order = tf.argsort(key, stable=True)
        pool = (tf.gather(source_ids, order), tf.gather(target_ids, order))
        return tf.data.Dataset.from_tensor_slices(pool).batch(batch_size)

    batches = ids.ragged_batch(POOL_BATCHES * batch_size).flat_map(sort_pool)
    return _shuffle(batches, batching, POOL_BATCHES)


def _bucket_key(source_length, decoder_length, width):
    """A pair's length bucket (padded shape) as one int, or scalar tensor."""
    source = (_maximum(source_length, 1) - 1) // width
    decoder = (_maximum(decoder_length, 1) - 1) // width
    last = MAX_BUCKETS - 1
    return _minimum(source, last) * MAX_BUCKETS + _minimum(decoder, last)


def _bucket_rows(key, batching):
    """Rows of a batch of bucket `key` (int or scalar int tensor)."""
    if batching.batch_tokens is None:
        return batching.batch_size
    # The bucket's widest decoder input, padded.
    decoder_width = (key % MAX_BUCKETS + 1) * max(batching.pad_to_multiple, 1)
    return _maximum(batching.batch_tokens // decoder_width, 1)


def _maximum(a, b):
    return max(a, b) if isinstance(a, int) else tf.maximum(a, b)


def _minimum(a, b):
    return min(a, b) if isinstance(a, int) else tf.minimum(a, b)


def count_batches(lengths, batching):
    """The number of batches one pass over pairs of these lengths gives.

    `ceil(n / batch_size)`, or with `batch_tokens` the sum of
    `ceil(n_k / rows_k)` over the length buckets `k`.

    Args:
        lengths: `collections.Counter` of `(source_length, target_length)`
            token counts (without `[START]`/`[END]`), e.g. from
            `LengthPolicy.measure(..., return_lengths=True)`.
        batching: a `Batching` (its `batch_size`, `pad_to_multiple`,
            `bucket_by_length` and `batch_tokens` count).

    Returns:
        int.
    """
    return len(batch_sizes(lengths, batching))


def batch_sizes(lengths, batching):
    """The rows of every batch of one pass (see `count_batches`), unordered.

    Returns:
        list of int: each bucket's full batches, then its last, partial
        one (one bucket without `batch_tokens`).
    """
    if not batching.bucket_by_length or batching.batch_tokens is None:
        sizes = {0: (sum(lengths.values()), batching.batch_size)}
    else:
        width = max(batching.pad_to_multiple, 1)
        buckets = collections.Counter()
        for (source_length, target_length), count in lengths.items():
            # The decoder input is [START] + target: target_length + 1.
            key = _bucket_key(source_length, target_length + 1, width)
            buckets[key] += count
        sizes = {
            key: (count, _bucket_rows(key, batching))
            for key, count in buckets.items()
        }
    result = []
    for count, rows in sizes.values():
        result.extend([rows] * (count // rows))
        if count % rows:
            result.append(count % rows)
    return result


def cached_ids_bytes(lengths):
    """About the memory `Dataset.cache()` takes for these pairs' ids.

    `lengths` is a `collections.Counter` of `(source, target)` token
    counts; every pair costs its int32 ids (with `[START]`/`[END]`) and
    about 512 bytes of tensor overhead.
    """
    return sum(
        count * (4 * (source + target + 2) + 512)
        for (source, target), count in lengths.items()
    )


def _pad(ids, multiple, pad_id, extra=0):
    """Pads `ids` (dense or ragged) with `pad_id` to `k * multiple + extra`."""
    if isinstance(ids, tf.RaggedTensor):
        ids = ids.to_tensor(default_value=pad_id)
    length = tf.maximum(tf.shape(ids)[1] - extra, 1)
    padding = (-length) % multiple + length + extra - tf.shape(ids)[1]
    return tf.pad(ids, [[0, 0], [0, padding]], constant_values=pad_id)


def padding_fraction(dataset, max_batches=None, source_pad_id=0):
    """The share of token positions in `dataset`'s batches that are padding.

    Encoder (id `source_pad_id`) and decoder (sample weight 0) positions
    count together, padding rows of `pad_batches` too.

    Args:
        dataset: a dataset from `make_dataset` or `make_streaming_dataset`.
        max_batches: int or `None` (the whole dataset). Defaults to `None`.
        source_pad_id: int, the source tokenizer's `pad_token_id`.
            Defaults to `0`.

    Returns:
        dict: `fraction` (float in [0, 1]), `batches`, `positions` and
        `tokens` (real token positions).
    """
    if max_batches is not None:
        dataset = dataset.take(max_batches)
    positions = tokens = batches = 0
    for inputs, _, weights in dataset.as_numpy_iterator():
        batches += 1
        source = inputs["encoder_token_ids"]
        # A decoder position is real when its label is: [END] is an input
        # only in padded rows, where its label is padding.
        positions += source.size + weights.size
        tokens += int(
            np.count_nonzero(source != source_pad_id)
            + np.count_nonzero(weights)
        )
    fraction = 1 - tokens / positions if positions else 0.0
    return {
        "fraction": round(fraction, 4),
        "batches": batches,
        "positions": positions,
        "tokens": tokens,
    }
