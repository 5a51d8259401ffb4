"""Helpers of the searches that step only the open sentences' rows."""

import tensorflow as tf


def gather_rows(structure, indices):
    """Every tensor of `structure` at the rows `indices` `(rows,)`."""
    return tf.nest.map_structure(lambda t: tf.gather(t, indices), structure)


def scatter_rows(index, updates, size):
    """`updates` `(rows, ...)` placed at rows `index` `(rows, 1)` of zeros
    `(size, ...)`."""
    shape = tf.concat([[size], tf.shape(updates)[1:]], 0)
    return tf.scatter_nd(index, updates, shape)


def open_shape(tensor):
    """The loop invariant of a tensor whose row count changes."""
    return tf.TensorShape([None]).concatenate(tensor.shape[1:])


def search_bounds(start_ids, max_length):
    """`(start_ids, batch_size, max_length (batch_size,), loop bound)`."""
    start_ids = tf.convert_to_tensor(start_ids, tf.int32)
    batch_size = tf.shape(start_ids)[0]
    max_length = tf.broadcast_to(tf.cast(max_length, tf.int32), [batch_size])
    limit = tf.reduce_max(tf.concat([max_length, [0]], axis=0))
    return start_ids, batch_size, max_length, limit


def step_array(first):
    """A growing `TensorArray`, `first` at index 0 and step t at t + 1.

    Never empty: an empty one of unknown batch size cannot be stacked.
    """
    array = tf.TensorArray(first.dtype, size=1, dynamic_size=True)
    return array.write(0, first)
