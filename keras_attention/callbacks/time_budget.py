"""Stop training once a wall-clock budget is spent."""

import math
import time

import keras

# The horizon estimate skips a fit's first batches (they trace and compile
# the train step) and measures the step rate over the next ones.
HORIZON_SKIP_BATCHES = 10
HORIZON_RATE_BATCHES = 50


class TimeBudget(keras.callbacks.Callback):
    """Stops `model.fit` after the batch during which `seconds` ran out.

    The clock is read after every training batch, so training ends at most
    one batch after the budget. Keras then finishes the epoch as usual:
    validation runs on the partial epoch and `on_epoch_end` callbacks
    (`ModelCheckpoint`, `EarlyStopping`) see its metrics, so the best
    weights can be restored and evaluated afterwards. Only that last
    validation pass runs past the budget.

    With `set_horizon`, a learning-rate schedule that has a horizon
    (`HorizonCosineDecay`: the step at which the rate reaches 0) gets the
    steps the budget allows, so that it decays within the run instead of
    over all the planned epochs. The rate is measured from the end of the
    fit's batch `HORIZON_SKIP_BATCHES` (10: the first batches trace the
    train step); after `HORIZON_RATE_BATCHES` (50) more batches the
    horizon becomes

        step + remaining seconds * steps per second

    and at every later epoch end it is re-estimated the same way, with the
    rate over the epoch that ended (from its start, or from batch 10 in the
    first epoch: validation included, which the first estimate does not
    see; a recent rate follows a machine whose load changes). It never
    exceeds the schedule's own horizon (all the planned epochs) and never
    falls below the next step.

    Args:
        seconds: float. The training budget in seconds (`None`: no limit).
        start_time: float or `None`. The `clock()` reading at which the
            budget started, e.g. taken before the tokenizers are learned so
            that they count against it. `None` starts the clock when
            `model.fit` begins. Defaults to `None`.
        clock: callable returning seconds. Defaults to `time.monotonic`.
        set_horizon: bool. Give the optimizer's schedule, when it has
            `set_horizon` (`HorizonCosineDecay`), the steps the budget
            allows (see above). On JAX the schedule must be attached to
            the optimizer (`HorizonCosineDecay.attach`; `fit` raises
            `ValueError` otherwise). Defaults to `False`.

    Attributes:
        stopped_epoch: int or `None`, the 0-based epoch that was cut short.
        stopped_batch: int or `None`, the 0-based batch of that epoch after
            which training stopped.
        batches: int, training batches seen in this `fit`.
        horizon: int or `None`, the last horizon given to the schedule.

    Example:

    ```python
    start = time.monotonic()
    ...  # learn the tokenizers, build the datasets
    model.fit(data, epochs=30, callbacks=[TimeBudget(900, start_time=start)])
    ```
    """

    def __init__(
        self, seconds, start_time=None, clock=time.monotonic, set_horizon=False
    ):
        super().__init__()
        if seconds is not None and seconds < 0:
            raise ValueError(
                f"seconds must be >= 0 or None. Received: seconds={seconds}"
            )
        self.seconds = seconds
        self.start_time = start_time
        self.clock = clock
        self.set_horizon = set_horizon
        self.stopped_epoch = None
        self.stopped_batch = None
        self.batches = 0
        self.horizon = None
        self._schedule = None
        self._first_mark = self._epoch_mark = None

    def on_train_begin(self, logs=None):
        self.start = self.start_time
        if self.start is None:
            self.start = self.clock()
        self.stopped_epoch = None
        self.stopped_batch = None
        self.batches = 0
        self.horizon = None
        self._schedule = None
        # (clock, optimizer step) where the rate measurements start.
        self._first_mark = self._epoch_mark = None
        if self.set_horizon and self.seconds is not None:
            # Keras keeps the schedule there (`learning_rate` is its value).
            schedule = getattr(self.model.optimizer, "_learning_rate", None)
            if hasattr(schedule, "set_horizon"):
                _check_attached(schedule, self.model.optimizer)
                self._schedule = schedule
                self._planned = schedule.decay_steps

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if self.seconds is None or self.stopped_epoch is not None:
            return
        now = self.clock()
        if self._schedule is not None:
            if self.batches == HORIZON_SKIP_BATCHES:
                self._first_mark = self._epoch_mark = (now, self._step())
            elif self.batches == HORIZON_SKIP_BATCHES + HORIZON_RATE_BATCHES:
                self._estimate_horizon(now, self._first_mark)
        elapsed = now - self.start
        if elapsed >= self.seconds:
            self.stopped_epoch = self.epoch
            self.stopped_batch = batch
            self.model.stop_training = True
            horizon = (
                ""
                if self.horizon is None
                else f" (optimizer step {self._step()}; the learning-rate "
                f"horizon was {self.horizon})"
            )
            print(
                f"\nTimeBudget: {self.seconds:g} s budget spent "
                f"({elapsed:.0f} s): stopping after batch {batch + 1} of "
                f"epoch {self.epoch + 1}{horizon}."
            )

    def on_epoch_end(self, epoch, logs=None):
        if self._epoch_mark is None or self.stopped_epoch is not None:
            return
        now = self.clock()
        # Once the first estimate is made (a rate over enough batches).
        if self.horizon is not None:
            self._estimate_horizon(now, self._epoch_mark)
        self._epoch_mark = (now, self._step())

    def _step(self):
        return int(self.model.optimizer.iterations)

    def _estimate_horizon(self, now, mark):
        since, first_step = mark
        step = self._step()
        if now <= since or step <= first_step:
            return
        rate = (step - first_step) / (now - since)
        remaining = max(self.seconds - (now - self.start), 0.0)
        horizon = step + math.ceil(remaining * rate)
        self.horizon = max(min(horizon, self._planned), step + 1)
        self._schedule.set_horizon(self.horizon)


def _check_attached(schedule, optimizer):
    # JAX's compiled train step reads only the model's and the
    # optimizer's variables: a horizon outside them would not move.
    attached_to = getattr(schedule, "attached_to", None)
    if keras.backend.backend() != "jax" or attached_to is None:
        return
    if not attached_to(optimizer):
        raise ValueError(
            "TimeBudget(set_horizon=True) on the JAX backend needs the "
            "schedule's horizon to be an optimizer variable, or the "
            "compiled train step never sees it move: call "
            "`schedule.attach(optimizer)` before training."
        )
