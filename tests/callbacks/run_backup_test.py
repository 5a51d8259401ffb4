import json

import keras
import numpy as np
import pytest

from keras_attention.callbacks.run_backup import RunBackup
from keras_attention.callbacks.run_backup import copy_backup

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
    """`model.fit` as a training script would run it, continuing `backup`."""
    backup.callbacks = list(callbacks)
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


def checkpoint(path):
    return keras.callbacks.ModelCheckpoint(
        path, save_best_only=True, save_weights_only=True
    )


def test_a_rerun_continues_with_the_same_model_optimizer_and_history(
    tmp_path,
):
    whole = model()
    best = tmp_path / "whole.weights.h5"
    reference = fit(
        whole, RunBackup(tmp_path / "whole", checkpoint=best), checkpoint(best)
    )

    first = model()
    best = tmp_path / "cut.weights.h5"
    with pytest.raises(Interrupt):
        fit(
            first,
            RunBackup(tmp_path / "cut", checkpoint=best),
            checkpoint(best),
            InterruptAt(3),
        )
    state = json.loads((tmp_path / "cut" / "state.json").read_text())
    assert (state["epoch"], state["step"]) == (3, 0)
    assert len(state["history"]["loss"]) == 3

    resumed = model()
    backup = RunBackup(tmp_path / "cut", checkpoint=best)
    assert backup.restore(resumed) == 3
    # The optimizer's step count came back with the weights: 3 epochs of
    # 5 batches.
    assert int(resumed.optimizer.iterations.numpy()) == 15
    fit(resumed, backup, checkpoint(best))
    assert int(resumed.optimizer.iterations.numpy()) == 25
    assert backup.history.keys() == reference.history.keys()
    for key, values in reference.history.items():
        assert len(backup.history[key]) == EPOCHS
        np.testing.assert_allclose(backup.history[key], values, rtol=1e-5)
    for got, want in zip(resumed.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5)
    # ModelCheckpoint's `best` was restored: it saved the same best epoch.
    val_loss = reference.history["val_loss"]
    assert backup.checkpoint_epoch == reference.checkpoint_epoch
    assert reference.checkpoint_epoch == int(np.argmin(val_loss))
    whole.load_weights(tmp_path / "whole.weights.h5")
    resumed.load_weights(best)
    for got, want in zip(resumed.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5)
    assert backup.resumed_from == [{"epoch": 3, "step": 0}]
    assert backup.train_seconds > 0


def test_a_checkpoint_written_after_the_last_backup_is_put_back(tmp_path):
    best = tmp_path / "best.weights.h5"
    backup = fit(
        model(),
        RunBackup(tmp_path / "backup", checkpoint=best),
        checkpoint(best),
        epochs=2,
    )
    saved = best.read_bytes()
    # A killed run's ModelCheckpoint wrote (part of) a new best file.
    best.write_bytes(b"half a file")
    RunBackup(tmp_path / "backup", checkpoint=best).restore(model())
    assert best.read_bytes() == saved
    # And one with no backup at all is not part of any history.
    backup.delete()
    RunBackup(tmp_path / "backup", checkpoint=best).restore(model())
    assert not best.exists()


def test_early_stopping_counters_survive_a_restart(tmp_path):
    # Validation targets of the opposite sign: val_loss rises from epoch 2,
    # so patience 2 stops after epoch 3 (index 2).
    def early_stopping():
        return keras.callbacks.EarlyStopping(patience=2)

    whole = early_stopping()
    reference = fit(
        model(),
        RunBackup(tmp_path / "whole"),
        whole,
        validation_sign=-1.0,
        epochs=20,
    )
    assert reference.stopped
    assert len(reference.history["loss"]) == 3

    cut = early_stopping()
    with pytest.raises(Interrupt):
        fit(
            model(),
            RunBackup(tmp_path / "cut"),
            cut,
            InterruptAt(2),
            validation_sign=-1.0,
            epochs=20,
        )
    resumed = early_stopping()
    backup = fit(
        model(),
        RunBackup(tmp_path / "cut"),
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


def test_a_nan_loss_stops_and_leaves_a_nan_checkpoint_epoch(tmp_path):
    network = model()
    network.compile(keras.optimizers.SGD(1e30), loss="mse")
    best = tmp_path / "best.weights.h5"
    backup = fit(
        network,
        RunBackup(tmp_path / "backup", checkpoint=best),
        keras.callbacks.TerminateOnNaN(),
        checkpoint(best),
    )
    assert backup.stopped
    assert len(backup.history["loss"]) == 1
    # Keras' ModelCheckpoint saves the first epoch whatever its value:
    # the caller must check it (stages.fit does).
    assert backup.checkpoint_epoch == 0
    assert not np.isfinite(backup.history["val_loss"][0])


def files(directory):
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_a_worker_continues_the_chiefs_backup_in_its_own_directory(
    tmp_path,
):
    """Killed after epoch 3: chief and worker rerun from the same state."""
    chief_best = tmp_path / "chief" / "best.weights.h5"
    chief_best.parent.mkdir()
    with pytest.raises(Interrupt):
        fit(
            model(),
            RunBackup(tmp_path / "chief" / "backup", checkpoint=chief_best),
            checkpoint(chief_best),
            InterruptAt(3),
        )
    chief_files = files(tmp_path / "chief" / "backup")

    # The worker's directory holds a stale backup of its own.
    stale = tmp_path / "worker" / "backup" / "state.json"
    stale.parent.mkdir(parents=True)
    stale.write_text('{"epoch": 1}')
    runs = {}
    for name in ("chief", "worker"):
        best = tmp_path / name / "best.weights.h5"
        backup = RunBackup(
            tmp_path / name / "backup",
            checkpoint=best,
            source=None if name == "chief" else tmp_path / "chief" / "backup",
        )
        resumed = model()
        assert backup.restore(resumed) == 3
        assert int(resumed.optimizer.iterations.numpy()) == 15
        # The chief's best checkpoint, put back in the worker's directory.
        assert best.read_bytes() == chief_best.read_bytes()
        runs[name] = backup, resumed
    # Restoring read the chief's backup and wrote nothing there.
    assert files(tmp_path / "chief" / "backup") == chief_files
    for name, (backup, resumed) in runs.items():
        backup.callbacks = [checkpoint(tmp_path / name / "best.weights.h5")]
        resumed.fit(
            *data(),
            validation_data=data(),
            batch_size=8,
            epochs=EPOCHS,
            initial_epoch=3,
            shuffle=False,
            verbose=0,
            callbacks=[*backup.callbacks, backup],
        )

    (chief, chief_model), (worker, worker_model) = runs.values()
    assert (
        worker.resumed_from == chief.resumed_from == [{"epoch": 3, "step": 0}]
    )
    assert worker.checkpoint_epoch == chief.checkpoint_epoch
    for key, values in chief.history.items():
        assert len(values) == EPOCHS
        np.testing.assert_allclose(worker.history[key], values, rtol=1e-6)
    for got, want in zip(worker_model.get_weights(), chief_model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_a_worker_without_a_chiefs_backup_starts_from_scratch(tmp_path):
    backup = RunBackup(tmp_path / "worker", source=tmp_path / "chief")
    fit(model(), backup, epochs=2)
    assert backup.resumed_from == []
    assert len(backup.history["loss"]) == 2
    assert not (tmp_path / "chief").exists()


def test_copy_backup_names_a_missing_file(tmp_path):
    fit(model(), RunBackup(tmp_path / "chief"), epochs=1)
    state = json.loads((tmp_path / "chief" / "state.json").read_text())
    (tmp_path / "chief" / state["weights"]).unlink()
    with pytest.raises(FileNotFoundError, match="the backup is damaged"):
        copy_backup(tmp_path / "chief", tmp_path / "worker")
    assert not (tmp_path / "worker" / "state.json").exists()


def test_save_freq_is_checked():
    with pytest.raises(ValueError, match="Received: save_freq=0"):
        RunBackup("x", save_freq=0)
