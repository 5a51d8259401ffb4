"""Keras callbacks: `TimeBudget`."""

from keras_attention.callbacks.time_budget import TimeBudget

__all__ = ["TimeBudget"]
