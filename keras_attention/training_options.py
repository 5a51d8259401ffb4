"""The loss, optimizer and callbacks a `Config`'s training options pick."""

import keras

from keras_attention.callbacks.checkpoint_averaging import CheckpointAveraging
from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.losses.label_smoothed_crossentropy import (
    LabelSmoothedCrossentropy,
)
from keras_attention.optimizers.horizon_cosine_decay import HorizonCosineDecay
from keras_attention.optimizers.inverse_square_root_decay import (
    InverseSquareRootDecay,
)

# `learning_rate_schedule: plateau`: halve the rate after one epoch
# without improvement of the early-stopping metric (JoeyNMT's recipe).
PLATEAU_FACTOR = 0.5
PLATEAU_PATIENCE = 1


class TrainingOptions:
    """Turns a `Config`'s training fields into Keras objects.

    - `loss()`: `LabelSmoothedCrossentropy` when `label_smoothing > 0`,
      else Keras' `SparseCategoricalCrossentropy` (both from logits,
      averaged over real tokens through `sample_weight`).
    - `optimizer(steps_per_epoch)`: Adam with `clipnorm` and the rate of
      `learning_rate_schedule`: `"constant"`; `"inverse_sqrt"`
      (`InverseSquareRootDecay`, peak `learning_rate` after
      `warmup_steps`); `"cosine"` (`HorizonCosineDecay`: a linear warmup
      of `warmup_steps`, then a cosine from `learning_rate` to 0 at step
      `decay_steps`; unset, at the steps `max_train_seconds` allows, which
      `TimeBudget` estimates from the measured step rate, or at `epochs *
      steps_per_epoch` without a budget); `"plateau"` (constant, halved by
      `ReduceLROnPlateau` after an epoch without improvement).
    - `callbacks(checkpoint, ...)`: early stopping and the best checkpoint
      on `early_stopping_metric` (`"val_loss"`, or `"val_bleu"`: greedy
      sacreBLEU of the whole validation split computed every epoch by
      `ValidationBleu`), the checkpoint averaging the last
      `average_checkpoints` epochs (`CheckpointAveraging`) when above 1,
      the time budget and TensorBoard.

    Args:
        config: a `Config`.

    Example:

    ```python
    options = TrainingOptions(config)
    model.compile(optimizer=options.optimizer(steps_per_epoch=1800),
                  loss=options.loss())
    model.fit(..., callbacks=options.callbacks("best.weights.h5"))
    ```
    """

    def __init__(self, config):
        self.config = config

    @property
    def monitor(self):
        """`(metric, mode)` of early stopping and the best checkpoint."""
        metric = self.config.early_stopping_metric
        return metric, "max" if metric == "val_bleu" else "min"

    def loss(self):
        if self.config.label_smoothing:
            return LabelSmoothedCrossentropy(self.config.label_smoothing)
        return keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"
        )

    def learning_rate(self, steps_per_epoch=None):
        """A float or a `LearningRateSchedule`.

        `steps_per_epoch` (int) is needed by `"cosine"` without
        `decay_steps` only (its horizon until `TimeBudget` estimates one).
        """
        config = self.config
        schedule = config.learning_rate_schedule
        if schedule in ("constant", "plateau"):
            return config.learning_rate
        if schedule == "inverse_sqrt":
            return InverseSquareRootDecay(
                config.learning_rate, config.warmup_steps
            )
        horizon = config.decay_steps
        if horizon is None:
            if not steps_per_epoch:
                raise ValueError(
                    "learning_rate_schedule 'cosine' without decay_steps "
                    "needs the number of training batches per epoch "
                    "(steps_per_epoch)."
                )
            horizon = config.epochs * steps_per_epoch
        return HorizonCosineDecay(
            config.learning_rate,
            decay_steps=horizon,
            warmup_steps=config.warmup_steps,
        )

    def optimizer(self, steps_per_epoch=None):
        learning_rate = self.learning_rate(steps_per_epoch)
        optimizer = keras.optimizers.Adam(
            learning_rate, clipnorm=self.config.clipnorm
        )
        if isinstance(learning_rate, HorizonCosineDecay):
            # Its horizon, moved by TimeBudget, is read inside the train
            # step of every backend (JAX's included) as an optimizer
            # variable.
            learning_rate.attach(optimizer)
        return optimizer

    def callbacks(
        self,
        checkpoint,
        valid=None,
        source_tokenizer=None,
        target_tokenizer=None,
        log_dir=None,
        start_time=None,
    ):
        """The `model.fit` callbacks, in the order they must run.

        Args:
            checkpoint: path of the best-weights `.weights.h5` file, or
                `None`: no best checkpoint or checkpoint averaging (Keras
                Tuner trials, whose tuner keeps the best epoch itself).
            valid: `(sources, targets)` lists of the validation split;
                needed with `early_stopping_metric: val_bleu`.
            source_tokenizer, target_tokenizer: the run's tokenizers
                (for `val_bleu`).
            log_dir: TensorBoard directory (with `config.tensorboard`), or
                `None`: no TensorBoard callback.
            start_time: `time.monotonic()` reading at which the time budget
                started (`None`: when `model.fit` starts; see `TimeBudget`).
        """
        config = self.config
        monitor, mode = self.monitor
        callbacks = []
        if monitor == "val_bleu":
            # Imported here: the tuning package imports the trainer.
            from keras_attention.tuning.validation_bleu import ValidationBleu

            if valid is None or target_tokenizer is None:
                raise ValueError(
                    "early_stopping_metric 'val_bleu' needs the validation "
                    "sentences and the tokenizers."
                )
            sources, targets = valid
            # First: every later callback reads `val_bleu` from the logs.
            callbacks.append(
                ValidationBleu(
                    sources,
                    targets,
                    source_tokenizer,
                    target_tokenizer,
                    max_decode_length=config.max_decode_length,
                    sample_size=None,
                    lowercase=config.lowercase_target,
                )
            )
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor,
                mode=mode,
                patience=config.patience,
                restore_best_weights=True,
            )
        )
        if checkpoint is None:
            pass
        elif config.average_checkpoints > 1:
            callbacks.append(
                CheckpointAveraging(
                    checkpoint,
                    last=config.average_checkpoints,
                    monitor=monitor,
                    mode=mode,
                )
            )
        else:
            callbacks.append(
                keras.callbacks.ModelCheckpoint(
                    checkpoint,
                    monitor=monitor,
                    mode=mode,
                    save_best_only=True,
                    save_weights_only=True,
                )
            )
        if config.learning_rate_schedule == "plateau":
            callbacks.append(
                keras.callbacks.ReduceLROnPlateau(
                    monitor=monitor,
                    mode=mode,
                    factor=PLATEAU_FACTOR,
                    patience=PLATEAU_PATIENCE,
                    verbose=1,
                )
            )
        callbacks.append(
            TimeBudget(
                config.max_train_seconds,
                start_time=start_time,
                # An explicit horizon is kept; else the budget sets it.
                set_horizon=config.decay_steps is None,
            )
        )
        if config.tensorboard and log_dir is not None:
            callbacks.append(keras.callbacks.TensorBoard(log_dir=log_dir))
        return callbacks
