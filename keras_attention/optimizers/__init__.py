"""Learning-rate schedules: `InverseSquareRootDecay`."""

from keras_attention.optimizers.inverse_square_root_decay import (
    InverseSquareRootDecay,
)

__all__ = ["InverseSquareRootDecay"]
