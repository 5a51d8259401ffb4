"""Raw strings in, translations out: tokenizers, model and search."""

import tensorflow as tf

from keras_attention.decoding.greedy_search import GreedySearch
from keras_attention.text.word_tokenizer import END_ID
from keras_attention.text.word_tokenizer import START_ID


class Translator(tf.Module):
    """Translates a batch of raw sentences with a trained `EncoderDecoder`.

    Tokenization, encoding, the decoding loop and detokenization are all
    graph ops, so `translate` can be exported as a serving signature.

    Args:
        model: a trained `EncoderDecoder`.
        source_tokenizer: tokenizer of the source language.
        target_tokenizer: tokenizer of the target language.
        max_decode_length: int. Hard cap on generated tokens. The cap per
            sentence is `min(max_decode_length, 2 * source_length + 10)`.

    Example:

    ```python
    translator = Translator(model, source_tokenizer, target_tokenizer)
    translator.translate(tf.constant(["나는 학생 입니다."]))["translation"]
    ```
    """

    def __init__(
        self, model, source_tokenizer, target_tokenizer, max_decode_length=64
    ):
        super().__init__()
        self.model = model
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.max_decode_length = max_decode_length
        self.search = GreedySearch(end_id=END_ID)

    def _next(self, ids, step, state):
        logits, states, attention = self.model.decode_step(
            ids, state["states"], state["memory"], state["memory_mask"]
        )
        return logits, {**state, "states": states, "attention": attention}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def translate(self, texts):
        """Translates `texts` `(batch,)`.

        Returns a dict: `translation` `(batch,)` strings, `token_ids`
        `(batch, T)`, `lengths` `(batch,)`, `scores` `(batch,)` (sum of
        log-probabilities), `attention` `(batch, T, Ts)` and
        `source_lengths` `(batch,)`.
        """
        source_ids = self.source_tokenizer.tokenize(texts)
        source_lengths = tf.cast(source_ids.row_lengths(), tf.int32)
        source_ids = source_ids.to_tensor()
        memory, memory_mask, states = self.model.encode(source_ids)
        batch_size = tf.shape(texts)[0]
        state = {
            "states": states,
            "memory": memory,
            "memory_mask": memory_mask,
            "attention": tf.zeros_like(tf.cast(memory_mask, memory.dtype)),
        }
        max_length = tf.minimum(self.max_decode_length, 2 * source_lengths + 10)
        result = self.search(
            self._next, tf.fill([batch_size], START_ID), state, max_length
        )
        ids = tf.RaggedTensor.from_tensor(result["ids"], lengths=result["lengths"])
        return {
            "translation": self.target_tokenizer.detokenize(ids),
            "token_ids": result["ids"],
            "lengths": result["lengths"],
            "scores": result["scores"],
            "attention": result["attention"],
            "source_lengths": source_lengths,
        }
