"""keras-attention: attention-based neural machine translation for Keras 3."""

from keras_attention.layers.dot_attention import DotAttention

__all__ = ["DotAttention"]
__version__ = "0.1.0"
