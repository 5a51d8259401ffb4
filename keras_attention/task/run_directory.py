"""A training run on disk: the paths, atomic writes and status of its files."""

import json
import pathlib
import shutil

from keras_attention.atomic_write import atomic_write
from keras_attention.atomic_write import remove_temporary_files
from keras_attention.atomic_write import write_text
from keras_attention.config import Config

SIDES = ("source", "target")
BACKUP_DIRECTORY = "backup"
TRAINING_FILE = "training.json"
METRICS_FILE = "metrics.json"
MEMORY_FILE = "translation_memory.json"


class RunDirectory:
    """Reads and writes the files of one training run.

    Layout:

        config.yaml               the `Config` the run was trained with
        model.keras               the trained `EncoderDecoder` (best epoch)
        SIDE_vocabulary.txt       `tokenizer: word`: one token per line
        SIDE_sentencepiece.model  `tokenizer: sentencepiece`: the model
        SIDE_pieces.txt           and its pieces, one per line
        history.json              `model.fit` history, across restarts
        training.json             epochs, best epoch, seconds, early stop
        metrics.json              final evaluation numbers
        translation_memory.json   the `TranslationMemory`, if any
        corpus.json               the corpus report (`build_datasets`)
        data/{train,valid,test}.tsv   the bundled corpus, when used
        backup/                   while training: the `RunBackup`

    Every file is written atomically (`atomic_write`), in the order that
    `status` reads: the tokenizers, `config.yaml`, `backup/`,
    `history.json`, `model.keras`, `training.json`, `metrics.json`.

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
        """Raises `FileExistsError` if the run has another config."""
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
            # The best epoch's weights while fitting (`stages.CHECKPOINT`).
            "best.weights.h5",
        ]
        for side in SIDES:
            names += [
                self.vocabulary_path(side).name,
                self.sentencepiece_model_path(side).name,
                self.pieces_path(side).name,
            ]
        names += [f"data/{split}.tsv" for split in ("train", "valid", "test")]
        for name in names:
            (self.path / name).unlink(missing_ok=True)
        remove_temporary_files(self.path)
        remove_temporary_files(self.path / "data")

    def vocabulary_path(self, side):
        """The `WordTokenizer` vocabulary file of `side` (source/target)."""
        return self.path / f"{side}_vocabulary.txt"

    def sentencepiece_model_path(self, side):
        """The SentencePiece model file of `side` (source/target)."""
        return self.path / f"{side}_sentencepiece.model"

    def pieces_path(self, side):
        """The SentencePiece pieces of `side`, one per line (for reading)."""
        return self.path / f"{side}_pieces.txt"

    def save_config(self, config):
        """Writes `config.yaml` (after the tokenizers: status "prepared")."""
        with atomic_write(self.path / "config.yaml") as temporary:
            config.to_yaml(temporary)

    @property
    def memory_path(self):
        return self.path / MEMORY_FILE

    def save_json(self, name, values):
        write_text(
            self.path / name,
            json.dumps(values, indent=2, ensure_ascii=False) + "\n",
        )

    def load_json(self, name):
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def load_config(self):
        return Config.from_yaml(self.path / "config.yaml")
