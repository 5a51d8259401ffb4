"""A scripted "model" for decoding tests: fixed next-token distributions.

Not collected by pytest (no `_test` suffix); the decoding tests import it.
"""

import numpy as np
import tensorflow as tf

PAD, A, B, END, START = 0, 1, 2, 3, 4
VOCABULARY_SIZE = 5
# Probability of every token a distribution does not name.
_UNLIKELY = 1e-9


class PrefixTree:
    """`next_fn` over a tree of prefixes with known distributions.

    `distributions` maps a prefix (tuple of generated ids) to
    `{token: probability}`. A prefix that is not listed (e.g. anything
    after the end token) continues with `fallback`. The state holds the
    current tree node; its `"attention"` is the one-hot node id, so a test
    can check which prefix every step of a result was computed from.
    """

    def __init__(self, distributions, fallback=None):
        fallback = fallback or {A: 0.999}
        self.prefixes = list(distributions) + [None]
        self.node = {prefix: i for i, prefix in enumerate(self.prefixes)}
        other = len(self.prefixes) - 1
        probs = np.full(
            (len(self.prefixes), VOCABULARY_SIZE), _UNLIKELY, np.float64
        )
        children = np.full((len(self.prefixes), VOCABULARY_SIZE), other)
        for prefix, node in self.node.items():
            table = fallback if prefix is None else distributions[prefix]
            for token, p in table.items():
                probs[node, token] = p
            if prefix is None:
                continue
            for token in range(VOCABULARY_SIZE):
                if prefix + (token,) in self.node:
                    children[node, token] = self.node[prefix + (token,)]
        self.log_probs = tf.constant(np.log(probs), tf.float32)
        self.children = tf.constant(children, tf.int32)

    def initial_state(self, batch_size):
        node = tf.zeros([batch_size], tf.int32)
        return {"node": node, "attention": self.attention(node)}

    def attention(self, node):
        return tf.one_hot(node, len(self.prefixes))

    def __call__(self, ids, step, state):
        # The first input is the start token: the root needs no move.
        moved = tf.gather_nd(self.children, tf.stack([state["node"], ids], 1))
        node = tf.where(step == 0, state["node"], moved)
        state = {**state, "node": node, "attention": self.attention(node)}
        return tf.gather(self.log_probs, node), state

    def attention_of(self, prefixes):
        """The expected attention rows of a path through `prefixes`."""
        return np.eye(len(self.prefixes))[[self.node[p] for p in prefixes]]


class Bigram:
    """`next_fn` whose logits depend only on the step and previous token.

    `table` is `(steps, VOCABULARY_SIZE, VOCABULARY_SIZE)` logits; the
    state's `"attention"` is the previous token, one-hot.
    """

    def __init__(self, table):
        self.table = tf.constant(table, tf.float32)

    def initial_state(self, batch_size):
        return {"attention": tf.zeros([batch_size, VOCABULARY_SIZE])}

    def __call__(self, ids, step, state):
        logits = tf.gather(self.table[step], ids)
        attention = tf.one_hot(ids, VOCABULARY_SIZE)
        return logits, {**state, "attention": attention}
