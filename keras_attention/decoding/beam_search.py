"""Beam search as one in-graph loop."""

import tensorflow as tf

from keras_attention.config import DecodingConfig
from keras_attention.decoding.open_rows import gather_rows
from keras_attention.decoding.open_rows import open_shape
from keras_attention.decoding.open_rows import scatter_rows

# Log-probability of an impossible continuation. Finite (not -inf) so that
# sums, length penalties and comparisons never produce NaN.
_IMPOSSIBLE = -1e9


class BeamSearch:
    """Keeps the `beam_width` best hypotheses per sentence until `end_id`.

    The loop is a `tf.while_loop` with a maximum iteration count, so it runs
    in eager mode, in a `tf.function` and in an exported SavedModel, and it
    uses core TensorFlow ops only. The contract is `GreedySearch`'s: with
    `beam_width=1` the result is the greedy one: the same tokens, scores
    and attention equal up to float rounding (greedy steps only the open
    rows).

    Only the open sentences are searched. Every tensor of `state` (leading
    dimension `batch_size`) is repeated to `beam_width` rows per open
    sentence (row `i * beam_width + j` is beam `j` of open sentence `i`),
    and after every step the rows are gathered by the beam each surviving
    hypothesis came from; a sentence that stops leaves the rows, so
    `next_fn` receives fewer rows as the batch finishes (Anki, batches of
    64: the loop runs 24 steps for 8.1 output tokens per sentence on
    average). Tensors that `next_fn` returns unchanged (the same tensor
    object, e.g. the encoder memory) are not reordered, only the stopped
    sentences' rows are dropped: they are identical across the beams of a
    sentence.

    Hypotheses are ranked by `log P(y) / lp(y)`, with the GNMT length
    penalty `lp(y) = ((5 + |y|) / 6) ** length_penalty` (Wu et al., 2016),
    where `|y|` counts the generated tokens, the end token included.

    Finished hypotheses are kept aside, as JoeyNMT's `beam_search` does:
    every step takes the `beam_width` best extensions of the open
    hypotheses; those that produced `end_id` (or reached their sentence's
    `max_length`) leave the beam, and the best of them replaces the
    sentence's best finished hypothesis if it scores higher. The others
    stay open. So an open hypothesis never pushes a finished one out: the
    result is the best-scoring finished hypothesis the search met, never
    worse than one it had found earlier.

    When a sentence stops is `stopping`'s choice. `"exact"`: once its best
    finished hypothesis scores at least as well as any open hypothesis could
    ever reach (log-probabilities only decrease, and the penalty is at most
    `lp(max_length)`), so stopping early never changes the result.
    `"heuristic"`: once it scores at least as well as the best open
    hypothesis at its current length, as Hugging Face's
    `early_stopping=False` does (JoeyNMT and OpenNMT-tf stop when the top
    beam ends); a longer hypothesis that would have overtaken it later is
    not searched. With `length_penalty=0` the two are the same.

    Args:
        end_id: int. The token that ends a sentence.
        beam_width: int. Hypotheses kept per sentence. Defaults to
            `DecodingConfig`'s (4).
        length_penalty: float. GNMT `alpha`; `0` ranks by the sum of
            log-probabilities, larger values favour longer outputs.
            Defaults to `DecodingConfig`'s (0.6), as for `Translator` and the
            exporter.
        stopping: str. `"exact"` or `"heuristic"` (see above). Defaults to
            `DecodingConfig`'s (`beam_stopping`).

    Call arguments:
        next_fn: callable `next_fn(ids, step, state) -> (logits, state)`:
            `ids` `(rows,)` int32 previous tokens, `step` a scalar,
            `logits` `(rows, vocabulary_size)`, where
            `rows = open sentences * beam_width`. `state` is a nested dict
            of tensors with leading dimension `rows`; if it holds
            `"attention"` `(rows, Ts)`, the weights of every step of the
            chosen hypothesis are returned.
        start_ids: int32 `(batch_size,)`, the first input tokens.
        state: dict, the initial state (leading dimension `batch_size`).
        max_length: int32 scalar or `(batch_size,)`, the most tokens to
            generate per sentence (the end token included).

    Returns:
        A dict describing the best hypothesis of every sentence: `ids`
        int32 `(batch_size, T)` (the end token included, padded with 0
        after it), `lengths` int32 `(batch_size,)` (tokens before the end
        token), `scores` float32 `(batch_size,)` (sum of log-probabilities,
        end token included), `normalized_scores` float32 `(batch_size,)`
        (`scores / lp`, what the search ranks by; `0` where `max_length`
        is 0) and `attention`
        `(batch_size, T, Ts)` (zero after the end token) if the state
        carries it.

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
        start_ids = tf.convert_to_tensor(start_ids, tf.int32)
        batch_size = tf.shape(start_ids)[0]
        max_length = tf.broadcast_to(
            tf.cast(max_length, tf.int32), [batch_size]
        )
        limit = tf.reduce_max(tf.concat([max_length, [0]], axis=0))
        with_attention = "attention" in state
        per_beam = [batch_size, width]
        # Step t is written at index t + 1; index 0 holds a placeholder so
        # that the arrays are never empty (an empty TensorArray of unknown
        # batch size cannot be stacked, e.g. for a batch of 0 sentences).
        placeholder = tf.zeros(per_beam, tf.int32)
        arrays = {
            "words": tf.TensorArray(tf.int32, size=1, dynamic_size=True).write(
                0, placeholder
            ),
            "parents": tf.TensorArray(
                tf.int32, size=1, dynamic_size=True
            ).write(0, placeholder),
        }
        if with_attention:
            attention = state["attention"]
            arrays["attention"] = tf.TensorArray(
                attention.dtype, size=1, dynamic_size=True
            ).write(
                0,
                tf.zeros_like(tf.repeat(attention[:, None], width, axis=1)),
            )
        # Only the open sentences are searched: `sentences` are their
        # indices in the batch, and `ids`, `state` and `log_probs` hold
        # their beams only (row `i * beam_width + j` is beam `j` of open
        # sentence `i`). A sentence that stops leaves them, so the model's
        # work per step shrinks as the batch finishes.
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
            # A hypothesis that ended leaves the beam (it lives on in `best`
            # if it is the best one): its slot is never extended.
            log_probs = tf.where(ends, _IMPOSSIBLE, log_probs)

            def write(array, value):
                # (open sentences, ...) -> (batch_size, ...), zeros for the
                # others (never read: a stopped sentence's best is earlier).
                return array.write(
                    step + 1, scatter_rows(index, value, batch_size)
                )

            arrays = dict(v["arrays"])
            arrays["words"] = write(arrays["words"], words)
            arrays["parents"] = write(arrays["parents"], origins)
            if with_attention:
                # Indexed by the beam that computed it (the parent), so that
                # the attention of a finished hypothesis is kept too.
                arrays["attention"] = write(
                    arrays["attention"],
                    tf.reshape(new_state["attention"], [num_open, width, -1]),
                )

            # Stop a sentence once no open hypothesis can overtake its best
            # finished one: at the longest allowed length ("exact") or at
            # its current length ("heuristic").
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
        """Follows the parent pointers from each best hypothesis's end.

        Returns the `ids` `(batch_size, T)` (and `attention`
        `(batch_size, T, Ts)`) of the hypotheses described by `best`.
        """
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
            return (
                index - 1,
                _keep_shape(parent, beam),
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


def _keep_shape(new, old):
    # Gathers and reshapes lose static dimensions that `tf.while_loop`
    # requires to stay the same across iterations.
    if isinstance(new, tf.Tensor) and new is not old:
        new.set_shape(old.shape)
    return new
