import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.optimizers.horizon_cosine_decay import HorizonCosineDecay

STEPS = (0, 1, 49, 100, 350, 600, 1099, 1100, 5000)


@pytest.mark.parametrize("warmup", [0, 100])
def test_equals_keras_cosine_decay_at_a_fixed_horizon(warmup):
    schedule = HorizonCosineDecay(0.002, decay_steps=1100, warmup_steps=warmup)
    keras_schedule = keras.optimizers.schedules.CosineDecay(
        0.0 if warmup else 0.002,
        decay_steps=1100 - warmup,
        warmup_target=0.002 if warmup else None,
        warmup_steps=warmup,
    )
    np.testing.assert_allclose(
        [float(schedule(step)) for step in STEPS],
        [float(keras_schedule(step)) for step in STEPS],
        rtol=1e-5,
        atol=1e-9,
    )


def test_hand_computed_rates():
    schedule = HorizonCosineDecay(0.002, decay_steps=1100, warmup_steps=100)
    # Half the warmup, its end, half the cosine, the horizon and past it.
    rates = [float(schedule(step)) for step in (50, 100, 600, 1100, 2000)]
    np.testing.assert_allclose(
        rates, [0.001, 0.002, 0.001, 0.0, 0.0], rtol=1e-5, atol=1e-9
    )


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="a tf.function reads the horizon variable on TensorFlow only",
)
def test_a_traced_function_reads_the_moved_horizon():
    schedule = HorizonCosineDecay(0.002, decay_steps=4000)
    rate = tf.function(lambda step: schedule(step))
    # Step 500 of 4,000 is almost the peak; of 1,000, half of it.
    np.testing.assert_allclose(float(rate(500)), 0.002 * 0.9619, rtol=1e-4)
    schedule.set_horizon(1000)
    assert schedule.decay_steps == 1000
    np.testing.assert_allclose(float(rate(500)), 0.001, rtol=1e-5)
    schedule.set_horizon(-3)
    assert schedule.decay_steps == 1


class _Clock(keras.callbacks.Callback):
    """A clock that advances one second per training batch."""

    def __init__(self):
        super().__init__()
        self.now = 0.0

    def __call__(self):
        return self.now

    def on_train_batch_begin(self, batch, logs=None):
        self.now += 1.0


def _constant_gradient_model(optimizer):
    # loss = the output, input 1: each step lowers the weight by its rate.
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros"),
        ]
    )
    model.compile(optimizer, loss=lambda _, y_pred: keras.ops.mean(y_pred))
    return model


def _fit_in_budget(model, budget, clock):
    model.fit(
        np.ones((64, 1), "float32"),
        np.zeros((64, 1), "float32"),
        batch_size=8,
        epochs=30,
        shuffle=False,
        verbose=0,
        callbacks=[clock, budget],
    )


def test_the_compiled_train_step_reads_the_horizon_the_budget_sets():
    # The backend's own train step (an XLA function on JAX). 100 s at 1 s
    # a batch: the budget moves the horizon from 240 to 100 after batch
    # 60, so steps 60-99 run at the rates of the shorter cosine.
    schedule = HorizonCosineDecay(0.01, decay_steps=240)
    model = _constant_gradient_model(
        schedule.attach(keras.optimizers.SGD(schedule))
    )
    clock = _Clock()
    budget = TimeBudget(100, clock=clock, set_horizon=True)
    _fit_in_budget(model, budget, clock)
    assert int(model.optimizer.iterations) == 100
    assert budget.horizon == schedule.decay_steps == 100
    planned = HorizonCosineDecay(0.01, decay_steps=240)
    moved = HorizonCosineDecay(0.01, decay_steps=100)
    rates = [float(planned(step)) for step in range(60)]
    rates += [float(moved(step)) for step in range(60, 100)]
    [[weight]] = keras.ops.convert_to_numpy(model.layers[0].kernel)
    np.testing.assert_allclose(weight, -sum(rates), rtol=1e-5)
    # Had the step kept the planned horizon, the weight would be lower.
    assert -sum(float(planned(step)) for step in range(100)) < weight - 0.05


def test_attach_makes_the_horizon_an_optimizer_variable():
    schedule = HorizonCosineDecay(0.01, decay_steps=240)
    schedule.set_horizon(200)
    optimizer = keras.optimizers.SGD(schedule)
    assert not schedule.attached_to(optimizer)
    assert schedule.attach(optimizer) is optimizer
    assert schedule.attached_to(optimizer)
    assert schedule.decay_steps == 200
    schedule.attach(optimizer)
    assert len(optimizer.variables) == 2  # the step count and the horizon


@pytest.mark.skipif(
    keras.backend.backend() != "jax",
    reason="TensorFlow and PyTorch read any variable inside the step",
)
def test_the_budget_refuses_a_horizon_jax_would_not_see():
    schedule = HorizonCosineDecay(0.01, decay_steps=240)
    model = _constant_gradient_model(keras.optimizers.SGD(schedule))
    clock = _Clock()
    with pytest.raises(ValueError, match=r"schedule.attach\(optimizer\)"):
        _fit_in_budget(
            model, TimeBudget(100, clock=clock, set_horizon=True), clock
        )


def test_the_saved_model_keeps_the_moved_horizon(tmp_path):
    schedule = HorizonCosineDecay(0.01, decay_steps=4000, warmup_steps=10)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0)
    schedule.set_horizon(700)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    restored = loaded.optimizer._learning_rate
    assert isinstance(restored, HorizonCosineDecay)
    assert restored.get_config() == {
        "peak_learning_rate": 0.01,
        "decay_steps": 700,
        "warmup_steps": 10,
        "name": "HorizonCosineDecay",
    }
    np.testing.assert_allclose(float(restored(355)), 0.005, rtol=1e-5)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="decay_steps=0"):
        HorizonCosineDecay(0.001, decay_steps=0)
    with pytest.raises(ValueError, match="warmup_steps=-1"):
        HorizonCosineDecay(0.001, decay_steps=10, warmup_steps=-1)
