"""A training run on disk: model, tokenizers, config, history and reports."""

import json
import pathlib
import shutil
import zipfile

import keras

from keras_attention.atomic_write import POLL_SECONDS
from keras_attention.atomic_write import atomic_write
from keras_attention.atomic_write import remove_temporary_files
from keras_attention.atomic_write import wait_for_files
from keras_attention.atomic_write import write_text
from keras_attention.config import Config
from keras_attention.decoding.translation_memory import TranslationMemory
from keras_attention.decoding.translator import Translator

# Registers the classes a saved model.keras names, so that loading a run
# does not depend on what the caller happened to import first.
from keras_attention.losses import label_smoothed_crossentropy  # noqa: F401
from keras_attention.metrics import token_accuracy  # noqa: F401
from keras_attention.models import encoder_decoder  # noqa: F401
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.word_tokenizer import WordTokenizer
from keras_attention.usage_error import UsageError

SIDES = ("source", "target")
BACKUP_DIRECTORY = "backup"
TRAINING_FILE = "training.json"
METRICS_FILE = "metrics.json"
MEMORY_FILE = "translation_memory.json"


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
                                  and one value per epoch, across restarts
        training.json             how training ended: epochs, best epoch,
                                  seconds, whether a callback stopped it
        metrics.json              final evaluation numbers
        translation_memory.json   with `translation_memory: exact`: the
                                  pairs of the `TranslationMemory`, one
                                  training pair per source
        corpus.json               what was read: pairs, skipped bad lines,
                                  pairs dropped or truncated by the length
                                  policy, padding before/after bucketing
        data/{train,valid,test}.tsv   the bundled corpus, when used
        backup/                   while training: the `RunBackup` a rerun
                                  continues from (deleted once the run is
                                  saved)

    Every file is written atomically (`atomic_write`): a process killed
    while saving leaves the previous version. The files also tell how far
    a run got (`status`): the tokenizers and then `config.yaml` are written
    before training starts, `backup/` during training, `history.json`,
    `model.keras` and then `training.json` when it ends, `metrics.json`
    after the final evaluation.

    Runs written before the `tokenizer` field existed load as word runs.

    Args:
        path: str or `pathlib.Path`, the directory (created on save).
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)

    @property
    def model_path(self):
        return self.path / "model.keras"

    @property
    def backup_path(self):
        """The `RunBackup` directory of a run in progress."""
        return self.path / BACKUP_DIRECTORY

    def status(self):
        """How far the run got: the first true of these, in this order.

        - `"finished"`: evaluated (`metrics.json`);
        - `"trained"`: the best model is saved (`training.json`, or for
          runs older than it `model.keras` without a backup);
        - `"training"`: a backup exists (a rerun continues from it);
        - `"prepared"`: tokenizers and `config.yaml` are saved;
        - `"new"`: none of the above.
        """
        if (self.path / METRICS_FILE).exists():
            return "finished"
        backup = (self.backup_path / "state.json").exists()
        if (self.path / TRAINING_FILE).exists() or (
            self.model_path.exists() and not backup
        ):
            return "trained"
        if backup:
            return "training"
        if (self.path / "config.yaml").exists():
            return "prepared"
        return "new"

    def check_config(self, config):
        """Raises `FileExistsError` if the run was started with another config.

        A rerun continues a run only with the config it started with.
        """
        path = self.path / "config.yaml"
        if not path.exists():
            return
        previous = self.load_config()
        if previous == config:
            return
        new = dict(config.items())
        changed = [
            f"{name}: {value!r} -> {new[name]!r}"
            for name, value in previous.items()
            if new[name] != value
        ]
        raise FileExistsError(
            f"{self.path} holds a run with another config (changed: "
            f"{', '.join(changed)}). Rerun with the same config to continue "
            "it, or pass --overwrite to start again."
        )

    def check_not_finished(self):
        """Raises `FileExistsError` if the run is trained and evaluated."""
        if self.status() == "finished":
            raise FileExistsError(
                f"{self.path} holds a finished run ({METRICS_FILE} exists). "
                "Pass --overwrite to train it again, or choose another "
                "--run-dir."
            )

    def clear(self):
        """Deletes the files of this layout (and nothing else) in the run."""
        if not self.path.is_dir():
            return
        for name in ("backup", "logs"):
            shutil.rmtree(self.path / name, ignore_errors=True)
        names = [
            "config.yaml",
            "model.keras",
            "history.json",
            TRAINING_FILE,
            METRICS_FILE,
            "corpus.json",
            MEMORY_FILE,
            # What runs older than `RunBackup` checkpointed to.
            "best.weights.h5",
        ]
        for side in SIDES:
            names += [
                self.vocabulary_path(side).name,
                self.sentencepiece_model_path(side).name,
                f"{side}_pieces.txt",
            ]
        names += [f"data/{split}.tsv" for split in ("train", "valid", "test")]
        for name in names:
            (self.path / name).unlink(missing_ok=True)
        remove_temporary_files(self.path)
        remove_temporary_files(self.path / "data")

    def wait_for(self, names, timeout, poll_seconds=POLL_SECONDS):
        """Waits until the files `names` (relative to the run) all exist.

        See `wait_for_files`: a distributed worker reads what the chief
        writes.
        """
        paths = [self.path / name for name in names]
        wait_for_files(paths, timeout, poll_seconds=poll_seconds)

    def vocabulary_path(self, side):
        """The `WordTokenizer` vocabulary file of `side` (source/target)."""
        return self.path / f"{side}_vocabulary.txt"

    def sentencepiece_model_path(self, side):
        """The SentencePiece model file of `side` (source/target)."""
        return self.path / f"{side}_sentencepiece.model"

    def save(self, model, source_tokenizer, target_tokenizer, config):
        self.save_tokenizers(source_tokenizer, target_tokenizer, config)
        self.save_model(model)

    def save_tokenizers(self, source_tokenizer, target_tokenizer, config):
        """Writes both tokenizers, then `config.yaml` (status "prepared")."""
        self.save_tokenizer(source_tokenizer, "source")
        self.save_tokenizer(target_tokenizer, "target")
        with atomic_write(self.path / "config.yaml") as temporary:
            config.to_yaml(temporary)

    def save_model(self, model):
        with atomic_write(self.model_path) as temporary:
            model.save(temporary)

    def save_tokenizer(self, tokenizer, side):
        """Writes the files `load_tokenizer` reads back."""
        if isinstance(tokenizer, SentencePieceTokenizer):
            files = {
                self.sentencepiece_model_path(side): tokenizer.save_model,
                self.path / f"{side}_pieces.txt": tokenizer.save_vocabulary,
            }
        else:
            files = {self.vocabulary_path(side): tokenizer.save_vocabulary}
        for path, save in files.items():
            with atomic_write(path) as temporary:
                save(temporary)

    def load_tokenizers(self, config):
        """`(source_tokenizer, target_tokenizer)` as saved for `config`."""
        return tuple(self.load_tokenizer(side, config) for side in SIDES)

    def load_tokenizer(self, side, config):
        """The tokenizer of `side` ("source"/"target") as `config` made it."""
        lowercase = getattr(config.data, f"lowercase_{side}")
        if config.data.tokenizer == "sentencepiece":
            return SentencePieceTokenizer(
                self.sentencepiece_model_path(side),
                lowercase=lowercase,
                normalization=config.data.normalization,
            )
        path = self.vocabulary_path(side)
        try:
            return WordTokenizer.from_vocabulary_file(
                path,
                lowercase=lowercase,
                normalization=config.data.normalization,
            )
        except (UnicodeDecodeError, ValueError) as error:
            raise UsageError(
                f"{path}: not a vocabulary file: {error}"
            ) from None

    @property
    def memory_path(self):
        return self.path / MEMORY_FILE

    def load_memory(self, config):
        """The run's `TranslationMemory`, or `None` if `config` uses none."""
        if config.memory.match == "off":
            return None
        if not self.memory_path.exists():
            raise UsageError(
                f"{self.memory_path} is missing: the run's config sets "
                "translation_memory: exact, whose memory training writes "
                "there. Train the run again (--overwrite)."
            )
        return TranslationMemory.from_file(self.memory_path)

    def save_json(self, name, values):
        write_text(
            self.path / name,
            json.dumps(values, indent=2, ensure_ascii=False) + "\n",
        )

    def load_json(self, name):
        return json.loads((self.path / name).read_text(encoding="utf-8"))

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
        # A truncated or overwritten file: Keras says "File not found".
        if not zipfile.is_zipfile(self.model_path):
            raise UsageError(
                f"{self.model_path}: not a .keras model file (not a zip "
                "archive; truncated or overwritten?). Train the run again."
            )
        model = keras.saving.load_model(self.model_path)
        return model, source_tokenizer, target_tokenizer, config

    def translator(self):
        """A `Translator` for the trained model."""
        model, source_tokenizer, target_tokenizer, config = self.load()
        return Translator.from_config(
            model,
            source_tokenizer,
            target_tokenizer,
            config,
            memory=self.load_memory(config),
        )
