"""Linear warmup, then decay with the inverse square root of the step."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_attention")
class InverseSquareRootDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Warmup + inverse square root decay (Vaswani et al., 2017).

    With `n = step + 1` (so that the first step does not get 0):

        lr(n) = peak * min(n / warmup_steps, sqrt(warmup_steps / n))

    i.e. a linear rise to `peak` over `warmup_steps` steps, then
    `peak * sqrt(warmup_steps / n)`: half the peak at `4 * warmup_steps`.

    Args:
        peak_learning_rate: float. The rate reached after warmup.
        warmup_steps: int >= 1. Optimizer steps of the linear warmup.
        name: str. Defaults to `"InverseSquareRootDecay"`.

    Example:

    ```python
    schedule = InverseSquareRootDecay(0.002, warmup_steps=1000)
    keras.optimizers.Adam(schedule)
    ```

    References:
        - [Vaswani et al., 2017](https://arxiv.org/abs/1706.03762), §5.3.
    """

    def __init__(
        self, peak_learning_rate, warmup_steps, name="InverseSquareRootDecay"
    ):
        super().__init__()
        if warmup_steps < 1:
            raise ValueError(
                "warmup_steps must be at least 1. "
                f"Received: warmup_steps={warmup_steps}"
            )
        self.peak_learning_rate = peak_learning_rate
        self.warmup_steps = warmup_steps
        self.name = name

    def __call__(self, step):
        n = ops.cast(step, "float32") + 1.0
        warmup = float(self.warmup_steps)
        factor = ops.minimum(n / warmup, ops.sqrt(warmup / n))
        return self.peak_learning_rate * factor

    def get_config(self):
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "warmup_steps": self.warmup_steps,
            "name": self.name,
        }
