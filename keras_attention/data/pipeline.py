"""tf.data pipelines from sentence pairs to teacher-forcing batches.

Two entry points build the same batches:

- `make_dataset(sources, targets, ...)` from lists in memory (held-out
  splits, tests);
- `make_streaming_dataset(reader, ...)` from a `CorpusReader`, read line by
  line every epoch, so memory does not grow with the corpus (only the
  shuffle buffer and the length buckets are held).

Both shuffle (optionally), tokenize in the graph, apply a `LengthPolicy`,
add `[START]`/`[END]` to targets, optionally group pairs of similar length
into the same batch (`bucket_by_length`: length-sorted pools with a fixed
number of sentences per batch, or length buckets with a fixed number of
target positions per batch: `batch_tokens`), pad every batch to a
multiple of `pad_to_multiple` (few distinct shapes for XLA) and prefetch.
A corpus held in memory is tokenized once: its token ids are cached
(`Dataset.cache()`) and only shuffled and batched again every epoch.
`padding_fraction` measures how much of a dataset's batches is padding.
"""

import collections
import itertools

import numpy as np
import tensorflow as tf

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


def make_dataset(
    sources,
    targets,
    source_tokenizer,
    target_tokenizer,
    batch_size=64,
    shuffle=False,
    seed=None,
    pad_to_multiple=8,
    length_policy=None,
    bucket_by_length=False,
    shuffle_buffer_size=None,
    pad_batches=False,
    batch_tokens=None,
):
    """Builds `(inputs, labels, sample_weight)` batches for `model.fit`.

    Targets get `[START]` and `[END]`; the decoder input is the target
    without its last token and the labels are the target shifted by one
    (`y = ids[1:]`). Padding (each tokenizer's `pad_token_id`) gets sample
    weight 0, so losses and
    metrics average over real tokens only.

    Args:
        sources: list of str, source sentences.
        targets: list of str, target sentences (same length).
        source_tokenizer: a tokenizer with `tokenize(texts)`.
        target_tokenizer: a tokenizer with `tokenize(texts)`,
            `start_token_id` and `end_token_id`.
        batch_size: int. Defaults to `64`.
        shuffle: bool. Reshuffle the pairs every epoch. Defaults to `False`.
        seed: int. Shuffle seed. Defaults to `None`.
        pad_to_multiple: int. Pad both sides of a batch up to a multiple of
            this length. Few distinct shapes mean few XLA compilations
            (`jit_compile=True` recompiles for every new shape). Defaults
            to `8`.
        length_policy: a `LengthPolicy` or `None` (keep every pair whole).
            Defaults to `None`.
        bucket_by_length: bool. Batch pairs of similar length together
            (length-sorted pools, or exact length buckets with
            `batch_tokens`; see `batch_pairs`). Defaults to `False`.
        shuffle_buffer_size: int. Defaults to `None`: all the pairs.
        pad_batches: bool. Pad every batch to `batch_size` rows (with
            `batch_tokens`: to its bucket's rows) with weight-0 padding
            rows, so that XLA sees one batch dimension per bucket.
            Defaults to `False`.
        batch_tokens: int or `None`. With `bucket_by_length`, size each
            bucket's batches by target positions instead of sentences:
            `max(1, batch_tokens // W)` rows, where `W` is the bucket's
            widest decoder input, so that short sentences come in larger
            batches. `None` uses `batch_size` rows. Defaults to `None`.

    Tokenization runs once: the ids are cached in memory and reshuffled
    every epoch.

    Returns:
        A `tf.data.Dataset` of
        `({"encoder_token_ids", "decoder_token_ids"}, labels, sample_weight)`
        with int32 ids `(batch_size, T)` padded per batch.
    """
    if len(sources) != len(targets):
        raise ValueError(
            f"Got {len(sources)} sources but {len(targets)} targets."
        )
    if bucket_by_length or length_policy is not None:
        # The number of batches depends on the lengths (and on the pairs a
        # policy drops): count them.
        _, lengths = (length_policy or LengthPolicy(None, None)).measure(
            zip(sources, targets),
            source_tokenizer,
            target_tokenizer,
            return_lengths=True,
        )
        num_batches = count_batches(
            lengths,
            batch_size,
            pad_to_multiple,
            bucket_by_length,
            batch_tokens=batch_tokens,
        )
    else:
        num_batches = -(-len(sources) // batch_size)
    pairs = tf.data.Dataset.from_tensor_slices(
        (
            tf.constant(list(sources), tf.string),
            tf.constant(list(targets), tf.string),
        )
    )
    return batch_pairs(
        pairs,
        source_tokenizer,
        target_tokenizer,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        pad_to_multiple=pad_to_multiple,
        length_policy=length_policy,
        bucket_by_length=bucket_by_length,
        shuffle_buffer_size=shuffle_buffer_size or max(len(sources), 1),
        pad_batches=pad_batches,
        num_batches=num_batches,
        batch_tokens=batch_tokens,
        cache=True,
    )


def make_streaming_dataset(
    reader,
    source_tokenizer,
    target_tokenizer,
    batch_size=64,
    shuffle=False,
    seed=None,
    pad_to_multiple=8,
    length_policy=None,
    bucket_by_length=True,
    shuffle_buffer_size=100_000,
    pad_batches=False,
    num_batches=None,
    cache=False,
    batch_tokens=None,
):
    """`make_dataset` over a `CorpusReader`, re-read every epoch.

    Memory is bounded by `shuffle_buffer_size` pairs and the length
    buckets, whatever the corpus size. Read the corpus once before (e.g.
    to learn the vocabulary or with `LengthPolicy.measure`) so that bad
    data is reported as a `CorpusError` before training starts.

    Args:
        reader: a `CorpusReader` (or any re-iterable of `(source, target)`
            str pairs).
        bucket_by_length: bool. Defaults to `True`.
        shuffle_buffer_size: int. Defaults to `100_000`.
        num_batches: int or `None`. The number of batches of one pass (see
            `count_batches`); given, the dataset has a known cardinality,
            so Keras knows the epoch's length. Defaults to `None`.
        cache: bool. Keep the token ids of the first epoch in memory
            (`Dataset.cache()` after tokenization) and only shuffle and
            batch them in later epochs. Only for a corpus no larger than
            the shuffle buffer, which holds all of it anyway: it saves
            re-reading the file, refilling the buffer from Python and
            re-tokenizing every epoch. Defaults to `False`.
        Others: as for `make_dataset`.

    Returns:
        A `tf.data.Dataset` like `make_dataset`'s.
    """
    return batch_pairs(
        pairs_dataset(reader),
        source_tokenizer,
        target_tokenizer,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        pad_to_multiple=pad_to_multiple,
        length_policy=length_policy,
        bucket_by_length=bucket_by_length,
        shuffle_buffer_size=shuffle_buffer_size,
        pad_batches=pad_batches,
        num_batches=num_batches,
        cache=cache,
        batch_tokens=batch_tokens,
    )


def pairs_dataset(pairs, chunk_size=STREAM_CHUNK):
    """A dataset of `(source, target)` scalar strings streamed from `pairs`.

    Args:
        pairs: a re-iterable of `(source, target)` str pairs, such as a
            `CorpusReader`; it is iterated afresh for every epoch.
        chunk_size: int. Pairs handed to TensorFlow at once (Python
            overhead is per chunk, not per pair). Defaults to `1024`.

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
    pairs,
    source_tokenizer,
    target_tokenizer,
    batch_size=64,
    shuffle=False,
    seed=None,
    pad_to_multiple=8,
    length_policy=None,
    bucket_by_length=False,
    shuffle_buffer_size=100_000,
    pad_batches=False,
    num_batches=None,
    cache=False,
    batch_tokens=None,
):
    """Turns a dataset of string pairs into model batches.

    With `bucket_by_length` and a fixed `batch_size`, pairs are taken in
    pools of `POOL_BATCHES * batch_size` (in the shuffled order), each pool
    is sorted by target then source length and cut into batches, and the
    batches are shuffled (the "pool" batching of fairseq and OpenNMT): a
    batch holds pairs of similar length, every batch but the last of a pass
    is full, and long and short batches are spread over the pass. (Exact
    2-D length buckets, which this replaced, flushed dozens of partial
    batches of rare lengths at the end of every pass and trained far worse
    on Tatoeba: benchmarks/RESULTS-quality.md.)

    With `batch_tokens`, pairs are grouped by `(ceil(source_length /
    pad_to_multiple), ceil(decoder_length / pad_to_multiple))`
    (`tf.data.Dataset.group_by_window`), i.e. by the padded shape they
    would get, and each bucket's batches hold `batch_tokens` target
    positions; they come out when a bucket fills, the last, partial ones
    at the end of each pass. Either way the number of batches of a pass
    does not depend on the shuffle (`count_batches`).

    Args:
        pairs: `tf.data.Dataset` of `(source, target)` scalar strings.
        cache: bool. Tokenize in the first pass only and cache the ids in
            memory (then shuffle the ids, not the strings). Defaults to
            `False`.
        Others: see `make_dataset`.

    Returns:
        A `tf.data.Dataset` like `make_dataset`'s.
    """
    if batch_tokens is not None and not bucket_by_length:
        raise ValueError(
            "batch_tokens needs bucket_by_length=True (batches are sized "
            f"per length bucket). Received: batch_tokens={batch_tokens}"
        )
    if shuffle and not cache:
        pairs = pairs.shuffle(
            shuffle_buffer_size, seed=seed, reshuffle_each_iteration=True
        )

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
    if cache:
        ids = ids.cache()
        if shuffle:
            ids = ids.shuffle(
                shuffle_buffer_size, seed=seed, reshuffle_each_iteration=True
            )
    width = max(pad_to_multiple, 1)
    # Padding is each side's tokenizer's pad id, and only it has weight 0.
    source_pad = int(source_tokenizer.pad_token_id)
    target_pad = int(target_tokenizer.pad_token_id)
    pad_values = (
        tf.constant(source_pad, tf.int32),
        tf.constant(target_pad, tf.int32),
    )
    if bucket_by_length and batch_tokens is None:
        ids = _pool_batches(ids, batch_size, shuffle, seed)
    elif bucket_by_length:

        def bucket(source_ids, target_ids):
            # Decoder inputs and labels are the target minus one token.
            key = _bucket_key(
                tf.size(source_ids), tf.size(target_ids) - 1, width
            )
            return tf.cast(key, tf.int64)

        def rows(key):
            return tf.cast(
                _bucket_rows(key, width, batch_size, batch_tokens), tf.int64
            )

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
        if pad_batches:
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


def _pool_batches(ids, batch_size, shuffle, seed):
    """Length-sorted batches from pools of `POOL_BATCHES` batches."""

    def sort_pool(source_ids, target_ids):
        # Target length first (the decoder's steps), then source length.
        key = target_ids.row_lengths() * 4096 + source_ids.row_lengths()
        order = tf.argsort(key, stable=True)
        pool = (tf.gather(source_ids, order), tf.gather(target_ids, order))
        return tf.data.Dataset.from_tensor_slices(pool).batch(batch_size)

    batches = ids.ragged_batch(POOL_BATCHES * batch_size).flat_map(sort_pool)
    if shuffle:
        batches = batches.shuffle(
            POOL_BATCHES, seed=seed, reshuffle_each_iteration=True
        )
    return batches


def _bucket_key(source_length, decoder_length, width):
    """The length bucket of a pair (its padded shape) as one int.

    Works on Python ints and on scalar int tensors alike.
    """
    source = (_maximum(source_length, 1) - 1) // width
    decoder = (_maximum(decoder_length, 1) - 1) // width
    last = MAX_BUCKETS - 1
    return _minimum(source, last) * MAX_BUCKETS + _minimum(decoder, last)


def _bucket_rows(key, width, batch_size, batch_tokens):
    """Rows of a batch of bucket `key` (int or scalar int tensor)."""
    if batch_tokens is None:
        return batch_size
    # The bucket's widest decoder input, padded.
    decoder_width = (key % MAX_BUCKETS + 1) * width
    return _maximum(batch_tokens // decoder_width, 1)


def _maximum(a, b):
    return max(a, b) if isinstance(a, int) else tf.maximum(a, b)


def _minimum(a, b):
    return min(a, b) if isinstance(a, int) else tf.minimum(a, b)


def count_batches(
    lengths,
    batch_size,
    pad_to_multiple=8,
    bucket_by_length=False,
    batch_tokens=None,
):
    """The number of batches one pass over pairs of these lengths gives.

    Without `batch_tokens` it is `ceil(n / batch_size)` (pool batching
    fills every batch but the last); with `batch_tokens` it is
    `sum(ceil(n_k / rows_k))` over the length buckets `k` (`rows_k` set by
    `batch_tokens`): each bucket's last batch may be partial, whatever the
    order.

    Args:
        lengths: `collections.Counter` of `(source_length, target_length)`
            token counts (without `[START]`/`[END]`), e.g. from
            `LengthPolicy.measure(..., return_lengths=True)`.
        batch_size: int.
        pad_to_multiple: int. Defaults to `8`.
        bucket_by_length: bool. Defaults to `False`.
        batch_tokens: int or `None` (see `make_dataset`). Defaults to
            `None`.

    Returns:
        int.
    """
    return len(
        batch_sizes(
            lengths, batch_size, pad_to_multiple, bucket_by_length, batch_tokens
        )
    )


def batch_sizes(
    lengths,
    batch_size,
    pad_to_multiple=8,
    bucket_by_length=False,
    batch_tokens=None,
):
    """The rows of every batch of one pass (see `count_batches`), unordered.

    Returns:
        list of int: each bucket's full batches, then its last, partial
        one (one bucket without `batch_tokens`).
    """
    if not bucket_by_length or batch_tokens is None:
        sizes = {0: (sum(lengths.values()), batch_size)}
    else:
        width = max(pad_to_multiple, 1)
        buckets = collections.Counter()
        for (source_length, target_length), count in lengths.items():
            # The decoder input is [START] + target: target_length + 1.
            key = _bucket_key(source_length, target_length + 1, width)
            buckets[key] += count
        sizes = {
            key: (count, _bucket_rows(key, width, batch_size, batch_tokens))
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
    """Pads `ids` (dense or ragged) with `pad_id` to `k * multiple + extra`.

    `k > 0`; ragged rows are padded to the longest first.
    """
    if isinstance(ids, tf.RaggedTensor):
        ids = ids.to_tensor(default_value=pad_id)
    length = tf.maximum(tf.shape(ids)[1] - extra, 1)
    padding = (-length) % multiple + length + extra - tf.shape(ids)[1]
    return tf.pad(ids, [[0, 0], [0, padding]], constant_values=pad_id)


def padding_fraction(dataset, max_batches=None, source_pad_id=0):
    """The share of token positions in `dataset`'s batches that are padding.

    Counts encoder and decoder positions together (encoder id
    `source_pad_id`, decoder sample weight 0; padding rows added by
    `pad_batches` count too): the share of the compute a model spends on
    padding.

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
