"""Keras metrics: `TokenAccuracy`."""

from keras_attention.metrics.token_accuracy import TokenAccuracy

__all__ = ["TokenAccuracy"]
