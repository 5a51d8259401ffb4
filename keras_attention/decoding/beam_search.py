"""Beam search as one in-graph loop."""

import tensorflow as tf

# Log-probability of an impossible continuation. Finite (not -inf) so that
# sums, length penalties and comparisons never produce NaN.
_IMPOSSIBLE = -1e9


class BeamSearch:
    """Keeps the `beam_width` best hypotheses per sentence until `end_id`.

    The loop is a `tf.while_loop` with a maximum iteration count, so it runs
    in eager mode, in a `tf.function` and in an exported SavedModel, and it
    uses core TensorFlow ops only. The contract is `GreedySearch`'s: with
    `beam_width=1` the result is the greedy one, bit for bit.

    Every tensor of `state` (leading dimension `batch_size`) is repeated to
    `batch_size * beam_width` rows (row `b * beam_width + j` is beam `j` of
    sentence `b`), and after every step the rows are gathered by the beam
    each surviving hypothesis came from. Tensors that `next_fn` returns
    unchanged (the same tensor object, e.g. the encoder memory) are not
    gathered: they are still the tiled initial values, identical across the
    beams of a sentence.

    Hypotheses are ranked by `log P(y) / lp(y)`, with the GNMT length
    penalty `lp(y) = ((5 + |y|) / 6) ** length_penalty` (Wu et al., 2016),
    where `|y|` counts the generated tokens, the end token included. A
    hypothesis that produced `end_id` (or reached its sentence's
    `max_length`) is finished: it is not extended, its only continuation is
    padding (id 0) at log-probability 0, so its score is frozen while it
    stays in the beam and competes with the open hypotheses.

    A sentence stops early when its best finished hypothesis scores at
    least as well as any open hypothesis could ever reach (log-probabilities
    only decrease, and the penalty is at most `lp(max_length)`), so early
    stopping never changes the result.

    Args:
        end_id: int. The token that ends a sentence.
        beam_width: int. Hypotheses kept per sentence. Defaults to `4`.
        length_penalty: float. GNMT `alpha`; `0` ranks by the sum of
            log-probabilities, larger values favour longer outputs.
            Defaults to `0.0`.

    Call arguments:
        next_fn: callable `next_fn(ids, step, state) -> (logits, state)`:
            `ids` `(rows,)` int32 previous tokens, `step` a scalar,
            `logits` `(rows, vocabulary_size)`, where
            `rows = batch_size * beam_width`. `state` is a nested dict of
            tensors with leading dimension `rows`; if it holds
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
        (`scores / lp`, what the search ranks by) and `attention`
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

    def __init__(self, end_id, beam_width=4, length_penalty=0.0):
        if not isinstance(beam_width, int) or beam_width < 1:
            raise ValueError(
                "beam_width must be a positive integer. "
                f"Received: beam_width={beam_width!r}"
            )
        if length_penalty < 0:
            raise ValueError(
                "length_penalty must be >= 0. "
                f"Received: length_penalty={length_penalty!r}"
            )
        self.end_id = end_id
        self.beam_width = beam_width
        self.length_penalty = float(length_penalty)

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
        state = tf.nest.map_structure(
            lambda t: tf.repeat(t, width, axis=0), state
        )
        # Row offsets of each sentence's beams in the flat (rows,) layout.
        offsets = tf.range(batch_size)[:, None] * width
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
                tf.zeros_like(tf.reshape(attention, [batch_size, width, -1])),
            )
        # Only beam 0 is alive at first: the beams start identical.
        log_probs = tf.tile(
            tf.constant([[0.0] + [_IMPOSSIBLE] * (width - 1)]), [batch_size, 1]
        )
        loop_vars = {
            "step": tf.constant(0),
            "ids": tf.repeat(start_ids, width),
            "state": state,
            "log_probs": log_probs,
            "normalized": log_probs,
            "finished": tf.zeros(per_beam, tf.bool),
            "done": max_length <= 0,
            "lengths": tf.zeros(per_beam, tf.int32),
            "generated": tf.zeros(per_beam, tf.int32),
            "arrays": arrays,
        }

        def body(v):
            step = v["step"]
            logits, new_state = next_fn(v["ids"], step, v["state"])
            vocabulary_size = tf.shape(logits)[-1]
            step_log_probs = tf.reshape(
                tf.nn.log_softmax(tf.cast(logits, tf.float32)),
                [batch_size, width, vocabulary_size],
            )
            frozen = v["finished"] | v["done"][:, None]
            # A frozen hypothesis can only be continued by padding, for free.
            padding_only = tf.one_hot(
                0, vocabulary_size, on_value=0.0, off_value=_IMPOSSIBLE
            )
            step_log_probs = tf.where(
                frozen[..., None], padding_only, step_log_probs
            )
            totals = v["log_probs"][..., None] + step_log_probs
            generated = v["generated"] + tf.cast(~frozen, tf.int32)
            scores = self._normalize(totals, generated[..., None])
            flat_scores = tf.reshape(scores, [batch_size, -1])
            normalized, candidates = tf.math.top_k(flat_scores, k=width)
            origins = candidates // vocabulary_size
            words = candidates % vocabulary_size
            log_probs = tf.gather(
                tf.reshape(totals, [batch_size, -1]), candidates, batch_dims=1
            )
            was_frozen = tf.gather(frozen, origins, batch_dims=1)
            ended = ~was_frozen & (words == self.end_id)
            at_limit = (step + 1 >= max_length)[:, None]
            finished = tf.gather(v["finished"], origins, batch_dims=1)
            finished |= ended | (~was_frozen & at_limit)
            lengths = tf.gather(v["lengths"], origins, batch_dims=1)
            lengths += tf.cast(~was_frozen & ~ended, tf.int32)
            generated = tf.gather(generated, origins, batch_dims=1)

            rows = tf.reshape(origins + offsets, [-1])
            state = tf.nest.map_structure(
                lambda new, old: new if new is old else tf.gather(new, rows),
                new_state,
                v["state"],
            )
            arrays = dict(v["arrays"])
            arrays["words"] = arrays["words"].write(step + 1, words)
            arrays["parents"] = arrays["parents"].write(step + 1, origins)
            if with_attention:
                attention = tf.reshape(
                    state["attention"], [batch_size, width, -1]
                )
                attention = tf.where(
                    was_frozen[..., None], tf.zeros_like(attention), attention
                )
                arrays["attention"] = arrays["attention"].write(
                    step + 1, attention
                )

            # Stop a sentence once no open hypothesis can overtake its best
            # finished one, even at the longest allowed length.
            best_finished = tf.reduce_max(
                tf.where(finished, normalized, -float("inf")), axis=1
            )
            reachable = self._normalize(log_probs, max_length[:, None])
            best_open = tf.reduce_max(
                tf.where(finished, -float("inf"), reachable), axis=1
            )
            done = v["done"] | (best_finished >= best_open)
            new_vars = {
                "step": step + 1,
                "ids": tf.reshape(words, [-1]),
                "state": state,
                "log_probs": log_probs,
                "normalized": normalized,
                "finished": finished,
                "done": done,
                "lengths": lengths,
                "generated": generated,
                "arrays": arrays,
            }
            return (tf.nest.map_structure(_keep_shape, new_vars, v),)

        def cond(v):
            return ~tf.reduce_all(v["done"])

        (v,) = tf.while_loop(cond, body, (loop_vars,), maximum_iterations=limit)
        best = tf.argmax(
            tf.where(v["finished"], v["normalized"], -float("inf")),
            axis=1,
            output_type=tf.int32,
        )
        result = {
            "lengths": tf.gather(v["lengths"], best, batch_dims=1),
            "scores": tf.gather(v["log_probs"], best, batch_dims=1),
            "normalized_scores": tf.gather(v["normalized"], best, batch_dims=1),
        }
        result.update(self._backtrack(v["arrays"], best, batch_size))
        return result

    def _backtrack(self, arrays, best, batch_size):
        """Follows the parent pointers from the last step back to the first.

        Returns the `ids` `(batch_size, T)` (and `attention`
        `(batch_size, T, Ts)`) of the hypotheses ending in beam `best`.
        """
        words = arrays["words"].stack()  # (T + 1, batch_size, beam_width)
        parents = arrays["parents"].stack()
        num_steps = tf.shape(words)[0] - 1
        # slots[t]: the beam holding the chosen hypothesis after step t.
        slots = tf.TensorArray(tf.int32, size=num_steps + 1)
        slots = slots.write(num_steps, best)

        def body(step, beam, slots):
            parent = tf.gather(parents[step], beam, batch_dims=1)
            parent = _keep_shape(parent, beam)
            return step - 1, parent, slots.write(step - 1, parent)

        _, _, slots = tf.while_loop(
            lambda step, *_: step > 0,
            body,
            (num_steps, best, slots),
            maximum_iterations=num_steps,
        )
        slots = slots.stack()[..., None]  # (T + 1, batch_size, 1)
        ids = tf.gather(words, slots, batch_dims=2)[1:, :, 0]
        result = {"ids": tf.transpose(ids)}
        if "attention" in arrays:
            attention = arrays["attention"].stack()
            attention = tf.gather(attention, slots, batch_dims=2)[1:, :, 0]
            result["attention"] = tf.transpose(attention, [1, 0, 2])
        return result


def _keep_shape(new, old):
    # Gathers and reshapes lose static dimensions that `tf.while_loop`
    # requires to stay the same across iterations.
    if isinstance(new, tf.Tensor) and new is not old:
        new.set_shape(old.shape)
    return new
