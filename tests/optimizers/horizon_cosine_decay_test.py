import keras
import numpy as np
import pytest
import tensorflow as tf

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
