"""Stop training once a wall-clock budget is spent."""

import time

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stops `model.fit` after the batch during which `seconds` ran out.

    Keras then validates the partial epoch and runs the `on_epoch_end`
    callbacks (`ModelCheckpoint`, `EarlyStopping`) as usual: only that
    validation runs past the budget.

    Args:
        seconds: float. The training budget in seconds (`None`: no limit).
        start_time: float or `None`. The `clock()` reading at which the
            budget started; `None`: when `model.fit` begins. Defaults to
            `None`.
        clock: callable returning seconds. Defaults to `time.monotonic`.

    Attributes:
        stopped_epoch: int or `None`, the 0-based epoch that was cut short.
        stopped_batch: int or `None`, the 0-based batch of that epoch after
            which training stopped.
        batches: int, training batches seen in this `fit`.

    Example:

    ```python
    start = time.monotonic()
    ...  # learn the tokenizers, build the datasets
    model.fit(data, epochs=30, callbacks=[TimeBudget(900, start_time=start)])
    ```
    """

    def __init__(self, seconds, start_time=None, clock=time.monotonic):
        super().__init__()
        if seconds is not None and seconds < 0:
            raise ValueError(
                f"seconds must be >= 0 or None. Received: seconds={seconds}"
            )
        self.seconds = seconds
        self.start_time = start_time
        self.clock = clock
        self.stopped_epoch = None
        self.stopped_batch = None
        self.batches = 0

    def on_train_begin(self, logs=None):
        self.start = self.start_time
        if self.start is None:
            self.start = self.clock()
        self.stopped_epoch = None
        self.stopped_batch = None
        self.batches = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if self.seconds is None or self.stopped_epoch is not None:
            return
        elapsed = self.clock() - self.start
        if elapsed >= self.seconds:
            self.stopped_epoch = self.epoch
            self.stopped_batch = batch
            self.model.stop_training = True
            print(
                f"\nTimeBudget: {self.seconds:g} s budget spent "
                f"({elapsed:.0f} s): stopping after batch {batch + 1} of "
                f"epoch {self.epoch + 1}."
            )
