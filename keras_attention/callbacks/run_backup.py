"""Back up a `model.fit` run so that rerunning it continues after a crash."""

import json
import math
import pathlib
import shutil
import tempfile
import time

import keras

from keras_attention.atomic_write import atomic_write
from keras_attention.atomic_write import remove_temporary_files
from keras_attention.atomic_write import write_text

STATE_FILE = "state.json"
WEIGHTS_SUFFIX = ".weights.h5"
# What EarlyStopping keeps between epochs (reset by its on_train_begin).
EARLY_STOPPING_STATE = ("wait", "best", "best_epoch")


class RunBackup(keras.callbacks.Callback):
    """Backs up model, optimizer, history and best epoch; restores on rerun.

    Keras' `BackupAndRestore` has the contract this callback keeps (rerun
    the same script and training continues from the last backup) but, in
    Keras 3.15, it writes the weights and its metadata in place one after
    the other (a kill during a save leaves a truncated file or weights of
    one epoch with the epoch number of another), deletes the backup when
    `fit` returns (before the caller has saved anything) and keeps neither
    the history nor `EarlyStopping`'s counters nor the best epoch. Here a
    backup is a set of files committed by one atomic write of
    `state.json`:

        state.json                  the commit: which files hold the
                                    latest and the best weights, the next
                                    epoch (and batch), the history of the
                                    finished epochs, the best value of
                                    `monitor`, EarlyStopping's counters,
                                    the training seconds spent, whether
                                    training has stopped
        epoch-E-step-S.weights.h5   model and optimizer variables after
                                    epoch E's batch S (S = 0: end of epoch
                                    E - 1); both written with
                                    `atomic_write` before the commit, the
                                    files no state names are deleted after

    A process killed at any point leaves the previous commit intact. The
    best epoch's weights are kept as a backup file (no separate
    `ModelCheckpoint`): they are exactly those of the epoch the history
    calls best, even across restarts.

    Call `restore(model)` before `model.fit` and pass its result as
    `initial_epoch`; put the callback last in `callbacks` so that it sees
    what `EarlyStopping`, a time budget or `TerminateOnNaN` decided in the
    same epoch (`model.stop_training`). A backup taken every `save_freq`
    batches restarts its epoch from the first batch (as Keras'
    `BackupAndRestore` does) with the weights reached mid-epoch; the
    history holds each epoch once, as it finished. The data order of a
    resumed run differs from an uninterrupted one (the pipeline's shuffle
    restarts).

    Under a multi-worker strategy every worker runs the callback; only the
    chief writes `directory`, the others write to a temporary directory
    (deleted at the end of training) and all restore from `directory`.

    Args:
        directory: str or `pathlib.Path`. Where the backup is kept; no
            other files may be written there.
        save_freq: `"epoch"` or int. Back up at the end of every epoch,
            and also every `save_freq` training batches when an int.
            Defaults to `"epoch"`.
        monitor: str. The `logs` value whose lowest value defines the best
            epoch. Defaults to `"val_loss"`.
        early_stopping: optional `keras.callbacks.EarlyStopping` of the
            same `fit`, whose counters are backed up and restored.
        chief: bool. Whether this process writes `directory`. Defaults to
            `True`.

    Attributes:
        epoch: int, the next epoch to train (0-based).
        history: `{metric: [value per finished epoch]}`, across restarts.
        best: `{"epoch": int, "value": float}` of the best epoch, or
            `None` while no epoch had a finite `monitor` value.
        stopped: bool, whether a callback stopped training.
        train_seconds: float, training time across restarts.

    Example:

    ```python
    backup = RunBackup("runs/x/backup", early_stopping=early_stopping)
    initial_epoch = backup.restore(model)
    if not backup.finished(epochs):
        model.fit(data, epochs=epochs, initial_epoch=initial_epoch,
                  callbacks=[early_stopping, backup])
    model.load_weights(backup.best_weights_path)
    ```
    """

    def __init__(
        self,
        directory,
        save_freq="epoch",
        monitor="val_loss",
        early_stopping=None,
        chief=True,
    ):
        super().__init__()
        if save_freq != "epoch" and not (
            isinstance(save_freq, int)
            and not isinstance(save_freq, bool)
            and save_freq >= 1
        ):
            raise ValueError(
                "save_freq must be 'epoch' or an int >= 1. "
                f"Received: save_freq={save_freq!r}"
            )
        self.directory = pathlib.Path(directory)
        self.save_freq = save_freq
        self.monitor = monitor
        self.early_stopping = early_stopping
        self.chief = chief
        self._writing = None
        self._state = _empty_state()

    # === Restoring ===

    def restore(self, model):
        """Loads the last backup into `model`; returns the epoch to start.

        Builds the optimizer first so that its variables (step count,
        moments) are restored too. Without a backup, returns 0 and leaves
        `model` as it is.
        """
        path = self.directory / STATE_FILE
        if self.chief:
            remove_temporary_files(self.directory)
        if not path.exists():
            self._state = _empty_state()
            return 0
        state = json.loads(path.read_text(encoding="utf-8"))
        weights = self.directory / state["weights"]
        if not weights.exists():
            raise FileNotFoundError(
                f"{path}: names {weights.name}, which is missing; the backup "
                "is damaged. Delete the directory to train from scratch."
            )
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        model.load_weights(weights)
        self._state = state
        return state["epoch"]

    def finished(self, epochs):
        """Whether the backed-up run needs no more training for `epochs`."""
        return self.stopped or self.epoch >= epochs

    @property
    def epoch(self):
        return self._state["epoch"]

    @property
    def history(self):
        return self._state["history"]

    @property
    def best(self):
        best = self._state["best"]
        return None if best is None else dict(best)

    @property
    def stopped(self):
        return self._state["stopped"]

    @property
    def train_seconds(self):
        return self._state["train_seconds"]

    @property
    def best_weights_path(self):
        """The weights file of the best epoch, or `None` if there is none."""
        best = self._state["best"]
        return None if best is None else self.directory / best["weights"]

    def delete(self):
        """Removes the backup (once the finished run is saved elsewhere)."""
        if self.chief:
            shutil.rmtree(self.directory, ignore_errors=True)

    # === Callback ===

    def on_train_begin(self, logs=None):
        self._started = time.monotonic()
        self._spent_before = self._state["train_seconds"]
        self._batches_since_save = 0
        if self.chief:
            self._writing = self.directory
        else:
            self._writing = pathlib.Path(
                tempfile.mkdtemp(prefix="run-backup-worker-")
            )
        saved = self._state["early_stopping"]
        if self.early_stopping is not None and saved is not None:
            # EarlyStopping.on_train_begin (earlier in the list) reset them.
            for name in EARLY_STOPPING_STATE:
                setattr(self.early_stopping, name, saved[name])

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._commit(epoch=self._epoch, step=batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        history = self._state["history"]
        for key, value in logs.items():
            history.setdefault(key, []).append(float(value))
        value = logs.get(self.monitor)
        best = self._state["best"]
        improved = (
            value is not None
            and math.isfinite(value)
            and (best is None or value < best["value"])
        )
        self._batches_since_save = 0
        self._commit(
            epoch=epoch + 1,
            step=0,
            best_value=float(value) if improved else None,
            stopped=bool(self.model.stop_training),
        )

    def on_train_end(self, logs=None):
        if not self.chief and self._writing is not None:
            shutil.rmtree(self._writing, ignore_errors=True)

    def _commit(self, epoch, step, best_value=None, stopped=False):
        directory = self._writing
        name = f"epoch-{epoch}-step-{step}{WEIGHTS_SUFFIX}"
        with atomic_write(directory / name) as temporary:
            self.model.save_weights(temporary)
        state = self._state
        state["weights"] = name
        state["epoch"] = epoch
        state["step"] = step
        state["stopped"] = stopped
        state["train_seconds"] = round(
            self._spent_before + time.monotonic() - self._started, 3
        )
        if best_value is not None:
            state["best"] = {
                "epoch": epoch - 1,
                "value": best_value,
                "weights": name,
            }
        if self.early_stopping is not None:
            state["early_stopping"] = {
                name: _json_number(getattr(self.early_stopping, name))
                for name in EARLY_STOPPING_STATE
            }
        write_text(directory / STATE_FILE, json.dumps(state, indent=2) + "\n")
        keep = {state["weights"]}
        if state["best"] is not None:
            keep.add(state["best"]["weights"])
        for path in directory.glob(f"*{WEIGHTS_SUFFIX}"):
            if path.name not in keep:
                path.unlink(missing_ok=True)


def _empty_state():
    return {
        "epoch": 0,
        "step": 0,
        "weights": None,
        "history": {},
        "best": None,
        "early_stopping": None,
        "stopped": False,
        "train_seconds": 0.0,
    }


def _json_number(value):
    # EarlyStopping keeps NumPy scalars; JSON needs Python numbers.
    if value is None or isinstance(value, int | float):
        return value
    return value.item()
