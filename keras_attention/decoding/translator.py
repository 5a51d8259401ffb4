"""Raw strings in, translations out: tokenizers, model and search."""

import tensorflow as tf

from keras_attention.config import DecodingConfig
from keras_attention.decoding.batch_translation import translate_batches
from keras_attention.decoding.beam_search import BeamSearch
from keras_attention.decoding.greedy_search import GreedySearch

_TEXTS = tf.TensorSpec([None], tf.string)


class Translator(tf.Module):
    """Translates a batch of raw sentences with a trained `EncoderDecoder`.

    Tokenization, encoding, the decoding loop and detokenization are all
    graph ops, so `translate` and `translate_beam` can be exported as
    serving signatures (see `SavedModelExporter`). Any byte string is
    accepted: the tokenizers clean it first as in training
    (`keras_attention.text.clean_text`).

    Args:
        model: a trained `EncoderDecoder`.
        source_tokenizer: tokenizer of the source language.
        target_tokenizer: tokenizer of the target language.
        max_decode_length: int. Hard cap on generated tokens. The cap per
            sentence is `min(max_decode_length, 2 * source_length + 10)`.
        beam_width: int. Beam width of `translate_beam`.
        length_penalty: float. GNMT length penalty `alpha` of
            `translate_beam` (see `BeamSearch`).
        beam_stopping: str. When `translate_beam` stops a sentence
            (`BeamSearch`'s `stopping`: `"exact"` or `"heuristic"`).
        max_source_length: int or `None`. Source tokens beyond this are
            dropped, which bounds the cost of hostile inputs in serving.
            `None` keeps every token.
        postprocessor: a `tf.Module` or `None`. Called in the graph as
            `postprocessor(texts, outputs)` on every batch's outputs and
            returning the outputs to give instead (a `TranslationMemory`
            is one). Defaults to `None`.

    The decoding arguments default to `DecodingConfig`'s; build one with
    `Translator.from_config`.

    Example:

    ```python
    translator = Translator.from_config(model, source_tokenizer,
                                        target_tokenizer, Config())
    translator.translate(tf.constant(["나는 학생 입니다."]))["translation"]
    translator.translate_beam(tf.constant(["나는 학생 입니다."]))
    ```
    """

    def __init__(
        self,
        model,
        source_tokenizer,
        target_tokenizer,
        max_decode_length=DecodingConfig.max_decode_length,
        beam_width=DecodingConfig.beam_width,
        length_penalty=DecodingConfig.length_penalty,
        beam_stopping=DecodingConfig.beam_stopping,
        max_source_length=DecodingConfig.max_source_length,
        postprocessor=None,
    ):
        super().__init__()
        if max_source_length is not None and max_source_length < 1:
            raise ValueError(
                "max_source_length must be positive or None. "
                f"Received: max_source_length={max_source_length}"
            )
        self.model = model
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.max_decode_length = max_decode_length
        self.beam_width = beam_width
        self.length_penalty = length_penalty
        self.beam_stopping = beam_stopping
        self.max_source_length = max_source_length
        self.postprocessor = postprocessor
        # The target tokenizer owns the special ids.
        end_id = target_tokenizer.end_token_id
        self.search = GreedySearch(end_id=end_id)
        self.beam_search = BeamSearch(
            end_id=end_id,
            beam_width=beam_width,
            length_penalty=length_penalty,
            stopping=beam_stopping,
        )

    @classmethod
    def from_config(
        cls,
        model,
        source_tokenizer,
        target_tokenizer,
        config=None,
        postprocessor=None,
        **decoding,
    ):
        """A `Translator` with `config`'s decoding fields.

        Args:
            model, source_tokenizer, target_tokenizer, postprocessor: see
                `Translator`.
            config: a `Config` or `None` (`Translator`'s defaults).
            **decoding: decoding arguments that replace the config's
                (`beam_width=8`...).
        """
        kwargs = {} if config is None else config.decoding.to_dict()
        return cls(
            model,
            source_tokenizer,
            target_tokenizer,
            postprocessor=postprocessor,
            **{**kwargs, **decoding},
        )

    def _source_ids(self, texts):
        """`(ids, lengths)`: `(batch, max(Ts, 1))` padded ids, `(batch,)`."""
        # The tokenizer cleans first (`Normalizer`, `clean_text`).
        source_ids = self.source_tokenizer.tokenize(texts)
        if self.max_source_length is not None:
            source_ids = source_ids[:, : self.max_source_length]
        source_lengths = tf.cast(source_ids.row_lengths(), tf.int32)
        # At least one (masked) column: an RNN over zero steps fails when
        # every sentence of the batch is empty.
        width = tf.maximum(
            tf.reduce_max(tf.concat([source_lengths, [0]], 0)), 1
        )
        source_ids = source_ids.to_tensor(shape=[tf.shape(texts)[0], width])
        return source_ids, source_lengths

    def _next(self, ids, step, state):
        logits, states, attention = self.model.decode_step(
            ids, state["states"], state["memory"], state["memory_mask"]
        )
        return logits, {**state, "states": states, "attention": attention}

    def run(self, texts, search):
        """`translate`'s dict for `texts` `(batch,)` with `search` (a
        `GreedySearch`, `BeamSearch` or callable of their contract)."""
        source_ids, source_lengths = self._source_ids(texts)
        batch_size = tf.shape(texts)[0]
        memory, memory_mask, states = self.model.encode(source_ids)
        state = {
            "states": states,
            "memory": memory,
            "memory_mask": memory_mask,
            # float32 like `decode_step`'s attention (mixed precision too).
            "attention": tf.zeros_like(tf.cast(memory_mask, tf.float32)),
        }
        max_length = tf.minimum(self.max_decode_length, 2 * source_lengths + 10)
        result = search(
            self._next,
            tf.fill([batch_size], self.target_tokenizer.start_token_id),
            state,
            max_length,
        )
        ids = tf.RaggedTensor.from_tensor(
            result["ids"], lengths=result["lengths"]
        )
        outputs = {
            "translation": self.target_tokenizer.detokenize(ids),
            "token_ids": result["ids"],
            "lengths": result["lengths"],
            "scores": result["scores"],
            "attention": result["attention"],
            "source_lengths": source_lengths,
        }
        if self.postprocessor is not None:
            outputs = self.postprocessor(texts, outputs)
        return outputs

    @tf.function(input_signature=[_TEXTS])
    def translate(self, texts):
        """Translates `texts` `(batch,)` with greedy search.

        Returns a dict: `translation` `(batch,)` strings, `token_ids`
        `(batch, T)` (end token included, 0 after it), `lengths` `(batch,)`
        (tokens before the end token), `scores` `(batch,)` (sum of
        log-probabilities), `attention` `(batch, T, Ts)` and
        `source_lengths` `(batch,)`, as the `postprocessor` leaves them.
        """
        return self.run(texts, self.search)

    @tf.function(input_signature=[_TEXTS])
    def translate_beam(self, texts):
        """Translates `texts` `(batch,)` with beam search.

        Same outputs as `translate`, for the best hypothesis of a beam of
        `beam_width` ranked with `length_penalty`; `scores` is still the
        plain sum of log-probabilities.
        """
        return self.run(texts, self.beam_search)

    def score_pairs(self, sources, targets):
        """The model's teacher-forced log-probability of each target.

        The sum over the target's tokens and the end token, as `scores`
        reports for a search's own output.

        Args:
            sources: list of str.
            targets: list of str, one translation per source.

        Returns:
            A float32 NumPy array `(len(sources),)`.
        """
        sources = tf.constant(list(sources), tf.string)
        targets = self.target_tokenizer.tokenize(
            tf.constant(list(targets), tf.string)
        )
        source_ids, _ = self._source_ids(sources)
        rows = targets.nrows()
        start = tf.fill([rows, 1], self.target_tokenizer.start_token_id)
        end = tf.fill([rows, 1], self.target_tokenizer.end_token_id)
        decoder_ids = tf.concat([start, targets], axis=1).to_tensor()
        labels = tf.concat([targets, end], axis=1).to_tensor()
        logits = self.model(
            {"encoder_token_ids": source_ids, "decoder_token_ids": decoder_ids}
        )
        log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32))
        picked = tf.gather(log_probs, labels, batch_dims=2)
        mask = tf.sequence_mask(
            targets.row_lengths() + 1, tf.shape(labels)[1], tf.float32
        )
        return tf.reduce_sum(picked * mask, axis=1).numpy()

    def translate_texts(
        self,
        sources,
        batch_size=256,
        beam=False,
        verbose=0,
        outputs=("translation",),
    ):
        """`translate_batches` with `translate` or, with `beam=True`,
        `translate_beam`; the other arguments are its."""
        translate = self.translate_beam if beam else self.translate
        return translate_batches(
            translate, sources, batch_size, verbose, outputs
        )
