"""tf.data pipelines from sentence pairs to teacher-forcing batches."""

import tensorflow as tf

from keras_attention.text.word_tokenizer import END_ID
from keras_attention.text.word_tokenizer import START_ID


def make_dataset(
    sources,
    targets,
    source_tokenizer,
    target_tokenizer,
    batch_size=64,
    shuffle=False,
    seed=None,
    pad_to_multiple=8,
):
    """Builds `(inputs, labels, sample_weight)` batches for `model.fit`.

    Targets get `[START]` and `[END]`; the decoder input is the target
    without its last token and the labels are the target shifted by one
    (`y = ids[1:]`). Padding (id 0) gets sample weight 0, so losses and
    metrics average over real tokens only.

    Args:
        sources: list of str, source sentences.
        targets: list of str, target sentences (same length).
        source_tokenizer: a tokenizer with `tokenize(texts)`.
        target_tokenizer: a tokenizer with `tokenize(texts)`.
        batch_size: int. Defaults to `64`.
        shuffle: bool. Reshuffle the pairs every epoch. Defaults to `False`.
        seed: int. Shuffle seed. Defaults to `None`.
        pad_to_multiple: int. Pad both sides of a batch up to a multiple of
            this length. Few distinct shapes mean few XLA compilations
            (`jit_compile=True` recompiles for every new shape). Defaults
            to `8`.

    Returns:
        A `tf.data.Dataset` of
        `({"encoder_token_ids", "decoder_token_ids"}, labels, sample_weight)`
        with int32 ids `(batch_size, T)` padded per batch.
    """
    if len(sources) != len(targets):
        raise ValueError(
            f"Got {len(sources)} sources but {len(targets)} targets."
        )
    dataset = tf.data.Dataset.from_tensor_slices((sources, targets))
    if shuffle:
        dataset = dataset.shuffle(
            len(sources), seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size)

    def to_features(source, target):
        source_ids = _pad(source_tokenizer.tokenize(source), pad_to_multiple)
        target_ids = target_tokenizer.tokenize(target)
        batch = target_ids.nrows()
        target_ids = tf.concat(
            [
                tf.fill([batch, 1], START_ID),
                target_ids,
                tf.fill([batch, 1], END_ID),
            ],
            axis=1,
        )
        # One more than the multiple: input and labels drop one token each.
        target_ids = _pad(target_ids, pad_to_multiple, extra=1)
        labels = target_ids[:, 1:]
        inputs = {
            "encoder_token_ids": source_ids,
            "decoder_token_ids": target_ids[:, :-1],
        }
        return inputs, labels, tf.cast(labels != 0, tf.float32)

    return dataset.map(to_features, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE
    )


def _pad(ids, multiple, extra=0):
    """Pads ragged `ids` to a dense length `k * multiple + extra`."""
    dense = ids.to_tensor()
    length = tf.shape(dense)[1] - extra
    padding = (-length) % multiple
    return tf.pad(dense, [[0, 0], [0, padding]])
