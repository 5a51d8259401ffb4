"""Keras layers: `DotAttention` and `AttentionCombine`."""

from keras_attention.layers.attention_combine import AttentionCombine
from keras_attention.layers.dot_attention import DotAttention

__all__ = ["AttentionCombine", "DotAttention"]
