"""Word alignments read off the attention weights under teacher forcing."""

import keras
import numpy as np
import tensorflow as tf

from keras_attention.evaluation.alignment_error import AlignmentError
from keras_attention.evaluation.token_words import pool_to_words
from keras_attention.evaluation.token_words import token_word_indices
from keras_attention.text.word_splitter import split_words


class AttentionAligner:
    """Aligns reference pairs with a trained model's attention.

    Each pair is fed under teacher forcing, as in training, and
    `model.call_with_attention` gives the attention `(batch_size, Tt + 1,
    Ts)`: row t predicts target token t (the `[END]` row is dropped).
    Token weights are pooled to the words that gold alignments index
    (`token_words.pool_to_words`), so subword tokenizers work too. Links
    are each target word's highest-weight source word (`"argmax"`) or every
    source word of weight `>= threshold` (`"threshold"`).

    Args:
        model: a trained `EncoderDecoder` (anything with
            `call_with_attention`).
        source_tokenizer: tokenizer with `tokenize` and `id_to_token`.
        target_tokenizer: tokenizer with `tokenize` and `id_to_token`.
        batch_size: int. Pairs per forward pass. Defaults to `64`.

    Example:

    ```python
    model, source_tokenizer, target_tokenizer, _ = RunDirectory(path).load()
    aligner = AttentionAligner(model, source_tokenizer, target_tokenizer)
    pairs = read_pairs(path / "data" / "test.tsv")
    aligner.evaluate(
        [p.source for p in pairs],
        [p.target for p in pairs],
        [p.alignment for p in pairs],
    )  # {"threshold": 0.3, "argmax": {"aer": ...}, "thresholded": {...}}
    ```
    """

    def __init__(
        self, model, source_tokenizer, target_tokenizer, batch_size=64
    ):
        self.model = model
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.batch_size = batch_size

    def _tokens(self, tokenizer, texts):
        ids = tokenizer.tokenize(tf.constant(texts))
        tokens = tf.ragged.map_flat_values(tokenizer.id_to_token, ids)
        strings = [
            [token.decode("utf-8") for token in row] for row in tokens.to_list()
        ]
        return ids, strings

    def token_attention(self, sources, targets):
        """Teacher-forced attention of each `(source, target)` str pair.

        Returns:
            list of `(source_tokens, target_tokens, attention)`: two lists
            of str and a float array `(len(target_tokens),
            len(source_tokens))` whose row t was used to predict target
            token t (the `[END]` row is dropped).
        """
        results = []
        for start in range(0, len(sources), self.batch_size):
            results.extend(
                self._batch_attention(
                    sources[start : start + self.batch_size],
                    targets[start : start + self.batch_size],
                )
            )
        return results

    def _batch_attention(self, sources, targets):
        source_ids, source_tokens = self._tokens(self.source_tokenizer, sources)
        target_ids, target_tokens = self._tokens(self.target_tokenizer, targets)
        start = tf.RaggedTensor.from_tensor(
            tf.fill([len(targets), 1], self.target_tokenizer.start_token_id)
        )
        inputs = {
            "encoder_token_ids": source_ids.to_tensor(),
            "decoder_token_ids": tf.concat(
                [start, target_ids], axis=1
            ).to_tensor(),
        }
        _, attention = self.model.call_with_attention(inputs)
        attention = keras.ops.convert_to_numpy(attention)
        return [
            (src, tgt, attention[i, : len(tgt), : len(src)])
            for i, (src, tgt) in enumerate(zip(source_tokens, target_tokens))
        ]

    def word_attention(self, sources, targets):
        """Teacher-forced attention pooled to words.

        Returns:
            list of float arrays `(len(split_words(target)),
            len(split_words(source)))`.
        """
        words = []
        for source, target, (src, tgt, attention) in zip(
            sources, targets, self.token_attention(sources, targets)
        ):
            source_words = split_words(source)
            target_words = split_words(target)
            words.append(
                pool_to_words(
                    attention,
                    token_word_indices(tgt, target_words),
                    token_word_indices(src, source_words),
                    shape=(len(target_words), len(source_words)),
                )
            )
        return words

    @staticmethod
    def argmax_links(word_attention):
        """`{(source_word, target_word)}`: each target word's best source."""
        return {
            (int(np.argmax(row)), t)
            for t, row in enumerate(word_attention)
            if row.size and row.any()
        }

    @staticmethod
    def threshold_links(word_attention, threshold=0.3):
        """`{(source_word, target_word)}` for every weight `>= threshold`."""
        targets, sources = np.nonzero(np.asarray(word_attention) >= threshold)
        return {(int(s), int(t)) for t, s in zip(targets, sources)}

    def evaluate(self, sources, targets, alignments, threshold=0.3, verbose=0):
        """AER of both link rules against gold alignments.

        Args:
            sources: list of str.
            targets: list of str, the references.
            alignments: list of iterables of gold `(source_word,
                target_word)` sure links over `split_words`.
            threshold: float. Weight needed by the `"threshold"` rule.
                Defaults to `0.3`.
            verbose: int. `1` shows a progress bar. Defaults to `0`.

        Returns:
            dict: `threshold`, and `argmax` and `thresholded`, each an
            `AlignmentError.summary()` (aer, precision, recall, counts).
        """
        if not len(sources) == len(targets) == len(alignments):
            raise ValueError(
                f"Got {len(sources)} sources, {len(targets)} targets and "
                f"{len(alignments)} alignments."
            )
        argmax, thresholded = AlignmentError(), AlignmentError()
        progress = keras.utils.Progbar(len(sources), verbose=verbose)
        for start in range(0, len(sources), self.batch_size):
            end = start + self.batch_size
            for gold, matrix in zip(
                alignments[start:end],
                self.word_attention(sources[start:end], targets[start:end]),
            ):
                argmax.update(self.argmax_links(matrix), gold)
                thresholded.update(
                    self.threshold_links(matrix, threshold), gold
                )
            progress.update(min(end, len(sources)))
        return {
            "threshold": threshold,
            "argmax": argmax.summary(),
            "thresholded": thresholded.summary(),
        }
