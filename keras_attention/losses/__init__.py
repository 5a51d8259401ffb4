"""Keras losses: `LabelSmoothedCrossentropy`."""

from keras_attention.losses.label_smoothed_crossentropy import (
    LabelSmoothedCrossentropy,
)

__all__ = ["LabelSmoothedCrossentropy"]
