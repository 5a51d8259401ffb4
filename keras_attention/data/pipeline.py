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
        source_ids = source_tokenizer.tokenize(source).to_tensor()
        target_ids = target_tokenizer.tokenize(target)
        batch = target_ids.nrows()
        target_ids = tf.concat(
            [
                tf.fill([batch, 1], START_ID),
                target_ids,
                tf.fill([batch, 1], END_ID),
            ],
            axis=1,
        ).to_tensor()
        labels = target_ids[:, 1:]
        inputs = {
            "encoder_token_ids": source_ids,
            "decoder_token_ids": target_ids[:, :-1],
        }
        return inputs, labels, tf.cast(labels != 0, tf.float32)

    return dataset.map(to_features, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE
    )
