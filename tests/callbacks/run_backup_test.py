import json

import keras
import numpy as np
import pytest

from keras_attention.callbacks.run_backup import RunBackup

EPOCHS = 5


class Interrupt(Exception):
    pass


class InterruptAt(keras.callbacks.Callback):
    """Raises at the start of `epoch` (and batch `batch`, if given)."""

    def __init__(self, epoch, batch=None):
        super().__init__()
        self.epoch = epoch
        self.batch = batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch
        if epoch == self.epoch and self.batch is None:
            raise Interrupt(f"epoch {epoch}")

    def on_train_batch_begin(self, batch, logs=None):
        if self.current == self.epoch and batch == self.batch:
            raise Interrupt(f"epoch {self.epoch} batch {batch}")


def data(sign=1.0):
    x = np.linspace(-1, 1, 80, dtype="float32").reshape(40, 2)
    return x, sign * x @ np.array([[2.0], [-1.0]], dtype="float32")


def model():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), loss="mse")
    return model


def fit(model, backup, *callbacks, validation_sign=1.0, epochs=EPOCHS):
    initial_epoch = backup.restore(model)
    if not backup.finished(epochs):
        model.fit(
            *data(),
            validation_data=data(validation_sign),
            batch_size=8,
            epochs=epochs,
            initial_epoch=initial_epoch,
            shuffle=False,
            verbose=0,
            callbacks=[*callbacks, backup],
        )
    return backup


def test_a_rerun_continues_with_the_same_model_optimizer_and_history(
    tmp_path,
):
    whole = model()
    reference = fit(whole, RunBackup(tmp_path / "whole"))

    first = model()
    with pytest.raises(Interrupt):
        fit(first, RunBackup(tmp_path / "cut"), InterruptAt(3))
    state = json.loads((tmp_path / "cut" / "state.json").read_text())
    assert (state["epoch"], state["step"]) == (3, 0)
    assert len(state["history"]["loss"]) == 3

    resumed = model()
    backup = RunBackup(tmp_path / "cut")
    assert backup.restore(resumed) == 3
    # The optimizer's step count came back with the weights: 3 epochs of
    # 5 batches.
    assert int(resumed.optimizer.iterations.numpy()) == 15
    fit(resumed, backup)
    assert int(resumed.optimizer.iterations.numpy()) == 25
    assert backup.history.keys() == reference.history.keys()
    for key, values in reference.history.items():
        assert len(backup.history[key]) == EPOCHS
        np.testing.assert_allclose(backup.history[key], values, rtol=1e-5)
    for got, want in zip(resumed.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5)
    assert backup.best == reference.best
    val_loss = reference.history["val_loss"]
    assert reference.best["epoch"] == int(np.argmin(val_loss))
    assert backup.train_seconds > 0


def test_early_stopping_counters_survive_a_restart(tmp_path):
    # Validation targets of the opposite sign: val_loss rises from epoch 2,
    # so patience 2 stops after epoch 3 (index 2).
    def early_stopping():
        return keras.callbacks.EarlyStopping(patience=2)

    whole = early_stopping()
    reference = fit(
        model(),
        RunBackup(tmp_path / "whole", early_stopping=whole),
        whole,
        validation_sign=-1.0,
        epochs=20,
    )
    assert reference.stopped
    assert len(reference.history["loss"]) == 3
    assert reference.best["epoch"] == 0

    cut = early_stopping()
    with pytest.raises(Interrupt):
        fit(
            model(),
            RunBackup(tmp_path / "cut", early_stopping=cut),
            cut,
            InterruptAt(2),
            validation_sign=-1.0,
            epochs=20,
        )
    resumed = early_stopping()
    backup = fit(
        model(),
        RunBackup(tmp_path / "cut", early_stopping=resumed),
        resumed,
        validation_sign=-1.0,
        epochs=20,
    )
    # Without the restored wait=1 it would train two more epochs.
    assert backup.stopped
    assert backup.history == reference.history
    assert resumed.stopped_epoch == 2
    # A rerun of the stopped run trains nothing.
    again = RunBackup(tmp_path / "cut")
    assert again.restore(model()) == 3
    assert again.finished(20)


def test_step_backups_restart_the_epoch_and_count_it_once(tmp_path):
    with pytest.raises(Interrupt):
        fit(
            model(),
            RunBackup(tmp_path, save_freq=2),
            InterruptAt(1, batch=3),
        )
    state = json.loads((tmp_path / "state.json").read_text())
    # Epoch 1, after its batches 0 and 1 (5 + 2 optimizer steps).
    assert (state["epoch"], state["step"]) == (1, 2)
    assert state["weights"] == "epoch-1-step-2.weights.h5"
    resumed = model()
    backup = RunBackup(tmp_path, save_freq=2)
    assert backup.restore(resumed) == 1
    assert int(resumed.optimizer.iterations.numpy()) == 7
    fit(resumed, backup)
    assert [len(v) for v in backup.history.values()] == [EPOCHS] * 2
    # Only the files the state names are left.
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["epoch-5-step-0.weights.h5", "state.json"]


def test_a_failed_save_leaves_the_previous_backup(tmp_path, monkeypatch):
    network = model()
    backup = RunBackup(tmp_path)
    fit(network, backup, epochs=2)
    before = (tmp_path / "state.json").read_bytes()

    def broken_save(path, *args, **kwargs):
        path.write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(network, "save_weights", broken_save)
    with pytest.raises(OSError, match="disk full"):
        fit(network, backup, epochs=3)
    assert (tmp_path / "state.json").read_bytes() == before
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["epoch-2-step-0.weights.h5", "state.json"]
    assert RunBackup(tmp_path).restore(model()) == 2


def test_no_finite_monitor_value_means_no_best_epoch(tmp_path):
    network = model()
    network.compile(keras.optimizers.SGD(1e30), loss="mse")
    backup = fit(network, RunBackup(tmp_path), keras.callbacks.TerminateOnNaN())
    assert backup.stopped
    assert backup.best is None
    assert backup.best_weights_path is None
    assert not np.isfinite(backup.history["val_loss"][-1])


def test_a_worker_writes_elsewhere_and_restores_from_the_chief(tmp_path):
    fit(model(), RunBackup(tmp_path), epochs=2)
    before = sorted(p.name for p in tmp_path.iterdir())
    worker = RunBackup(tmp_path, chief=False)
    fit(model(), worker, epochs=4)
    assert len(worker.history["loss"]) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_save_freq_is_checked():
    with pytest.raises(ValueError, match="Received: save_freq=0"):
        RunBackup("x", save_freq=0)
