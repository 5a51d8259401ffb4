"""Keras layers: `DotAttention`."""

from keras_attention.layers.dot_attention import DotAttention

__all__ = ["DotAttention"]
