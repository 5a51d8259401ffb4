"""Stop training once a wall-clock budget is spent."""

import time

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stops `model.fit` after the epoch during which `seconds` ran out.

    Whole epochs only, so validation metrics and checkpoints stay
    consistent; the run may exceed the budget by at most one epoch.

    Args:
        seconds: float. The training budget in seconds (`None`: no limit).
    """

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.stopped_epoch = None

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        if self.seconds is None:
            return
        if time.monotonic() - self.start >= self.seconds:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            print(
                f"\nTimeBudget: stopping after epoch {epoch + 1}, "
                f"{self.seconds:.0f} s budget spent."
            )
