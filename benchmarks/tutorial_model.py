"""A Keras 3 replica of the TensorFlow "NMT with attention" tutorial model.

The model of https://www.tensorflow.org/text/tutorials/nmt_with_attention
("Neural machine translation with attention"), rebuilt layer for layer so
that the project's decoding speed and quality can be measured against it
on the same machine, sentences and batch size
(`benchmarks/decoding_vs_tutorial.py`):

- text: `TextVectorization(max_tokens=5000, ragged=True)` per language
  with the tutorial's `tf_lower_and_split_punct` (NFKD, lowercase, keep
  letters and `.?!,¿`, space the punctuation, `[START]`/`[END]` added);
- encoder: `Embedding(vocab, units, mask_zero=True)` and a
  `Bidirectional(GRU(units, return_sequences=True), merge_mode="sum")`;
- `CrossAttention`: `MultiHeadAttention(num_heads=1, key_dim=units)`
  over the encoder output, then `Add` (residual) and
  `LayerNormalization`;
- decoder: `Embedding`, `GRU(units, return_sequences=True,
  return_state=True)` from a zero state, `CrossAttention`, `Dense(vocab)`;
- training: masked sparse cross-entropy, Adam (1e-3), batches of 64,
  `EarlyStopping(patience=3)` on validation loss with epochs of 100
  steps;
- decoding: the tutorial's greedy `translate` (argmax per step, a
  finished row emits padding) with its dynamic `tf.range` loop that stops
  once every row has ended, inside one `tf.function` over a batch of
  strings.

Two changes, both needed here: the tutorial's character filter keeps
`a-z` only (it was written for Spanish-English), which would delete every
Korean letter, so the filter keeps any Unicode letter (`\\p{L}`); and the
masks are passed to the layers explicitly instead of through Keras'
implicit `_keras_mask` (the same computation; the style guide's "what not
to copy" names the tutorial's mask deletion). `units` is 256 as in the
tutorial; `max_length` is 64, the project's export's
`max_decode_length`, so that both stop at the same length.

    .venv/bin/python -m benchmarks.tutorial_model \\
        ../shared/data/ko-en-tatoeba/train.tsv \\
        ../shared/data/ko-en-tatoeba/valid.tsv --seconds 135

References:
    TensorFlow Text tutorial "Neural machine translation with attention",
    https://www.tensorflow.org/text/tutorials/nmt_with_attention
"""

import argparse
import json
import pathlib
import time

import keras
import tensorflow as tf
import tensorflow_text as tf_text

from keras_attention.callbacks.time_budget import TimeBudget

UNITS = 256
MAX_TOKENS = 5000
BATCH_SIZE = 64
BUFFER_SIZE = 20000
MAX_LENGTH = 64


def tf_lower_and_split_punct(text):
    """The tutorial's standardization, with any letter kept (see above)."""
    text = tf_text.normalize_utf8(text, "NFKD")
    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, "[^ \\p{L}.?!,¿]", "")
    text = tf.strings.regex_replace(text, "[.?!,¿]", r" \0 ")
    text = tf.strings.strip(text)
    return tf.strings.join(["[START]", text, "[END]"], separator=" ")


def read_pairs(path):
    """`(sources, targets)` of a two-column TSV file."""
    sources, targets = [], []
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            raise SystemExit(
                f"error: {path}:{number}: expected source<TAB>target"
            )
        sources.append(fields[0])
        targets.append(fields[1])
    return sources, targets


class CrossAttention(keras.layers.Layer):
    """The tutorial's `CrossAttention`: 1-head MHA, residual, LayerNorm.

    Call arguments:
        x: `(batch_size, Tq, units)` decoder states.
        context: `(batch_size, Tv, units)` encoder outputs.
        x_mask: `(batch_size, Tq)` bool, `True` on real tokens.
        context_mask: `(batch_size, Tv)` bool, `True` on real tokens.

    Returns:
        `(batch_size, Tq, units)`.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.mha = keras.layers.MultiHeadAttention(key_dim=units, num_heads=1)
        self.layernorm = keras.layers.LayerNormalization()
        self.add = keras.layers.Add()

    def call(self, x, context, x_mask=None, context_mask=None):
        attention = self.mha(
            query=x, value=context, query_mask=x_mask, value_mask=context_mask
        )
        return self.layernorm(self.add([x, attention]))


class TutorialTranslator(keras.Model):
    """The tutorial's `Translator`: encoder, decoder and greedy `translate`.

    Args:
        source_processor: an adapted `TextVectorization` (ragged) for the
            source language.
        target_processor: the same for the target language.
        units: int. Embedding, GRU and attention width. Defaults to `256`.

    Call arguments:
        inputs: tuple `(source_ids, target_in_ids)`, int
            `(batch_size, Ts)` and `(batch_size, Tt)`, 0 for padding.

    Returns:
        `(batch_size, Tt, target_vocabulary)` logits.
    """

    def __init__(self, source_processor, target_processor, units=UNITS):
        super().__init__()
        self.source_processor = source_processor
        self.target_processor = target_processor
        vocabulary = target_processor.get_vocabulary()
        self.start_token = vocabulary.index("[START]")
        self.end_token = vocabulary.index("[END]")
        self.id_to_word = keras.layers.StringLookup(
            vocabulary=vocabulary, mask_token="", oov_token="[UNK]", invert=True
        )
        # === Encoder ===
        self.source_embedding = keras.layers.Embedding(
            source_processor.vocabulary_size(), units, mask_zero=True
        )
        self.encoder_rnn = keras.layers.Bidirectional(
            keras.layers.GRU(
                units,
                return_sequences=True,
                recurrent_initializer="glorot_uniform",
            ),
            merge_mode="sum",
        )
        # === Decoder ===
        self.target_embedding = keras.layers.Embedding(
            target_processor.vocabulary_size(), units, mask_zero=True
        )
        self.decoder_rnn = keras.layers.GRU(
            units,
            return_sequences=True,
            return_state=True,
            recurrent_initializer="glorot_uniform",
        )
        self.attention = CrossAttention(units)
        self.output_layer = keras.layers.Dense(
            target_processor.vocabulary_size()
        )
        self.units = units

    def encode(self, source_ids):
        mask = source_ids != 0
        x = self.source_embedding(source_ids)
        return self.encoder_rnn(x, mask=mask), mask

    def decode(self, context, context_mask, target_ids, state=None):
        mask = target_ids != 0
        x = self.target_embedding(target_ids)
        x, state = self.decoder_rnn(x, initial_state=state, mask=mask)
        x = self.attention(x, context, x_mask=mask, context_mask=context_mask)
        return self.output_layer(x), state

    def call(self, inputs):
        source_ids, target_ids = inputs
        context, context_mask = self.encode(source_ids)
        logits, _ = self.decode(context, context_mask, target_ids)
        return logits

    def translate(self, texts, max_length=MAX_LENGTH):
        """Greedy translations of a `(batch_size,)` string tensor."""
        source_ids = self.source_processor(texts).to_tensor()
        context, context_mask = self.encode(source_ids)
        batch_size = tf.shape(context)[0]
        next_token = tf.fill(
            [batch_size, 1], tf.constant(self.start_token, tf.int64)
        )
        done = tf.zeros([batch_size, 1], dtype=tf.bool)
        state = tf.zeros([batch_size, self.units])
        tokens = tf.TensorArray(tf.int64, size=1, dynamic_size=True)
        for t in tf.range(max_length):
            logits, state = self.decode(
                context, context_mask, next_token, state=state
            )
            next_token = tf.argmax(logits, axis=-1)
            done = done | (next_token == self.end_token)
            next_token = tf.where(done, tf.constant(0, tf.int64), next_token)
            tokens = tokens.write(t, next_token)
            if tf.reduce_all(done):
                break
        tokens = tf.transpose(tokens.stack()[:, :, 0])
        words = self.id_to_word(tokens)
        text = tf.strings.reduce_join(words, axis=-1, separator=" ")
        text = tf.strings.regex_replace(text, "^ *\\[START\\] *", "")
        return tf.strings.strip(
            tf.strings.regex_replace(text, " *\\[END\\] *$", "")
        )


def masked_loss(y_true, y_pred):
    """The tutorial's loss: cross-entropy averaged over real tokens."""
    loss = keras.losses.sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=True
    )
    mask = tf.cast(y_true != 0, loss.dtype)
    return tf.reduce_sum(loss * mask) / tf.reduce_sum(mask)


def train(train_path, valid_path, seconds, seed=1234, verbose=2):
    """Trains the replica in `seconds` (vectorizer learning included).

    Returns:
        `(model, translate, report)`: the trained `TutorialTranslator`,
        its `translate` in a `tf.function` over `(None,)` strings, and a
        dict of the run's figures.
    """
    keras.utils.set_random_seed(seed)
    start = time.monotonic()
    train_sources, train_targets = read_pairs(train_path)
    valid_sources, valid_targets = read_pairs(valid_path)
    source_processor = keras.layers.TextVectorization(
        standardize=tf_lower_and_split_punct,
        max_tokens=MAX_TOKENS,
        ragged=True,
    )
    target_processor = keras.layers.TextVectorization(
        standardize=tf_lower_and_split_punct,
        max_tokens=MAX_TOKENS,
        ragged=True,
    )
    source_processor.adapt(tf.constant(train_sources))
    target_processor.adapt(tf.constant(train_targets))

    def process_text(context, target):
        context = source_processor(context).to_tensor()
        target = target_processor(target)
        return (context, target[:, :-1].to_tensor()), target[:, 1:].to_tensor()

    def dataset(sources, targets, shuffle):
        data = tf.data.Dataset.from_tensor_slices((sources, targets))
        if shuffle:
            data = data.shuffle(BUFFER_SIZE, seed=seed)
        return (
            data.batch(BATCH_SIZE)
            .map(process_text, tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE)
        )

    train_data = dataset(train_sources, train_targets, True)
    valid_data = dataset(valid_sources, valid_targets, False)
    model = TutorialTranslator(source_processor, target_processor)
    model.compile(optimizer="adam", loss=masked_loss)
    budget = TimeBudget(seconds, start_time=start)
    history = model.fit(
        train_data.repeat(),
        epochs=100,
        steps_per_epoch=100,
        validation_data=valid_data,
        callbacks=[
            keras.callbacks.EarlyStopping(patience=3),
            budget,
        ],
        verbose=verbose,
    )
    report = {
        "train_seconds": round(time.monotonic() - start, 1),
        "epochs": len(history.history["loss"]),
        "steps": budget.batches,
        "val_loss": round(float(min(history.history["val_loss"])), 4),
        "source_vocabulary": source_processor.vocabulary_size(),
        "target_vocabulary": target_processor.vocabulary_size(),
    }
    translate = tf.function(
        model.translate,
        input_signature=[tf.TensorSpec([None], tf.string)],
    )
    return model, translate, report


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tutorial_model",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("train", help="Training TSV (source<TAB>target).")
    parser.add_argument("valid", help="Validation TSV.")
    parser.add_argument("--seconds", type=float, default=135)
    args = parser.parse_args(argv)
    _, translate, report = train(args.train, args.valid, args.seconds)
    sources, _ = read_pairs(args.valid)
    outputs = translate(tf.constant(sources[:5])).numpy()
    report["examples"] = [t.decode("utf-8") for t in outputs]
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
