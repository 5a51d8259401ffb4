"""Beam search as one in-graph loop."""

import tensorflow as tf

from keras_attention.config import DecodingConfig
from keras_attention.decoding.open_rows import gather_rows
from keras_attention.decoding.open_rows import open_shape
from keras_attention.decoding.open_rows import scatter_rows
from keras_attention.decoding.open_rows import search_bounds
from keras_attention.decoding.open_rows import step_array

# Log-probability of an impossible continuation. Finite (not -inf) so that
# sums, length penalties and comparisons never produce NaN.
_IMPOSSIBLE = -1e9


class BeamSearch:
    """Keeps the `beam_width` best hypotheses per sentence until `end_id`.

    The loop is a `tf.while_loop` with a maximum iteration count of core
    TensorFlow ops, like `GreedySearch`'s, and with `beam_width=1` gives
    the greedy result (tokens, scores and attention up to float rounding).
    Every tensor of `state` is repeated to `beam_width` rows per open
    sentence and reordered by each surviving hypothesis's beam after every
    step; tensors that `next_fn` returns unchanged (the same object, e.g.
    the encoder memory) are not reordered. A sentence that stops leaves
    the rows, so `next_fn` receives fewer rows as the batch finishes.

    Hypotheses are ranked by `log P(y) / lp(y)`, with the GNMT length
    penalty `lp(y) = ((5 + |y|) / 6) ** length_penalty` (Wu et al., 2016),
    `|y|` counting the end token. As in JoeyNMT, a hypothesis that ends
    (or reaches its sentence's `max_length`) leaves the beam and replaces
    the sentence's best finished one if it scores higher, so an open
    hypothesis never pushes a finished one out.

    `stopping="exact"` stops a sentence once its best finished hypothesis
    scores at least what any open one could reach by `max_length` (so the
    result is the full search's); `"heuristic"` once it beats the best open
    one at its current length (Hugging Face's `early_stopping=False`). With
    `length_penalty=0` the two are the same.

    Args:
        end_id: int. The token that ends a sentence.
        beam_width: int. Hypotheses kept per sentence. Defaults to
            `DecodingConfig`'s (4).
        length_penalty: float. GNMT `alpha`; `0` ranks by the sum of
            log-probabilities, larger values favour longer outputs.
            Defaults to `DecodingConfig`'s (0.6).
        stopping: str. `"exact"` or `"heuristic"` (see above). Defaults to
            `DecodingConfig`'s (`beam_stopping`).

    Call arguments:
        next_fn, start_ids, state, max_length: as for `GreedySearch`, with
            `rows = open sentences * beam_width` rows in `next_fn`.

    Returns:
        `GreedySearch`'s dict for the best hypothesis of every sentence,
        plus `normalized_scores` float32 `(batch_size,)` (`scores / lp`,
        what the search ranks by; `0` where `max_length` is 0).

    Example:

    ```python
    search = BeamSearch(end_id=3, beam_width=4, length_penalty=0.6)
    result = search(next_fn, tf.fill([batch_size], 2), state, max_length=20)
    result["ids"], result["scores"]
    ```

    References:
        - [Wu et al., 2016](https://arxiv.org/abs/1609.08144) (GNMT length
          penalty)
    """

    def __init__(
        self,
        end_id,
        beam_width=DecodingConfig.beam_width,
        length_penalty=DecodingConfig.length_penalty,
        stopping=DecodingConfig.beam_stopping,
    ):
        # The `decoding` section's checks (a `ConfigError`, a ValueError).
        DecodingConfig(
            beam_width=beam_width,
            length_penalty=length_penalty,
            beam_stopping=stopping,
        )
        self.end_id = end_id
        self.beam_width = beam_width
        self.length_penalty = float(length_penalty)
        self.stopping = stopping

    def penalty(self, lengths):
        """The GNMT length penalty `((5 + lengths) / 6) ** alpha`."""
        lengths = tf.cast(lengths, tf.float32)
        return tf.pow((5.0 + lengths) / 6.0, self.length_penalty)

    def _normalize(self, log_probs, lengths):
        if self.length_penalty == 0:
            return log_probs
        return log_probs / self.penalty(lengths)

    def __call__(self, next_fn, start_ids, state, max_length):
        width = self.beam_width
        start_ids, batch_size, max_length, limit = search_bounds(
            start_ids, max_length
        )
        with_attention = "attention" in state
        placeholder = tf.zeros([batch_size, width], tf.int32)
        arrays = {
            "words": step_array(placeholder),
            "parents": step_array(placeholder),
        }
        if with_attention:
            attention = tf.repeat(state["attention"][:, None], width, axis=1)
            arrays["attention"] = step_array(tf.zeros_like(attention))
        # Only the open sentences are searched: `sentences` are their
        # indices in the batch; `ids`, `state` and `log_probs` hold their
        # beams (row `i * beam_width + j` is beam `j` of open sentence `i`).
        sentences = tf.cast(tf.where(max_length > 0)[:, 0], tf.int32)
        num_open = tf.size(sentences)
        # Only beam 0 is alive at first: the beams start identical.
        log_probs = tf.tile(
            tf.constant([[0.0] + [_IMPOSSIBLE] * (width - 1)]), [num_open, 1]
        )
        zeros = tf.zeros([batch_size], tf.int32)
        loop_vars = {
            "step": tf.constant(0),
            "sentences": sentences,
            "ids": tf.repeat(tf.gather(start_ids, sentences), width),
            "state": tf.nest.map_structure(
                lambda t: tf.repeat(t, width, axis=0),
                gather_rows(state, sentences),
            ),
            "log_probs": log_probs,
            # The best finished hypothesis of every sentence, kept aside:
            # its last token `word`, written at index `step` (0: none yet)
            # after beam `parent` of index `step - 1`.
            "best": {
                "normalized": tf.fill([batch_size], -float("inf")),
                "log_prob": tf.zeros([batch_size]),
                "step": zeros,
                "word": zeros,
                "parent": zeros,
            },
            "arrays": arrays,
        }

        def body(v):
            step = v["step"]
            sentences = v["sentences"]
            num_open = tf.size(sentences)
            logits, new_state = next_fn(v["ids"], step, v["state"])
            vocabulary_size = tf.shape(logits)[-1]
            step_log_probs = tf.reshape(
                tf.nn.log_softmax(tf.cast(logits, tf.float32)),
                [num_open, width, vocabulary_size],
            )
            totals = v["log_probs"][..., None] + step_log_probs
            # Every candidate of a step has step + 1 tokens, so ranking by
            # log-probability is ranking by the length-normalised score.
            log_probs, candidates = tf.math.top_k(
                tf.reshape(totals, [num_open, -1]), k=width
            )
            origins = candidates // vocabulary_size
            words = candidates % vocabulary_size
            lengths = tf.gather(max_length, sentences)
            at_limit = step + 1 >= lengths
            ends = (words == self.end_id) | at_limit[:, None]
            # top_k sorts: the first candidate that ends is the best one.
            first = tf.argmax(tf.cast(ends, tf.int32), 1, output_type=tf.int32)
            candidate = tf.gather(log_probs, first, batch_dims=1)
            normalized = self._normalize(candidate, step + 1)
            index = sentences[:, None]
            best = gather_rows(v["best"], sentences)
            better = tf.reduce_any(ends, axis=1) & (
                normalized > best["normalized"]
            )
            best = {
                "normalized": tf.where(better, normalized, best["normalized"]),
                "log_prob": tf.where(better, candidate, best["log_prob"]),
                "step": tf.where(better, step + 1, best["step"]),
                "word": tf.where(
                    better,
                    tf.gather(words, first, batch_dims=1),
                    best["word"],
                ),
                "parent": tf.where(
                    better,
                    tf.gather(origins, first, batch_dims=1),
                    best["parent"],
                ),
            }
            # An ended hypothesis leaves the beam (it may live on in `best`).
            log_probs = tf.where(ends, _IMPOSSIBLE, log_probs)

            def write(array, value):
                # (open sentences, ...) -> (batch_size, ...), zeros elsewhere.
                return array.write(
                    step + 1, scatter_rows(index, value, batch_size)
                )

            arrays = dict(v["arrays"])
            arrays["words"] = write(arrays["words"], words)
            arrays["parents"] = write(arrays["parents"], origins)
            if with_attention:
                # By the beam that computed it, so finished ones keep theirs.
                arrays["attention"] = write(
                    arrays["attention"],
                    tf.reshape(new_state["attention"], [num_open, width, -1]),
                )

            # Stop once no open hypothesis can overtake the best finished
            # one, at the longest length ("exact") or the current one.
            reachable = self._normalize(
                tf.reduce_max(log_probs, axis=1),
                lengths if self.stopping == "exact" else step + 1,
            )
            stops = at_limit | (best["normalized"] >= reachable)
            keep = tf.cast(tf.where(~stops)[:, 0], tf.int32)
            # The rows of the kept sentences' beams, before and after
            # following each surviving hypothesis to the beam it extends.
            kept_rows = tf.reshape(
                keep[:, None] * width + tf.range(width)[None], [-1]
            )
            offsets = tf.range(num_open)[:, None] * width
            parents = tf.gather(tf.reshape(origins + offsets, [-1]), kept_rows)
            state = tf.nest.map_structure(
                lambda new, old: (
                    tf.gather(old, kept_rows)
                    if new is old
                    else tf.gather(new, parents)
                ),
                new_state,
                v["state"],
            )
            new_vars = {
                "step": step + 1,
                "sentences": tf.gather(sentences, keep),
                "ids": tf.gather(tf.reshape(words, [-1]), kept_rows),
                "state": state,
                "log_probs": tf.gather(log_probs, keep),
                "best": {
                    key: tf.tensor_scatter_nd_update(
                        v["best"][key], index, value
                    )
                    for key, value in best.items()
                },
                "arrays": arrays,
            }
            return (new_vars,)

        def cond(v):
            return tf.size(v["sentences"]) > 0

        invariants = {
            "step": tf.TensorShape([]),
            "sentences": tf.TensorShape([None]),
            "ids": tf.TensorShape([None]),
            "state": tf.nest.map_structure(open_shape, loop_vars["state"]),
            "log_probs": tf.TensorShape([None, width]),
            "best": tf.nest.map_structure(lambda t: t.shape, loop_vars["best"]),
            "arrays": {key: tf.TensorShape(None) for key in arrays},
        }
        (v,) = tf.while_loop(
            cond,
            body,
            (loop_vars,),
            shape_invariants=(invariants,),
            maximum_iterations=limit,
        )
        best = v["best"]
        found = best["step"] > 0
        ended = found & (best["word"] == self.end_id)
        result = {
            "lengths": best["step"] - tf.cast(ended, tf.int32),
            "scores": best["log_prob"],
            "normalized_scores": tf.where(found, best["normalized"], 0.0),
        }
        result.update(self._backtrack(v["arrays"], best))
        return result

    def _backtrack(self, arrays, best):
        """`ids` `(batch_size, T)` (and `attention` `(batch_size, T, Ts)`)
        of the `best` hypotheses, following the parents from their ends."""
        words = arrays["words"].stack()  # (T + 1, batch_size, beam_width)
        parents = arrays["parents"].stack()
        num_steps = tf.shape(words)[0] - 1
        last = best["step"]
        # Index t + 1 holds the token of step t and the beam of step t - 1
        # it extends; index 0 is a placeholder (never empty arrays).
        tokens = tf.TensorArray(tf.int32, size=num_steps + 1)
        origins = tf.TensorArray(tf.int32, size=num_steps + 1)
        tokens = tokens.write(0, best["word"])
        origins = origins.write(0, best["parent"])

        def body(index, beam, tokens, origins):
            is_last = index == last
            token = tf.where(
                is_last,
                best["word"],
                tf.gather(words[index], beam, batch_dims=1),
            )
            parent = tf.where(
                is_last,
                best["parent"],
                tf.gather(parents[index], beam, batch_dims=1),
            )
            token = tf.where(index > last, 0, token)
            # `tf.while_loop` needs the static shape that `tf.where` loses.
            parent.set_shape(beam.shape)
            return (
                index - 1,
                parent,
                tokens.write(index, token),
                origins.write(index, parent),
            )

        _, _, tokens, origins = tf.while_loop(
            lambda index, *_: index > 0,
            body,
            (num_steps, tf.zeros_like(last), tokens, origins),
            maximum_iterations=num_steps,
        )
        result = {"ids": tf.transpose(tokens.stack()[1:])}
        if "attention" in arrays:
            attention = arrays["attention"].stack()[1:]  # (T, batch, beams, Ts)
            origins = origins.stack()[1:, :, None]  # (T, batch, 1)
            attention = tf.gather(attention, origins, batch_dims=2)[:, :, 0]
            # Zero after the end of each hypothesis.
            steps = tf.range(1, num_steps + 1)[:, None]
            attention = tf.where(
                (steps <= last)[..., None], attention, tf.zeros_like(attention)
            )
            result["attention"] = tf.transpose(attention, [1, 0, 2])
        return result
