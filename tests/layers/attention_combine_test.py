import keras
import numpy as np
import pytest

from keras_attention.layers import AttentionCombine


def test_add_norm_is_the_layer_norm_of_the_sum():
    # h + c = [1, 2, 3, 6]: mean 3, variance 3.5; LayerNorm (gamma 1,
    # beta 0, epsilon 1e-3) gives (x - 3) / sqrt(3.5 + 1e-3).
    context = np.array([[1.0, 0.0, 2.0, 2.0]], dtype="float32")
    query = np.array([[0.0, 2.0, 1.0, 4.0]], dtype="float32")
    joined = AttentionCombine(4)([context, query])
    expected = (np.array([1.0, 2.0, 3.0, 6.0]) - 3.0) / np.sqrt(3.501)
    np.testing.assert_allclose(joined[0], expected, rtol=1e-5)
    assert len(AttentionCombine(4).weights) == 0


def test_tanh_is_luongs_concat_layer():
    rng = np.random.default_rng(3)
    context = rng.normal(size=(2, 3, 5)).astype("float32")
    query = rng.normal(size=(2, 3, 5)).astype("float32")
    layer = AttentionCombine(5, mode="tanh")
    joined = keras.ops.convert_to_numpy(layer([context, query]))
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in layer.weights)
    assert kernel.shape == (10, 5)
    expected = np.tanh(np.concatenate([context, query], -1) @ kernel + bias)
    np.testing.assert_allclose(joined, expected, rtol=1e-5, atol=1e-6)


def test_config_round_trip_and_bad_mode():
    layer = AttentionCombine(8, mode="tanh", name="join")
    restored = AttentionCombine.from_config(layer.get_config())
    assert (restored.units, restored.mode, restored.name) == (8, "tanh", "join")
    with pytest.raises(ValueError, match="mode to be one of"):
        AttentionCombine(8, mode="relu")
