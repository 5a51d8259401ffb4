"""The `training` section: loss, optimizer and the `model.fit` loop."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class TrainingConfig(Section):
    """How `model.fit` trains (see `TrainingOptions`).

    Fields:
        batch_size: sentences per (global) batch.
        epochs, patience: at most `epochs` passes; early stopping on
            `val_loss` after `patience` epochs, best weights restored.
        learning_rate, clipnorm, label_smoothing: Adam's rate, gradient
            clipping and `LabelSmoothedCrossentropy`'s (0: none).
        seed, jit_compile: weights, dropout and shuffling; XLA.
        max_train_seconds: `TimeBudget` from the start of `Trainer.fit`
            (`None`: no limit; 0 stops after the first batch).
        tensorboard: TensorBoard logs in `RUN_DIR/logs`.
        backup_every_steps: also back up every this many batches
            (`None`: every epoch only).
    """

    NAME = "training"

    batch_size: int = option(64, minimum=1)
    epochs: int = option(30, minimum=1)
    learning_rate: float = option(0.001, positive=True)
    clipnorm: float = option(1.0, positive=True)
    patience: int = option(3, minimum=0)
    label_smoothing: float = option(0.0, minimum=0, below=1)
    seed: int = option(1234, minimum=0)
    jit_compile: bool = False
    max_train_seconds: float | None = option(None, minimum=0)
    tensorboard: bool = False
    backup_every_steps: int | None = option(None, minimum=1)
