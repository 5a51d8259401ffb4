"""The `training` section: loss, optimizer and the `model.fit` loop."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class TrainingConfig(Section):
    """How `model.fit` trains (see `TrainingOptions`).

    Fields:
        batch_size: sentences per batch (the global batch; see
            `data.batch_tokens` for batches sized by tokens).
        epochs, patience: at most `epochs` passes; early stopping on the
            validation loss after `patience` epochs without improvement
            restores the best epoch's weights.
        learning_rate, clipnorm: Adam's rate and gradient clipping.
        label_smoothing: `LabelSmoothedCrossentropy` (0: plain sparse
            cross-entropy).
        seed: weights, dropout and shuffling.
        jit_compile: XLA (Keras leaves it off on CPU unless asked).
        max_train_seconds: stop after the batch that crosses this budget,
            counted from the start of `Trainer.fit` with the tokenizers'
            learning, then validate and restore the best weights
            (`TimeBudget`; `None`: no limit).
        tensorboard: write TensorBoard logs to `RUN_DIR/logs`.
        backup_every_steps: also back up the run every this many batches,
            not only at the end of every epoch (`None`: epochs only); a
            rerun after a crash continues from the last backup.
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
    # 0 stops after the first batch.
    max_train_seconds: float | None = option(None, minimum=0)
    tensorboard: bool = False
    backup_every_steps: int | None = option(None, minimum=1)
