"""Next-token accuracy averaged over real (non-padding) tokens."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_attention")
class TokenAccuracy(keras.metrics.Metric):
    """Fraction of target tokens whose argmax prediction is right.

    Counts are summed over every token of every batch, weighted by
    `sample_weight` (0 at padding): the mean over the dataset's real tokens
    (`SparseCategoricalAccuracy` averages each batch over time first).

    Args:
        name: str. Defaults to `"accuracy"`.
        **kwargs: base metric keyword arguments.

    Example:

    ```python
    metric = TokenAccuracy()
    metric.update_state([[1, 2, 0]], logits, sample_weight=[[1, 1, 0]])
    ```
    """

    def __init__(self, name="accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.correct = self.add_variable(
            shape=(), initializer="zeros", name="correct"
        )
        self.total = self.add_variable(
            shape=(), initializer="zeros", name="total"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        predictions = ops.argmax(y_pred, axis=-1)
        matches = ops.cast(
            ops.equal(predictions, ops.cast(y_true, predictions.dtype)),
            self.dtype,
        )
        if sample_weight is None:
            weights = ops.ones_like(matches)
        else:
            weights = ops.cast(sample_weight, self.dtype)
        self.correct.assign_add(ops.sum(matches * weights))
        self.total.assign_add(ops.sum(weights))

    def result(self):
        return ops.divide_no_nan(self.correct, self.total)

    def reset_state(self):
        self.correct.assign(0.0)
        self.total.assign(0.0)
