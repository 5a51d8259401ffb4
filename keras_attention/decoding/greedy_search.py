"""Greedy search as one in-graph loop."""

import tensorflow as tf

from keras_attention.decoding.open_rows import gather_rows
from keras_attention.decoding.open_rows import open_shape
from keras_attention.decoding.open_rows import scatter_rows
from keras_attention.decoding.open_rows import search_bounds
from keras_attention.decoding.open_rows import step_array


class GreedySearch:
    """Picks the most likely token at every step until `end_id`.

    The loop is a `tf.while_loop` with a maximum iteration count, so it runs
    in eager mode, in a `tf.function` and in an exported SavedModel. A
    finished sentence gets padding (id 0) and adds nothing to its score;
    its rows leave `ids` and `state`, so `next_fn` receives fewer rows as
    the batch finishes.

    Args:
        end_id: int. The token that ends a sentence.

    Call arguments:
        next_fn: callable `next_fn(ids, step, state) -> (logits, state)`:
            `ids` `(batch_size,)` int32 previous tokens, `step` a scalar,
            `logits` `(batch_size, vocabulary_size)`. `state` is a dict of
            tensors with leading dimension `batch_size` (the open rows
            only); with `"attention"` `(batch_size, Ts)`, the weights of
            every step are returned.
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
        start_ids, batch_size, max_length, limit = search_bounds(
            start_ids, max_length
        )
        with_attention = "attention" in state
        arrays = [step_array(tf.zeros([batch_size], tf.int32))]
        if with_attention:
            arrays.append(step_array(tf.zeros_like(state["attention"])))
        # Only the open sentences are stepped: `rows` are their indices in
        # the batch, and `ids` and every tensor of `state` hold their rows.
        open_rows = tf.cast(tf.where(max_length > 0)[:, 0], tf.int32)

        def body(step, rows, ids, state, lengths, scores, arrays):
            logits, state = next_fn(ids, step, state)
            log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32))
            next_ids = tf.argmax(log_probs, axis=-1, output_type=tf.int32)
            best = tf.reduce_max(log_probs, axis=-1)
            index = rows[:, None]
            ended = next_ids == self.end_id
            scores = tf.tensor_scatter_nd_add(scores, index, best)
            lengths = tf.tensor_scatter_nd_add(
                lengths, index, tf.cast(~ended, tf.int32)
            )
            full = [scatter_rows(index, next_ids, batch_size)]
            if with_attention:
                full.append(scatter_rows(index, state["attention"], batch_size))
            new_arrays = [
                array.write(step + 1, value)
                for array, value in zip(arrays, full)
            ]
            stays = ~ended & (step + 1 < tf.gather(max_length, rows))
            keep = tf.cast(tf.where(stays)[:, 0], tf.int32)
            return (
                step + 1,
                tf.gather(rows, keep),
                tf.gather(next_ids, keep),
                gather_rows(state, keep),
                lengths,
                scores,
                new_arrays,
            )

        def cond(step, rows, *_):
            return tf.size(rows) > 0

        initial = (
            tf.constant(0),
            open_rows,
            tf.gather(start_ids, open_rows),
            gather_rows(state, open_rows),
            tf.zeros([batch_size], tf.int32),
            tf.zeros([batch_size], tf.float32),
            arrays,
        )
        invariants = (
            tf.TensorShape([]),
            tf.TensorShape([None]),
            tf.TensorShape([None]),
            tf.nest.map_structure(open_shape, initial[3]),
            initial[4].shape,
            initial[5].shape,
            [tf.TensorShape(None) for _ in arrays],
        )
        _, _, _, _, lengths, scores, arrays = tf.while_loop(
            cond,
            body,
            initial,
            shape_invariants=invariants,
            maximum_iterations=limit,
        )
        ids = tf.transpose(arrays[0].stack()[1:])
        result = {"ids": ids, "lengths": lengths, "scores": scores}
        if with_attention:
            result["attention"] = tf.transpose(arrays[1].stack()[1:], [1, 0, 2])
        return result
