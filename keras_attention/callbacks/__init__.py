"""Keras callbacks: `TimeBudget`, `CheckpointAveraging`."""

from keras_attention.callbacks.checkpoint_averaging import CheckpointAveraging
from keras_attention.callbacks.time_budget import TimeBudget

__all__ = ["CheckpointAveraging", "TimeBudget"]
