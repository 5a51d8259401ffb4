"""A training run on disk: model, vocabularies, config and history."""

import json
import pathlib

import keras

from keras_attention.config import Config
from keras_attention.decoding.translator import Translator
from keras_attention.text.word_tokenizer import WordTokenizer


class RunDirectory:
    """Reads and writes the files of one training run.

    Layout:

        config.yaml               the `Config` the run was trained with
        model.keras               the trained `EncoderDecoder` (best epoch)
        source_vocabulary.txt     one token per line, id = line number
        target_vocabulary.txt
        history.json              `model.fit` history, one list per metric
        metrics.json              final evaluation numbers

    Args:
        path: str or `pathlib.Path`, the directory (created on save).
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)

    @property
    def model_path(self):
        return self.path / "model.keras"

    def save(self, model, source_tokenizer, target_tokenizer, config):
        self.path.mkdir(parents=True, exist_ok=True)
        config.to_yaml(self.path / "config.yaml")
        source_tokenizer.save_vocabulary(self.path / "source_vocabulary.txt")
        target_tokenizer.save_vocabulary(self.path / "target_vocabulary.txt")
        model.save(self.model_path)

    def save_json(self, name, values):
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / name).write_text(
            json.dumps(values, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )

    def load_config(self):
        return Config.from_yaml(self.path / "config.yaml")

    def load(self):
        """Returns `(model, source_tokenizer, target_tokenizer, config)`."""
        if not self.model_path.exists():
            raise FileNotFoundError(
                f"{self.path} is not a trained run directory: "
                f"{self.model_path.name} is missing. Train one with "
                "`python -m training.train --run-dir DIR`."
            )
        config = self.load_config()
        source_tokenizer = WordTokenizer.from_vocabulary_file(
            self.path / "source_vocabulary.txt",
            lowercase=config.lowercase_source,
        )
        target_tokenizer = WordTokenizer.from_vocabulary_file(
            self.path / "target_vocabulary.txt",
            lowercase=config.lowercase_target,
        )
        model = keras.saving.load_model(self.model_path)
        return model, source_tokenizer, target_tokenizer, config

    def translator(self):
        """A `Translator` for the trained model."""
        model, source_tokenizer, target_tokenizer, config = self.load()
        return Translator(
            model,
            source_tokenizer,
            target_tokenizer,
            max_decode_length=config.max_decode_length,
        )
