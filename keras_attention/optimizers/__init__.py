"""Learning-rate schedules: `HorizonCosineDecay`, `InverseSquareRootDecay`."""

from keras_attention.optimizers.horizon_cosine_decay import HorizonCosineDecay
from keras_attention.optimizers.inverse_square_root_decay import (
    InverseSquareRootDecay,
)

__all__ = ["HorizonCosineDecay", "InverseSquareRootDecay"]
