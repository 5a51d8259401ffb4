"""Back up a `model.fit` run so that rerunning it continues after a crash."""

import json
import os
import pathlib
import shutil
import time

import keras

from keras_attention.atomic_write import atomic_write
from keras_attention.atomic_write import remove_temporary_files
from keras_attention.atomic_write import write_text
from keras_attention.distribution import every_replica
from keras_attention.usage_error import UsageError

STATE_FILE = "state.json"
WEIGHTS_SUFFIX = ".weights.h5"
# What Keras callbacks keep from epoch to epoch (their on_train_begin
# resets most of it); other callbacks may define `get_state()` and
# `set_state(state)` (JSON-ready dicts).
CALLBACK_STATE = (
    (keras.callbacks.EarlyStopping, ("wait", "best", "best_epoch")),
    (keras.callbacks.ModelCheckpoint, ("best",)),
)


class RunBackup(keras.callbacks.Callback):
    """Backs up model, optimizer, history and callbacks; restores on rerun.

    Keras' `BackupAndRestore` contract (rerun the script and training
    continues), but a backup is committed by one atomic write of
    `state.json` (epoch, batch, history, the callbacks' state, training
    seconds, whether training stopped) naming its files:
    `epoch-E-step-S.weights.h5` (model and optimizer after batch S of
    epoch E) and `checkpoint-E.weights.h5` (`checkpoint` at the end of
    epoch E, put back by `restore`). A process killed at any point leaves
    the previous commit.

    Call `restore(model)` before `model.fit`, pass its result as
    `initial_epoch` and put the callback last in `callbacks`. A backup
    taken mid-epoch restarts its epoch from the first batch.

    Under a multi-worker strategy a worker other than the chief backs up
    to a directory of its own and passes the chief's as `source`; the
    workers raise the same `UsageError` if they would start from
    different points.

    Args:
        directory: str or `pathlib.Path`. Where the backup is kept; no
            other files may be written there.
        save_freq: `"epoch"` or int. Back up at the end of every epoch,
            and also every `save_freq` training batches when an int.
            Defaults to `"epoch"`.
        checkpoint: str or path of the best-epoch weights file that
            another callback writes, or `None`. Defaults to `None`.
        callbacks: list of the other callbacks of the same `fit`; the
            state of those in `CALLBACK_STATE` or with `get_state` and
            `set_state` is backed up and restored. May also be set as an
            attribute before `fit`. Defaults to `()`.
        source: str or path of another `RunBackup`'s directory (a
            multi-worker chief's) whose last commit `restore` copies into
            `directory` first, or `None`. Defaults to `None`.
        start_time: float or `None`. The `time.monotonic()` reading from
            which training time counts; `None`: when `fit` begins.
            Defaults to `None`.

    Attributes:
        epoch: int, the next epoch to train (0-based).
        history: `{metric: [value per finished epoch]}`, across restarts.
        checkpoint_epoch: int or `None`, the epoch (0-based) at whose end
            `checkpoint` was last written.
        stopped: bool, whether a callback stopped training.
        train_seconds: float, training time across restarts.
        resumed_from: list of `{"epoch", "step"}`, where each rerun
            continued.

    Example:

    ```python
    callbacks = [keras.callbacks.EarlyStopping(patience=3),
                 keras.callbacks.ModelCheckpoint(
                     "run/best.weights.h5", save_best_only=True,
                     save_weights_only=True)]
    backup = RunBackup("run/backup", checkpoint="run/best.weights.h5",
                       callbacks=callbacks)
    initial_epoch = backup.restore(model)
    if not backup.finished(epochs):
        model.fit(data, epochs=epochs, initial_epoch=initial_epoch,
                  callbacks=callbacks + [backup])
    model.load_weights("run/best.weights.h5")
    ```
    """

    def __init__(
        self,
        directory,
        save_freq="epoch",
        checkpoint=None,
        callbacks=(),
        source=None,
        start_time=None,
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
        self.checkpoint = (
            None if checkpoint is None else pathlib.Path(checkpoint)
        )
        self.callbacks = list(callbacks)
        self.source = None if source is None else pathlib.Path(source)
        self.start_time = start_time
        self._state = _empty_state()
        self._checkpoint_signature = None

    # === Restoring ===

    def restore(self, model):
        """Loads the last backup into `model`; returns the epoch to start.

        Builds the optimizer first so that its variables are restored too.
        Without a backup, returns 0 and leaves `model` as it is.
        """
        if self.source is not None:
            copy_backup(self.source, self.directory)
        path = self.directory / STATE_FILE
        remove_temporary_files(self.directory)
        self._state = _empty_state()
        if path.exists():
            state = json.loads(path.read_text(encoding="utf-8"))
            weights = self.directory / state["weights"]
            if not weights.exists():
                raise _damaged(path, weights.name)
            if model.optimizer is not None and not model.optimizer.built:
                model.optimizer.build(model.trainable_variables)
            model.load_weights(weights)
            state.setdefault("resumed_from", []).append(
                {"epoch": state["epoch"], "step": state["step"]}
            )
            self._state = state
        self._restore_checkpoint()
        return self._state["epoch"]

    def _restore_checkpoint(self):
        if self.checkpoint is None:
            return
        saved = self._state["checkpoint"]
        if saved is None:
            # Written after the last commit: not part of the history.
            self.checkpoint.unlink(missing_ok=True)
        else:
            with atomic_write(self.checkpoint) as temporary:
                shutil.copyfile(self.directory / saved["file"], temporary)
        self._checkpoint_signature = _signature(self.checkpoint)

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
    def checkpoint_epoch(self):
        saved = self._state["checkpoint"]
        return None if saved is None else saved["epoch"]

    @property
    def stopped(self):
        return self._state["stopped"]

    @property
    def train_seconds(self):
        return self._state["train_seconds"]

    @property
    def resumed_from(self):
        return list(self._state["resumed_from"])

    def delete(self):
        """Removes the backup (once the finished run is saved elsewhere)."""
        shutil.rmtree(self.directory, ignore_errors=True)

    # === Callback ===

    def on_train_begin(self, logs=None):
        self._check_workers_agree()
        self._started = self.start_time
        if self._started is None:
            self._started = time.monotonic()
        self._spent_before = self._state["train_seconds"]
        # The callbacks earlier in the list have reset themselves.
        saved = self._state["callbacks"]
        for key, callback in self._stateful():
            if key in saved:
                _set_state(callback, saved[key])

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _check_workers_agree(self):
        # Only Keras' TensorFlow trainer has a `distribute_strategy` (a
        # tf.distribute strategy; `every_replica` is TensorFlow-only).
        strategy = getattr(self.model, "distribute_strategy", None)
        if type(strategy).__name__ != "MultiWorkerMirroredStrategy":
            return
        iterations = 0
        if self.model.optimizer is not None:
            iterations = int(self.model.optimizer.iterations.numpy())
        start = [self._state["epoch"], self._state["step"], iterations]
        starts = every_replica(strategy, start)
        if any(row != starts[0] for row in starts):
            raise UsageError(
                "multi_worker: the workers would start from different "
                f"points of the run ([epoch, batch, optimizer step] of each "
                f"replica: {starts}). Every worker continues the chief's "
                f"backup in {self.source or self.directory}, so the run "
                "directory must be readable by every worker at the same "
                "path (e.g. on a shared file system); rerun every worker "
                "with the same command."
            )

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq != "epoch" and (batch + 1) % self.save_freq == 0:
            self._commit(epoch=self._epoch, step=batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        history = self._state["history"]
        for key, value in (logs or {}).items():
            history.setdefault(key, []).append(float(value))
        self._commit(
            epoch=epoch + 1, step=0, stopped=bool(self.model.stop_training)
        )

    def _stateful(self):
        for index, callback in enumerate(self.callbacks):
            if hasattr(callback, "get_state") or _attributes(callback):
                yield f"{index}:{type(callback).__name__}", callback

    def _commit(self, epoch, step, stopped=False):
        directory = self.directory
        state = self._state
        name = f"epoch-{epoch}-step-{step}{WEIGHTS_SUFFIX}"
        with atomic_write(directory / name) as temporary:
            self.model.save_weights(temporary)
        state["weights"] = name
        signature = _signature(self.checkpoint)
        if step == 0 and signature and signature != self._checkpoint_signature:
            copy = f"checkpoint-{epoch - 1}{WEIGHTS_SUFFIX}"
            with atomic_write(directory / copy) as temporary:
                shutil.copyfile(self.checkpoint, temporary)
            state["checkpoint"] = {"file": copy, "epoch": epoch - 1}
            self._checkpoint_signature = signature
        state["epoch"] = epoch
        state["step"] = step
        state["stopped"] = stopped
        state["train_seconds"] = round(
            self._spent_before + time.monotonic() - self._started, 3
        )
        state["callbacks"] = {
            key: _get_state(callback) for key, callback in self._stateful()
        }
        write_text(directory / STATE_FILE, json.dumps(state, indent=2) + "\n")
        keep = _files(state)
        for path in directory.glob(f"*{WEIGHTS_SUFFIX}"):
            if path.name not in keep:
                path.unlink(missing_ok=True)


def copy_backup(source, destination, attempts=3):
    """Replaces the backup in `destination` by the last commit in `source`.

    Copies the files `source`'s `state.json` names, then `state.json`;
    starts over if `source` commits again during the copy.

    Args:
        source: str or path of a `RunBackup` directory.
        destination: str or path of another one (created if missing).
        attempts: int, how many times to start over. Defaults to 3.

    Raises:
        FileNotFoundError: `source` names a file it does not hold.
        RuntimeError: `source` kept changing for `attempts` copies.
    """
    source = pathlib.Path(source)
    destination = pathlib.Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    (destination / STATE_FILE).unlink(missing_ok=True)
    for path in destination.glob(f"*{WEIGHTS_SUFFIX}"):
        path.unlink()
    path = source / STATE_FILE
    for _ in range(attempts):
        if not path.exists():
            return
        text = path.read_text(encoding="utf-8")
        try:
            for name in _files(json.loads(text)):
                with atomic_write(destination / name) as temporary:
                    shutil.copyfile(source / name, temporary)
        except FileNotFoundError:
            if path.read_text(encoding="utf-8") != text:
                continue
            raise _damaged(path, name) from None
        if path.read_text(encoding="utf-8") == text:
            write_text(destination / STATE_FILE, text)
            return
    raise RuntimeError(
        f"{source}: the backup changed during each of {attempts} copies; "
        "is another process still training in this run directory?"
    )


def _empty_state():
    return {
        "epoch": 0,
        "step": 0,
        "weights": None,
        "history": {},
        "checkpoint": None,
        "callbacks": {},
        "stopped": False,
        "train_seconds": 0.0,
        "resumed_from": [],
    }


def _files(state):
    """The weights files a commit names."""
    saved = state["checkpoint"]
    return [state["weights"]] + ([] if saved is None else [saved["file"]])


def _damaged(path, name):
    return FileNotFoundError(
        f"{path}: names {name}, which is missing; the backup is damaged. "
        "Delete the directory to train from scratch."
    )


def _signature(path):
    """What changes when a file is rewritten (even with the same bytes)."""
    if path is None or not path.exists():
        return None
    stat = os.stat(path)
    return [stat.st_ino, stat.st_mtime_ns, stat.st_size]


def _attributes(callback):
    for kind, names in CALLBACK_STATE:
        if isinstance(callback, kind):
            return names
    return ()


def _get_state(callback):
    if hasattr(callback, "get_state"):
        return callback.get_state()
    return {
        name: _json_number(getattr(callback, name))
        for name in _attributes(callback)
    }


def _set_state(callback, state):
    if hasattr(callback, "set_state"):
        callback.set_state(state)
        return
    for name, value in state.items():
        setattr(callback, name, value)


def _json_number(value):
    # Callbacks keep NumPy scalars; JSON needs Python numbers.
    if value is None or isinstance(value, int | float):
        return value
    return value.item()
