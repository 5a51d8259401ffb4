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
