"""Greedy search as one in-graph loop."""

import tensorflow as tf


class GreedySearch:
    """Picks the most likely token at every step until `end_id`.

    The loop is a `tf.while_loop` with a maximum iteration count, so it runs
    in eager mode, in a `tf.function` and in an exported SavedModel. A
    finished sentence is not extended: it gets padding (id 0) and adds
    nothing to its score.

    Args:
        end_id: int. The token that ends a sentence.

    Call arguments:
        next_fn: callable `next_fn(ids, step, state) -> (logits, state)`:
            `ids` `(batch_size,)` int32 previous tokens, `step` a scalar,
            `logits` `(batch_size, vocabulary_size)`. `state` is a dict of
            tensors; if it holds `"attention"` `(batch_size, Ts)`, the
            weights of every step are returned.
        start_ids: int32 `(batch_size,)`, the first input tokens.
        state: dict, the initial state.
        max_length: int32 scalar or `(batch_size,)`, the most tokens to
            generate per sentence (the end token included).

    Returns:
        A dict: `ids` int32 `(batch_size, T)` (padded with 0 after the end
        token), `lengths` int32 `(batch_size,)` (tokens before the end
        token), `scores` float32 `(batch_size,)` (sum of log-probabilities,
        end token included), and `attention` `(batch_size, T, Ts)` (zero
        after the end token) if the state carries it.
    """

    def __init__(self, end_id):
        self.end_id = end_id

    def __call__(self, next_fn, start_ids, state, max_length):
        start_ids = tf.convert_to_tensor(start_ids, tf.int32)
        batch_size = tf.shape(start_ids)[0]
        max_length = tf.broadcast_to(
            tf.cast(max_length, tf.int32), [batch_size]
        )
        limit = tf.reduce_max(tf.concat([max_length, [0]], axis=0))
        with_attention = "attention" in state
        # Step t is written at index t + 1: index 0 holds a placeholder so
        # that the arrays are never empty (an empty TensorArray of unknown
        # batch size cannot be stacked, e.g. for a batch of 0 sentences).
        arrays = [
            tf.TensorArray(tf.int32, size=1, dynamic_size=True).write(
                0, tf.zeros([batch_size], tf.int32)
            )
        ]
        if with_attention:
            attention = state["attention"]
            arrays.append(
                tf.TensorArray(
                    attention.dtype, size=1, dynamic_size=True
                ).write(0, tf.zeros_like(attention))
            )

        def body(step, ids, state, finished, lengths, scores, arrays):
            logits, state = next_fn(ids, step, state)
            log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32))
            next_ids = tf.argmax(log_probs, axis=-1, output_type=tf.int32)
            best = tf.reduce_max(log_probs, axis=-1)
            next_ids = tf.where(finished, 0, next_ids)
            scores += tf.where(finished, 0.0, best)
            lengths += tf.cast(~finished & (next_ids != self.end_id), tf.int32)
            new_arrays = [arrays[0].write(step + 1, next_ids)]
            if with_attention:
                attention = state["attention"]
                attention = tf.where(
                    finished[:, None], tf.zeros_like(attention), attention
                )
                new_arrays.append(arrays[1].write(step + 1, attention))
            finished |= next_ids == self.end_id
            finished |= step + 1 >= max_length
            return (
                step + 1,
                next_ids,
                state,
                finished,
                lengths,
                scores,
                new_arrays,
            )

        def cond(step, ids, state, finished, *_):
            return ~tf.reduce_all(finished)

        _, _, _, _, lengths, scores, arrays = tf.while_loop(
            cond,
            body,
            (
                tf.constant(0),
                start_ids,
                state,
                max_length <= 0,
                tf.zeros([batch_size], tf.int32),
                tf.zeros([batch_size], tf.float32),
                arrays,
            ),
            maximum_iterations=limit,
        )
        ids = tf.transpose(arrays[0].stack()[1:])
        result = {"ids": ids, "lengths": lengths, "scores": scores}
        if with_attention:
            result["attention"] = tf.transpose(arrays[1].stack()[1:], [1, 0, 2])
        return result
