"""A Keras Tuner `HyperModel` that only maps hyperparameters to a `Config`."""

import keras
import keras_tuner

from keras_attention.task import stages
from keras_attention.tuning.search_space import SearchSpace
from keras_attention.tuning.validation_bleu import ValidationBleu

OBJECTIVES = {"val_loss": "min", "val_bleu": "max"}


class ConfigHyperModel(keras_tuner.HyperModel):
    """Builds and fits trial models exactly as `training.train` does.

    `build(hp)` is `Trainer.build_model(trainer.config.replace(**values))`;
    `fit` is `stages.train` on the trainer's shared datasets with
    `stages.make_callbacks(config)`: no `ModelCheckpoint` (Keras Tuner keeps
    each trial's best epoch) and no TensorBoard (pass one to
    `tuner.search`, which gives each trial its own log directory).

    Args:
        trainer: a `Trainer`; its `config` is the base of every trial, its
            data and tokenizers (`Trainer.prepare`) are shared.
        objective: str. `"val_loss"` or `"val_bleu"` (greedy corpus BLEU on
            a validation sample, see `ValidationBleu`). Defaults to
            `"val_loss"`.
        bleu_sentences: int. Size of the `val_bleu` validation sample.
            Defaults to `200`.

    Example:

    ```python
    config = Config().replace(search_space={"units": [32, 64]})
    trainer = Trainer(config, "runs/t")
    hypermodel = ConfigHyperModel(trainer)
    tuner = keras_tuner.RandomSearch(hypermodel, objective="val_loss",
                                     max_trials=2, directory="runs/t")
    tuner.search()
    ```
    """

    def __init__(self, trainer, objective="val_loss", bleu_sentences=200):
        super().__init__(name="config_hyper_model", tunable=True)
        if objective not in OBJECTIVES:
            raise ValueError(
                f"objective must be one of {sorted(OBJECTIVES)}. "
                f"Received: objective={objective!r}"
            )
        self.trainer = trainer
        self.space = SearchSpace.from_config(trainer.config)
        self.objective = objective
        self.bleu_sentences = bleu_sentences

    @property
    def keras_tuner_objective(self):
        """The `keras_tuner.Objective` (name and direction)."""
        return keras_tuner.Objective(
            self.objective, direction=OBJECTIVES[self.objective]
        )

    def declare_hyperparameters(self, hp):
        self.space.declare(hp)

    def config_for(self, hp):
        """The trial's `Config`: the base config with `hp`'s values."""
        return self.trainer.config.replace(**self.space.values(hp))

    def build(self, hp):
        config = self.config_for(hp)
        # Same initial weights for the same config, trial after trial.
        keras.utils.set_random_seed(config.training.seed)
        return self.trainer.build_model(config)

    def callbacks(self, config):
        """The per-trial callbacks that come before Keras Tuner's."""
        own = stages.make_callbacks(config)
        if self.objective == "val_bleu":
            sources, targets = self.trainer.splits["valid"]
            own.insert(
                0,
                ValidationBleu(
                    sources,
                    targets,
                    self.trainer.source_tokenizer,
                    self.trainer.target_tokenizer,
                    max_decode_length=config.decoding.max_decode_length,
                    sample_size=self.bleu_sentences,
                    seed=config.training.seed,
                    lowercase=config.data.lowercase_target,
                ),
            )
        return own

    def fit(self, hp, model, *args, callbacks=None, **kwargs):
        config = self.config_for(hp)
        self.trainer.prepare()
        # Hyperband passes `epochs` and `initial_epoch`.
        kwargs.setdefault("epochs", config.training.epochs)
        return stages.train(
            model,
            self.trainer.data,
            callbacks=self.callbacks(config) + list(callbacks or []),
            **kwargs,
        )
