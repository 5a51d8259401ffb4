import keras
import numpy as np
import pytest

from keras_attention.losses.label_smoothed_crossentropy import (
    LabelSmoothedCrossentropy,
)

# Two sequences of two positions over 3 classes; the last one is padding.
LOGITS = np.array(
    [[[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]], [[0.0, 1.0, 3.0], [1.0, 1.0, 1.0]]],
    dtype="float32",
)
LABELS = np.array([[0, 1], [2, 0]])
WEIGHTS = np.array([[1.0, 1.0], [1.0, 0.0]], dtype="float32")


def test_value_matches_a_hand_computation():
    # Position [0, 0]: log-softmax of (2, 0, -1) is
    # (-0.1698, -2.1698, -3.1698); label 0, e = 0.1:
    # 0.9 * 0.16985 + 0.1 * (0.16985 + 2.16985 + 3.16985) / 3 = 0.33651.
    loss = LabelSmoothedCrossentropy(label_smoothing=0.1, reduction=None)
    values = np.asarray(loss(LABELS, LOGITS))
    np.testing.assert_allclose(values[0, 0], 0.33651, atol=1e-5)
    # Position [0, 1]: log-softmax of (0.5, 0.5, 0) is
    # (-0.95802, -0.95802, -1.45802); label 1:
    # 0.9 * 0.95802 + 0.1 * 3.37406 / 3 = 0.97469.
    np.testing.assert_allclose(values[0, 1], 0.97469, atol=1e-5)
    # Uniform logits: every target gives log(3) = 1.09861.
    np.testing.assert_allclose(values[1, 1], 1.09861, atol=1e-5)


def test_equals_keras_categorical_crossentropy_with_one_hot_labels():
    ours = LabelSmoothedCrossentropy(label_smoothing=0.2)
    keras_loss = keras.losses.CategoricalCrossentropy(
        from_logits=True,
        label_smoothing=0.2,
        reduction="mean_with_sample_weight",
    )
    one_hot = keras.ops.one_hot(LABELS, 3)
    expected = float(keras_loss(one_hot, LOGITS, sample_weight=WEIGHTS))
    value = float(ours(LABELS, LOGITS, sample_weight=WEIGHTS))
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_padding_is_excluded_through_sample_weight():
    loss = LabelSmoothedCrossentropy(label_smoothing=0.1)
    per_token = np.asarray(
        LabelSmoothedCrossentropy(label_smoothing=0.1, reduction=None)(
            LABELS, LOGITS
        )
    )
    # The mean over the three real tokens; the padded one counts nothing.
    expected = per_token[WEIGHTS > 0].mean()
    value = float(loss(LABELS, LOGITS, sample_weight=WEIGHTS))
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    changed = LOGITS.copy()
    changed[1, 1] = [9.0, -9.0, 0.0]
    np.testing.assert_allclose(
        float(loss(LABELS, changed, sample_weight=WEIGHTS)), value, rtol=1e-6
    )


def test_no_smoothing_is_sparse_categorical_crossentropy():
    ours = LabelSmoothedCrossentropy(label_smoothing=0.0)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="mean_with_sample_weight"
    )
    np.testing.assert_allclose(
        float(ours(LABELS, LOGITS, sample_weight=WEIGHTS)),
        float(keras_loss(LABELS, LOGITS, sample_weight=WEIGHTS)),
        rtol=1e-6,
    )


def test_config_round_trip():
    loss = LabelSmoothedCrossentropy(label_smoothing=0.3)
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(restored, LabelSmoothedCrossentropy)
    assert restored.label_smoothing == 0.3


def test_bad_smoothing_raises():
    with pytest.raises(ValueError, match="label_smoothing=1.0"):
        LabelSmoothedCrossentropy(label_smoothing=1.0)
