import keras
import numpy as np
import pytest

from keras_attention.optimizers.inverse_square_root_decay import (
    InverseSquareRootDecay,
)


def test_warmup_then_inverse_square_root():
    schedule = InverseSquareRootDecay(0.002, warmup_steps=100)
    rates = [float(schedule(step)) for step in (0, 49, 99, 399, 9999)]
    # n = step + 1: 1/100, 50/100, the peak, sqrt(100/400), sqrt(100/10^4).
    np.testing.assert_allclose(rates, [2e-5, 1e-3, 2e-3, 1e-3, 2e-4], rtol=1e-6)


def test_drives_an_optimizer_and_round_trips():
    schedule = InverseSquareRootDecay(0.01, warmup_steps=4)
    optimizer = keras.optimizers.Adam(schedule)
    variable = keras.Variable([1.0])
    for _ in range(3):
        optimizer.apply_gradients([(keras.ops.ones((1,)), variable)])
    # The rate of the 4th step (n = 4): the peak.
    np.testing.assert_allclose(float(optimizer.learning_rate), 0.01)
    restored = keras.optimizers.Adam.from_config(optimizer.get_config())
    assert isinstance(restored._learning_rate, InverseSquareRootDecay)
    assert restored._learning_rate.warmup_steps == 4
    # A fresh optimizer is at step 0: 0.01 * 1 / 4.
    np.testing.assert_allclose(float(restored.learning_rate), 0.0025)


def test_warmup_must_be_positive():
    with pytest.raises(ValueError, match="warmup_steps=0"):
        InverseSquareRootDecay(0.001, warmup_steps=0)
