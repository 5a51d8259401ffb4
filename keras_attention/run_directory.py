"""A training run on disk: model, tokenizers, config, history and reports."""

import json
import pathlib

import keras

from keras_attention.config import Config
from keras_attention.decoding.translator import Translator

# Registers the classes a saved model.keras names, so that loading a run
# does not depend on what the caller happened to import first.
from keras_attention.metrics import token_accuracy  # noqa: F401
from keras_attention.models import encoder_decoder  # noqa: F401
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.word_tokenizer import WordTokenizer

SIDES = ("source", "target")


class RunDirectory:
    """Reads and writes the files of one training run.

    Layout:

        config.yaml               the `Config` the run was trained with
                                  (its `tokenizer` field says which
                                  tokenizer files below exist)
        model.keras               the trained `EncoderDecoder` (best epoch)
        source_vocabulary.txt     `tokenizer: word`: one token per line,
        target_vocabulary.txt     id = line number
        source_sentencepiece.model  `tokenizer: sentencepiece`: the
        target_sentencepiece.model  SentencePiece models
        source_pieces.txt         their pieces, one per line (for reading)
        target_pieces.txt
        history.json              `model.fit` history, one list per metric
        metrics.json              final evaluation numbers
        corpus.json               what was read: pairs, skipped bad lines,
                                  pairs dropped or truncated by the length
                                  policy, padding before/after bucketing
        data/{train,valid,test}.tsv   the bundled corpus, when used

    Runs written before the `tokenizer` field existed load as word runs.

    Args:
        path: str or `pathlib.Path`, the directory (created on save).
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)

    @property
    def model_path(self):
        return self.path / "model.keras"

    def vocabulary_path(self, side):
        """The `WordTokenizer` vocabulary file of `side` (source/target)."""
        return self.path / f"{side}_vocabulary.txt"

    def sentencepiece_model_path(self, side):
        """The SentencePiece model file of `side` (source/target)."""
        return self.path / f"{side}_sentencepiece.model"

    def save(self, model, source_tokenizer, target_tokenizer, config):
        self.path.mkdir(parents=True, exist_ok=True)
        config.to_yaml(self.path / "config.yaml")
        self.save_tokenizer(source_tokenizer, "source")
        self.save_tokenizer(target_tokenizer, "target")
        model.save(self.model_path)

    def save_tokenizer(self, tokenizer, side):
        """Writes the files `load_tokenizer` reads back."""
        self.path.mkdir(parents=True, exist_ok=True)
        if isinstance(tokenizer, SentencePieceTokenizer):
            tokenizer.save_model(self.sentencepiece_model_path(side))
            tokenizer.save_vocabulary(self.path / f"{side}_pieces.txt")
        else:
            tokenizer.save_vocabulary(self.vocabulary_path(side))

    def load_tokenizer(self, side, config):
        """The tokenizer of `side` ("source"/"target") as `config` made it."""
        lowercase = getattr(config, f"lowercase_{side}")
        if config.tokenizer == "sentencepiece":
            return SentencePieceTokenizer(
                self.sentencepiece_model_path(side),
                lowercase=lowercase,
                normalization=config.normalization,
            )
        return WordTokenizer.from_vocabulary_file(
            self.vocabulary_path(side),
            lowercase=lowercase,
            normalization=config.normalization,
        )

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
        source_tokenizer = self.load_tokenizer("source", config)
        target_tokenizer = self.load_tokenizer("target", config)
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
