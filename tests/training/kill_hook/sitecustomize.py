"""Test-only: SIGKILLs this process at a named point of a training run.

`python -m training.train` runs unchanged; with this directory on
PYTHONPATH Python imports this file at start-up and `KILL_AT` names where
the process kills itself (signal 9, as an OOM killer or a preempted
machine would):

    epoch:E            at the start of epoch E (0-based, counted in this
                       process), after the previous epoch's backup
    batch:E:B          before training batch B of epoch E (mid-epoch)
    save:weights:N     during this process's N-th backup weights save:
                       the temporary file is written (and cut to half),
                       not yet renamed
    save:state:N       during the N-th write of backup/state.json, after
                       its weights file was renamed into place
    evaluate:N         at the N-th `model.evaluate` outside `model.fit`
                       (the final evaluation: N=2 is the test split, once
                       the valid split is done)
"""

import contextlib
import os
import pathlib
import signal

KILL_AT = os.environ.get("KILL_AT", "")


def kill():
    print(f"KILL_AT {KILL_AT}: killing myself", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def patch_saves(kind, count):
    from keras_attention import atomic_write as module

    original = module.atomic_write
    seen = [0]

    def matches(path):
        if kind == "weights":
            return path.name.endswith(".weights.h5")
        return path.name == "state.json"

    @contextlib.contextmanager
    def atomic_write(path):
        path = pathlib.Path(path)
        with original(path) as temporary:
            yield temporary
            if path.parent.name == "backup" and matches(path):
                seen[0] += 1
                if seen[0] == count:
                    size = temporary.stat().st_size
                    os.truncate(temporary, size // 2)
                    kill()

    module.atomic_write = atomic_write


def patch_keras(point, *numbers):
    import keras

    fit, evaluate = keras.Model.fit, keras.Model.evaluate
    state = {"in_fit": False, "evaluations": 0}

    class Kill(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            if point == "epoch" and epoch == numbers[0]:
                kill()

        def on_train_batch_begin(self, batch, logs=None):
            if point == "batch" and (self.epoch, batch) == numbers:
                kill()

    def patched_fit(self, *args, callbacks=None, **kwargs):
        state["in_fit"] = True
        try:
            callbacks = [*(callbacks or []), Kill()]
            return fit(self, *args, callbacks=callbacks, **kwargs)
        finally:
            state["in_fit"] = False

    def patched_evaluate(self, *args, **kwargs):
        if not state["in_fit"] and point == "evaluate":
            state["evaluations"] += 1
            if state["evaluations"] == numbers[0]:
                kill()
        return evaluate(self, *args, **kwargs)

    keras.Model.fit = patched_fit
    keras.Model.evaluate = patched_evaluate


if KILL_AT:
    point, *rest = KILL_AT.split(":")
    if point == "save":
        patch_saves(rest[0], int(rest[1]))
    else:
        patch_keras(point, *map(int, rest))
