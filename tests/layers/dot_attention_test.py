import keras
import numpy as np
import pytest

from keras_attention import DotAttention


def numpy_reference(query, value, value_mask=None, query_mask=None):
    scores = query @ np.swapaxes(value, -1, -2)
    if value_mask is not None:
        scores = np.where(value_mask[:, None, :], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    output = weights @ value
    if query_mask is not None:
        output = output * query_mask[:, :, None]
    return output, weights


@pytest.fixture
def random_inputs():
    rng = np.random.default_rng(7)
    query = rng.normal(size=(3, 4, 6)).astype("float32")
    value = rng.normal(size=(3, 5, 6)).astype("float32")
    query_mask = np.array(
        [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool
    )
    value_mask = np.array(
        [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=bool
    )
    return query, value, query_mask, value_mask


def test_hand_computed_numbers():
    # One query [1, 1] against keys [1, 0] and [0, 2]: scores 1 and 2,
    # weights softmax([1, 2]) = [0.2689, 0.7311], output 0.2689 * [1, 0]
    # + 0.7311 * [0, 2] = [0.2689, 1.4621].
    query = np.array([[[1.0, 1.0]]], dtype="float32")
    value = np.array([[[1.0, 0.0], [0.0, 2.0]]], dtype="float32")
    output, weights = DotAttention()(
        [query, value], return_attention_scores=True
    )
    np.testing.assert_allclose(weights, [[[0.268941, 0.731059]]], atol=1e-6)
    np.testing.assert_allclose(output, [[[0.268941, 1.462117]]], atol=1e-6)


def test_separate_key():
    # Key decides the weights, value is what is summed.
    query = np.array([[[1.0]]], dtype="float32")
    key = np.array([[[0.0], [np.log(3.0)]]], dtype="float32")
    value = np.array([[[10.0, 0.0], [0.0, 10.0]]], dtype="float32")
    output = DotAttention()([query, value, key])
    np.testing.assert_allclose(output, [[[2.5, 7.5]]], atol=1e-5)


def test_matches_numpy_reference(random_inputs):
    query, value, query_mask, value_mask = random_inputs
    output, weights = DotAttention()(
        [query, value],
        mask=[query_mask, value_mask],
        return_attention_scores=True,
    )
    expected_output, expected_weights = numpy_reference(
        query, value, value_mask, query_mask
    )
    np.testing.assert_allclose(output, expected_output, atol=1e-5)
    np.testing.assert_allclose(weights, expected_weights, atol=1e-6)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("causal", [False, True])
def test_parity_with_keras_attention(random_inputs, masked, causal):
    query, value, query_mask, value_mask = random_inputs
    mask = [query_mask, value_mask] if masked else None
    kwargs = dict(
        mask=mask, return_attention_scores=True, use_causal_mask=causal
    )
    ours = DotAttention()([query, value], **kwargs)
    theirs = keras.layers.Attention(score_mode="dot")([query, value], **kwargs)
    for a, b in zip(ours, theirs):
        assert np.abs(np.asarray(a) - np.asarray(b)).max() <= 1e-6


def test_parity_with_keras_attention_scaled(random_inputs):
    query, value, _, value_mask = random_inputs
    ours = DotAttention(use_scale=True)
    theirs = keras.layers.Attention(use_scale=True)
    ours.build([query.shape, value.shape])
    theirs.build([query.shape, value.shape])
    ours.scale.assign(0.37)
    theirs.scale.assign(0.37)
    a = ours([query, value], mask=[None, value_mask])
    b = theirs([query, value], mask=[None, value_mask])
    assert np.abs(np.asarray(a) - np.asarray(b)).max() <= 1e-6


def test_masked_keys_get_exactly_zero_weight(random_inputs):
    query, value, _, value_mask = random_inputs
    _, weights = DotAttention()(
        [query, value], mask=[None, value_mask], return_attention_scores=True
    )
    weights = np.asarray(weights)
    assert np.all(
        weights[~np.broadcast_to(value_mask[:, None], weights.shape)] == 0
    )
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)


@pytest.mark.parametrize("policy", ["float32", "mixed_float16"])
def test_fully_masked_row_gives_zeros_not_nan(policy):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        rng = np.random.default_rng(0)
        query = rng.normal(size=(2, 3, 4)).astype("float32") * 100
        value = rng.normal(size=(2, 5, 4)).astype("float32") * 100
        value_mask = np.array([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0]], bool)
        layer = DotAttention()
        output, weights = layer(
            [query, value],
            mask=[None, value_mask],
            return_attention_scores=True,
        )
        output = np.asarray(output, dtype="float32")
        weights = np.asarray(weights, dtype="float32")
        assert layer.compute_dtype == (
            "float16" if "16" in policy else "float32"
        )
        assert not np.isnan(output).any() and not np.isnan(weights).any()
        np.testing.assert_array_equal(weights[1], 0.0)
        np.testing.assert_array_equal(output[1], 0.0)
        np.testing.assert_array_equal(weights[0, :, 2:], 0.0)
    finally:
        keras.config.set_dtype_policy(previous)


def test_embedding_masks_are_picked_up_automatically():
    source = keras.Input((None,), dtype="int32")
    target = keras.Input((None,), dtype="int32")
    embed_source = keras.layers.Embedding(10, 4, mask_zero=True)
    embed_target = keras.layers.Embedding(10, 4, mask_zero=True)
    _, weights = DotAttention()(
        [embed_target(target), embed_source(source)],
        return_attention_scores=True,
    )
    model = keras.Model([source, target], weights)
    weights = model.predict(
        [np.array([[3, 4, 0]]), np.array([[5, 6]])], verbose=0
    )
    np.testing.assert_array_equal(weights[..., 2], 0.0)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)


def test_symbolic_shapes():
    query = keras.Input((7, 16))
    value = keras.Input((None, 32))
    key = keras.Input((None, 16))
    output, weights = DotAttention()(
        [query, value, key], return_attention_scores=True
    )
    assert output.shape == (None, 7, 32)
    assert weights.shape == (None, 7, None)


def test_size_mismatch_raises_on_symbolic_inputs():
    query = keras.Input((None, 8))
    value = keras.Input((None, 12))
    with pytest.raises(ValueError, match="query size 8.*key size 12"):
        DotAttention()([query, value])


def test_general_score_lifts_the_size_requirement():
    query = np.ones((2, 3, 8), "float32")
    value = np.ones((2, 5, 12), "float32")
    layer = DotAttention(score_mode="general")
    output = layer([query, value])
    assert output.shape == (2, 3, 12)
    assert layer.kernel.shape == (8, 12)
    # q W k with W = I on matching dims equals the plain dot score.
    layer = DotAttention(score_mode="general")
    layer.build([(None, 3, 4), (None, 5, 4)])
    layer.kernel.assign(np.eye(4, dtype="float32"))
    rng = np.random.default_rng(1)
    q = rng.normal(size=(1, 3, 4)).astype("float32")
    v = rng.normal(size=(1, 5, 4)).astype("float32")
    np.testing.assert_allclose(layer([q, v]), DotAttention()([q, v]), atol=1e-6)


@pytest.mark.parametrize(
    "inputs, message",
    [
        ([(2, 3), (2, 5, 4)], "query of rank 3"),
        ([(2, 3, 4), (2, 5, 4, 1)], "value of rank 3"),
        ([(2, 3, 4), (2, 5, 4), (2, 6, 4)], "same number of steps"),
    ],
)
def test_bad_shapes_raise(inputs, message):
    with pytest.raises(ValueError, match=message):
        DotAttention()([np.zeros(s, "float32") for s in inputs])


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="Received: score_mode=concat"):
        DotAttention(score_mode="concat")
    with pytest.raises(ValueError, match="Received: dropout=1.5"):
        DotAttention(dropout=1.5)
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        DotAttention()(np.zeros((1, 2, 3), "float32"))


def test_dropout_only_in_training():
    query = np.ones((1, 2, 4), "float32")
    value = np.random.default_rng(0).normal(size=(1, 50, 4)).astype("float32")
    layer = DotAttention(dropout=0.5, seed=3)
    _, inference = layer(
        [query, value], return_attention_scores=True, training=False
    )
    _, training = layer(
        [query, value], return_attention_scores=True, training=True
    )
    inference = keras.ops.convert_to_numpy(inference)
    training = keras.ops.convert_to_numpy(training)
    np.testing.assert_allclose(np.sum(inference, -1), 1.0, atol=1e-6)
    assert np.mean(training == 0) > 0.3


def test_config_round_trip():
    layer = DotAttention(
        score_mode="general", use_scale=True, dropout=0.1, seed=4, name="a"
    )
    config = layer.get_config()
    assert config["score_mode"] == "general" and config["seed"] == 4
    clone = DotAttention.from_config(config)
    assert clone.get_config() == config
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert isinstance(restored, DotAttention)
    assert restored.get_config() == config


def test_keras_file_round_trip(tmp_path):
    query = keras.Input((None, 6))
    value = keras.Input((None, 6))
    output = DotAttention(score_mode="general", use_scale=True)([query, value])
    model = keras.Model([query, value], keras.layers.Dense(3)(output))
    rng = np.random.default_rng(2)
    data = [
        rng.normal(size=(2, 3, 6)).astype("float32"),
        rng.normal(size=(2, 4, 6)).astype("float32"),
    ]
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        model.predict(data, verbose=0), restored.predict(data, verbose=0)
    )
