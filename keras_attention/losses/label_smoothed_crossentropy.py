"""Cross-entropy with label smoothing for integer labels."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_attention")
class LabelSmoothedCrossentropy(keras.losses.Loss):
    """Sparse categorical cross-entropy against smoothed targets.

    `CategoricalCrossentropy(label_smoothing=...)`'s value from integer
    labels `(batch_size, T)`, without one-hot `(batch_size, T, K)` labels:

        loss = (1 - e) * -log p(y) + e * mean_k(-log p(k))

    Padding is excluded through `sample_weight` 0 at padded positions (the
    pipelines weight labels that are not the tokenizer's `pad_token_id`),
    averaged over real tokens by `reduction="mean_with_sample_weight"`.

    Args:
        label_smoothing: float in `[0, 1)`. Defaults to `0.1`.
        from_logits: bool. Whether `y_pred` holds logits. Defaults to
            `True`.
        reduction: str. As for any Keras loss. Defaults to
            `"mean_with_sample_weight"`.
        name: str. Defaults to `"label_smoothed_crossentropy"`.

    Example:

    ```python
    model.compile(optimizer="adam",
                  loss=LabelSmoothedCrossentropy(label_smoothing=0.1))
    model.fit(inputs, labels, sample_weight=labels != pad_token_id)
    ```

    References:
        - [Szegedy et al., 2016](https://arxiv.org/abs/1512.00567), §7.
    """

    def __init__(
        self,
        label_smoothing=0.1,
        from_logits=True,
        reduction="mean_with_sample_weight",
        name="label_smoothed_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                "label_smoothing must be in [0, 1). "
                f"Received: label_smoothing={label_smoothing}"
            )
        self.label_smoothing = label_smoothing
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        if self.from_logits:
            log_probs = ops.log_softmax(y_pred, axis=-1)
        else:
            log_probs = ops.log(ops.clip(y_pred, 1e-7, 1.0))
        labels = ops.expand_dims(ops.cast(y_true, "int32"), -1)
        nll = -ops.squeeze(ops.take_along_axis(log_probs, labels, -1), -1)
        if not self.label_smoothing:
            return nll
        uniform = -ops.mean(log_probs, axis=-1)
        e = self.label_smoothing
        return (1.0 - e) * nll + e * uniform

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "label_smoothing": self.label_smoothing,
            "from_logits": self.from_logits,
        }
