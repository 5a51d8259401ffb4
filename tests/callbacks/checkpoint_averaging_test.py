import keras
import numpy as np
import pytest

from keras_attention.callbacks.checkpoint_averaging import CheckpointAveraging


class ScriptedEpochs(keras.callbacks.Callback):
    """Sets the one weight to epoch + 1 and logs a scripted val_loss."""

    def __init__(self, losses):
        super().__init__()
        self.losses = losses

    def on_epoch_end(self, epoch, logs=None):
        self.model.layers[-1].kernel.assign([[float(epoch + 1)]])
        logs["val_loss"] = self.losses[epoch]


def one_weight_model():
    model = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, use_bias=False)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    return model


def test_saves_the_mean_of_the_last_epochs_up_to_the_best(tmp_path):
    path = tmp_path / "best.weights.h5"
    model = one_weight_model()
    averaging = CheckpointAveraging(path, last=3)
    # Best epoch is the 4th (0-based 3): epochs 1, 2, 3 are averaged, i.e.
    # weights 2, 3 and 4: 3.0; the worse epochs 5 and 6 do not count.
    losses = [5.0, 4.0, 3.5, 2.0, 2.5, 3.0]
    model.fit(
        np.zeros((4, 1)),
        np.zeros((4, 1)),
        epochs=6,
        verbose=0,
        callbacks=[ScriptedEpochs(losses), averaging],
    )
    assert averaging.averaged_epochs == [1, 2, 3]
    # The trained model keeps its own weights ...
    np.testing.assert_allclose(model.get_weights()[0], [[6.0]])
    # ... and the file holds the average.
    model.load_weights(path)
    np.testing.assert_allclose(model.get_weights()[0], [[3.0]])


def test_first_epochs_average_what_there_is_and_max_mode(tmp_path):
    path = tmp_path / "best.weights.h5"
    model = one_weight_model()
    averaging = CheckpointAveraging(
        path, last=5, monitor="val_loss", mode="max"
    )
    model.fit(
        np.zeros((4, 1)),
        np.zeros((4, 1)),
        epochs=3,
        verbose=0,
        callbacks=[ScriptedEpochs([1.0, 2.0, 0.5]), averaging],
    )
    assert averaging.averaged_epochs == [0, 1]
    model.load_weights(path)
    np.testing.assert_allclose(model.get_weights()[0], [[1.5]])


def test_a_missing_metric_is_named():
    model = one_weight_model()
    averaging = CheckpointAveraging("x.weights.h5", last=2, monitor="val_bleu")
    with pytest.raises(KeyError, match="monitors 'val_bleu'"):
        model.fit(
            np.zeros((4, 1)), np.zeros((4, 1)), verbose=0, callbacks=[averaging]
        )
