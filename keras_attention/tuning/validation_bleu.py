"""Greedy BLEU on a fixed validation sample, logged every epoch."""

import random

import keras

from keras_attention.decoding.translator import Translator
from keras_attention.evaluation.translation_scorer import TranslationScorer


class ValidationBleu(keras.callbacks.Callback):
    """Adds corpus BLEU of greedy translations to the epoch logs.

    Every epoch the model translates a fixed validation sample
    (`Translator.translate`) and `TranslationScorer`'s BLEU (0-100) is
    written as `logs[name]`; place it first so the callbacks after it
    (Keras Tuner, `EarlyStopping`, `History`) see it.

    Args:
        sources: list of str, validation source sentences.
        references: list of str, their reference translations.
        source_tokenizer: the source tokenizer of the model's data.
        target_tokenizer: the target tokenizer of the model's data.
        max_decode_length: int. Cap on generated tokens. Defaults to `64`.
        sample_size: int or `None`. Number of pairs drawn (once, with
            `seed`) from `sources`/`references`; `None` uses them all.
            Defaults to `200`.
        seed: int. Seed of the sample. Defaults to `1234`.
        lowercase: bool. Case-insensitive BLEU. Defaults to `False`.
        batch_size: int. Sentences per `translate` call. Defaults to `256`.
        name: str. The log key. Defaults to `"val_bleu"`.

    Example:

    ```python
    bleu = ValidationBleu(valid_sources, valid_targets,
                          source_tokenizer, target_tokenizer)
    model.fit(train_data, validation_data=valid_data,
              callbacks=[bleu, keras.callbacks.EarlyStopping("val_bleu")])
    ```
    """

    def __init__(
        self,
        sources,
        references,
        source_tokenizer,
        target_tokenizer,
        max_decode_length=64,
        sample_size=200,
        seed=1234,
        lowercase=False,
        batch_size=256,
        name="val_bleu",
    ):
        super().__init__()
        if len(sources) != len(references):
            raise ValueError(
                f"Got {len(sources)} sources but {len(references)} references."
            )
        indices = range(len(sources))
        if sample_size is not None and sample_size < len(sources):
            indices = sorted(random.Random(seed).sample(indices, sample_size))
        self.sources = [sources[i] for i in indices]
        self.references = [references[i] for i in indices]
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.max_decode_length = max_decode_length
        self.lowercase = lowercase
        self.batch_size = batch_size
        self.name = name
        self._translator = None

    def set_model(self, model):
        super().set_model(model)
        # One traced `translate` per model, reused every epoch.
        self._translator = None

    def score(self):
        """BLEU of the current model on the sample (a float in [0, 100])."""
        if self._translator is None:
            self._translator = Translator.from_config(
                self.model,
                self.source_tokenizer,
                self.target_tokenizer,
                max_decode_length=self.max_decode_length,
            )
        scorer = TranslationScorer(lowercase=self.lowercase)
        _, scores = scorer.evaluate(
            self._translator.translate,
            self.sources,
            self.references,
            self.batch_size,
        )
        return scores["bleu"]

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs[self.name] = self.score()
