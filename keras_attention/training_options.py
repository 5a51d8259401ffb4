"""The loss, optimizer and callbacks of a `TrainingConfig`."""

import keras

from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.losses.label_smoothed_crossentropy import (
    LabelSmoothedCrossentropy,
)

# Early stopping and the best checkpoint follow the validation loss.
MONITOR = "val_loss"


class TrainingOptions:
    """Turns a `TrainingConfig` into the Keras objects of `model.fit`.

    `loss()` is `LabelSmoothedCrossentropy` when `label_smoothing > 0`,
    else `SparseCategoricalCrossentropy` (from logits, averaged over real
    tokens through `sample_weight`); `optimizer()` Adam with `clipnorm`.

    Args:
        training: a `TrainingConfig` (`config.training`).

    Example:

    ```python
    options = TrainingOptions(config.training)
    model.compile(optimizer=options.optimizer(), loss=options.loss())
    model.fit(..., callbacks=options.callbacks("best.weights.h5"))
    ```
    """

    def __init__(self, training):
        self.training = training

    def loss(self):
        if self.training.label_smoothing:
            return LabelSmoothedCrossentropy(self.training.label_smoothing)
        return keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"
        )

    def optimizer(self):
        return keras.optimizers.Adam(
            self.training.learning_rate, clipnorm=self.training.clipnorm
        )

    def callbacks(self, checkpoint, log_dir=None, start_time=None):
        """The `model.fit` callbacks, in the order they must run.

        Args:
            checkpoint: path of the best-weights `.weights.h5` file, or
                `None` (a Keras Tuner trial: the tuner keeps its own).
            log_dir: TensorBoard directory (with `training.tensorboard`),
                or `None`: no TensorBoard callback.
            start_time: `TimeBudget`'s `start_time`. Defaults to `None`.

        Returns:
            list of `keras.callbacks.Callback`: early stopping and the best
            checkpoint on `MONITOR`, `TimeBudget`, `TensorBoard`.
        """
        training = self.training
        callbacks = [
            keras.callbacks.EarlyStopping(
                monitor=MONITOR,
                patience=training.patience,
                restore_best_weights=True,
            )
        ]
        if checkpoint is not None:
            callbacks.append(
                keras.callbacks.ModelCheckpoint(
                    checkpoint,
                    monitor=MONITOR,
                    save_best_only=True,
                    save_weights_only=True,
                )
            )
        callbacks.append(
            TimeBudget(training.max_train_seconds, start_time=start_time)
        )
        if training.tensorboard and log_dir is not None:
            callbacks.append(keras.callbacks.TensorBoard(log_dir=log_dir))
        return callbacks
