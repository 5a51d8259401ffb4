"""Linear warmup, then a cosine decay to 0 at a horizon that can move."""

import math

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_attention")
class HorizonCosineDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Warmup + cosine decay reaching 0 at optimizer step `decay_steps`.

    With `w = warmup_steps` and `H = decay_steps` (the horizon):

        lr(step) = peak * step / w                       if step < w
        lr(step) = peak * (1 + cos(pi * p)) / 2          otherwise,
            p = min(step - w, H - w) / max(H - w, 1)

    i.e. Keras' `CosineDecay` from 0 with `warmup_target=peak` and
    `decay_steps=H - w`; past the horizon the rate stays 0.

    The horizon is a non-trainable variable read at every step, so
    `set_horizon` moves it while a compiled train step runs (`TimeBudget`
    sets it to the steps a time budget allows). On JAX the compiled train
    step is a function of the model's and the optimizer's variables only
    (any other variable is read once, when the step is compiled): call
    `attach(optimizer)` before training to make the horizon one of the
    optimizer's variables, so that every backend reads the moved value
    (`TrainingOptions.optimizer` does). `get_config` records the horizon
    of the moment: a saved optimizer reloads with it.

    Args:
        peak_learning_rate: float. The rate after warmup (at `step == w`).
        decay_steps: int >= 1. The step at which the rate reaches 0,
            warmup included.
        warmup_steps: int >= 0. Steps of the linear warmup from 0.
            Defaults to `0`.
        name: str. Defaults to `"HorizonCosineDecay"`.

    Example:

    ```python
    schedule = HorizonCosineDecay(0.002, decay_steps=800, warmup_steps=50)
    optimizer = schedule.attach(keras.optimizers.Adam(schedule))
    schedule.set_horizon(700)  # e.g. after measuring the step rate
    ```

    References:
        - [Loshchilov and Hutter, 2017](https://arxiv.org/abs/1608.03983).
    """

    def __init__(
        self,
        peak_learning_rate,
        decay_steps,
        warmup_steps=0,
        name="HorizonCosineDecay",
    ):
        super().__init__()
        if decay_steps < 1:
            raise ValueError(
                "decay_steps must be at least 1. "
                f"Received: decay_steps={decay_steps}"
            )
        if warmup_steps < 0:
            raise ValueError(
                "warmup_steps must be >= 0. "
                f"Received: warmup_steps={warmup_steps}"
            )
        self.peak_learning_rate = peak_learning_rate
        self.warmup_steps = warmup_steps
        self.name = name
        self.horizon = keras.Variable(
            int(decay_steps),
            dtype="int32",
            trainable=False,
            name="decay_horizon",
        )

    @property
    def decay_steps(self):
        """int, the current horizon."""
        return int(ops.convert_to_numpy(self.horizon))

    def attach(self, optimizer):
        """Makes the horizon a variable of `optimizer`; returns `optimizer`.

        The horizon becomes `optimizer.add_variable(...)` (at its current
        value): the train step of every backend reads it, and it is saved
        and restored with the optimizer's other variables. Call it before
        the optimizer is built (before the first `fit`), once; a second
        call is a no-op.
        """
        if self.attached_to(optimizer):
            return optimizer
        self.horizon = optimizer.add_variable(
            (),
            initializer=keras.initializers.Constant(self.decay_steps),
            dtype="int32",
            aggregation="only_first_replica",
            name="decay_horizon",
        )
        return optimizer

    def attached_to(self, optimizer):
        """Whether the horizon is one of `optimizer.variables`."""
        return any(v is self.horizon for v in optimizer.variables)

    def set_horizon(self, decay_steps):
        """Moves the horizon to step `decay_steps` (int >= 1)."""
        self.horizon.assign(max(int(decay_steps), 1))

    def __call__(self, step):
        step = ops.cast(step, "float32")
        peak = self.peak_learning_rate
        warmup = float(self.warmup_steps)
        length = ops.maximum(ops.cast(self.horizon, "float32") - warmup, 1.0)
        progress = ops.minimum(ops.maximum(step - warmup, 0.0), length)
        cosine = peak * 0.5 * (1.0 + ops.cos(math.pi * progress / length))
        if not self.warmup_steps:
            return cosine
        return ops.where(step < warmup, peak * step / warmup, cosine)

    def get_config(self):
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "decay_steps": self.decay_steps,
            "warmup_steps": self.warmup_steps,
            "name": self.name,
        }
