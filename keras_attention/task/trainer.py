"""The runner: trains, evaluates and exports the model of a `Config`."""

import contextlib
import pathlib
import tempfile
import time

import keras
import tensorflow as tf

from keras_attention.backend import check_backend
from keras_attention.backend import current_backend
from keras_attention.backend import run_on_tensorflow
from keras_attention.config_error import ConfigError
from keras_attention.data.corpus_report import describe_corpus_report
from keras_attention.data.corpus_report import summarize_corpus_report
from keras_attention.decoding.translation_memory import TranslationMemory
from keras_attention.decoding.translator import Translator
from keras_attention.distribution import Distribution
from keras_attention.export.saved_model_exporter import SavedModelExporter
from keras_attention.task import stages
from keras_attention.task.run_directory import METRICS_FILE
from keras_attention.task.run_directory import TRAINING_FILE
from keras_attention.task.run_directory import RunDirectory


class Trainer:
    """Runs the stages (`keras_attention.task.stages`) of one `Config`.

    `read_corpus` at construction, `learn_tokenizers` and `build_datasets`
    in `prepare`, `build_model`, `compile_model` and `fit` in `fit`, then
    `evaluate` and `export`; this class only wires them and keeps their
    results in the run directory (`RunDirectory`).

    A `Trainer` on the directory of an interrupted run with the same
    config continues it (saved tokenizers, last `RunBackup`; a trained run
    is loaded and trains nothing). A directory with another config or a
    finished run is refused with `FileExistsError` unless `overwrite`.

    On JAX or PyTorch, `evaluate` and `export` run on the saved run in a
    TensorFlow subprocess (the searches are TensorFlow graphs), and
    `translator` and `tf.distribute` strategies are refused.

    Args:
        config: a `Config`.
        run_dir: str or path of the run directory.
        verbose: bool. Print the corpus report. Defaults to `True`.
        overwrite: bool. Delete the run directory's files first (see
            `RunDirectory.clear`) instead of continuing it. Defaults to
            `False`.
        chief: bool. Whether this process writes the run directory. A
            distributed worker (`False`) waits for the chief's corpus and
            fits in a temporary directory from a copy of the chief's
            backup, saving nothing. Defaults to `True`.

    Attributes:
        splits: a `CorpusSplits`, `{split: (sources, targets)}`.
        data: `{split: tf.data.Dataset}` after `prepare`.
        corpus_report: the dict saved as `corpus.json`, after `prepare`.
        source_tokenizer, target_tokenizer: after `prepare`.
        model, history, train_seconds: after `fit`.
        memory: the `TranslationMemory` or `None`, after `fit`.

    Example:

    ```python
    trainer = Trainer(Config().replace(units=64), "runs/small")
    trainer.fit()
    print(trainer.evaluate())
    ```
    """

    def __init__(
        self, config, run_dir, verbose=True, overwrite=False, chief=True
    ):
        self.config = config
        # First: a multi-worker strategy must exist before any TF op runs.
        self.distribution = Distribution.from_config(config)
        if self.distribution.name != "default" and not _on_tensorflow():
            raise ConfigError(
                "distribution",
                f"is {config.distribution.strategy!r} "
                f"({self.distribution.name}), a "
                "tf.distribute strategy: it needs the tensorflow backend. "
                f"Received: backend={current_backend()!r}",
            )
        self.run = RunDirectory(run_dir)
        self.verbose = verbose
        # Only the chief of a multi-worker run writes the run directory.
        self.chief = chief and self.distribution.is_chief
        self.data = None
        self.memory = None
        self.corpus_report = None
        if self.chief and overwrite:
            self.run.clear()
        elif self.chief:
            # Before anything is written: the data files depend on it.
            self.run.check_config(config)
        self.splits = stages.read_corpus(
            config, self.run.path / "data", write=self.chief
        )

    def prepare(self, tokenizers=None):
        """Learns (or loads) the tokenizers and builds the datasets, once.

        Args:
            tokenizers: `(source_tokenizer, target_tokenizer)` to use (and
                save) instead of learning them, or `None`. Defaults to
                `None`.

        Raises:
            CorpusError: a bad line, unless `config.data.skip_bad_lines`.
        """
        if self.data is not None:
            return
        self.source_tokenizer, self.target_tokenizer = self._tokenizers(
            tokenizers
        )
        data, self.corpus_report = stages.build_datasets(
            self.config,
            self.splits,
            self.source_tokenizer,
            self.target_tokenizer,
        )
        self.data = {k: self.distribution.shard(d) for k, d in data.items()}
        if self.chief:
            self.run.save_json("corpus.json", self.corpus_report)
        if self.verbose:
            print(describe_corpus_report(self.corpus_report))

    def build_model(self, config=None):
        """A compiled `EncoderDecoder` for `config` (default: the trainer's).

        A Keras Tuner trial's config may differ in model and optimizer
        fields only: the data and vocabularies are shared.
        """
        config = config or self.config
        self.prepare()
        with self.distribution.scope():
            model = stages.build_model(
                config, self.source_tokenizer, self.target_tokenizer
            )
            stages.compile_model(model, config)
        self.distribution.prepare_for_fit(model, self.data["train"])
        return model

    def build_memory(self, model):
        """The training pairs as a `TranslationMemory`, or `None` (off).

        Of several translations of one source, keeps the one `model` scores
        highest (`Translator.score_pairs`; off TensorFlow, the first),
        normalised as the target tokenizer normalises.

        Args:
            model: the trained `EncoderDecoder` that chooses.
        """
        if self.config.memory.match == "off":
            return None
        # The split's lists (`CorpusSplits` reads them once and keeps them).
        sources, targets = self.splits["train"]
        targets = self.target_tokenizer.normalizer(
            tf.constant(list(targets), tf.string)
        )
        score = None
        if _on_tensorflow():
            score = Translator.from_config(
                model, self.source_tokenizer, self.target_tokenizer, self.config
            ).score_pairs
        return TranslationMemory.from_pairs(
            list(sources),
            [target.decode("utf-8") for target in targets.numpy()],
            score=score,
            target_tokenizer=self.target_tokenizer,
        )

    def _tokenizers(self, tokenizers=None):
        """The saved tokenizers of a run in progress, or learned ones."""
        run = self.run
        if run.status() != "new":
            return stages.load_tokenizers(run.path, self.config)
        if tokenizers is None:
            tokenizers = stages.learn_tokenizers(
                self.config,
                self.splits.readers["train"],
                run.path if self.chief else None,
            )
        if not self.chief:
            return tokenizers
        # config.yaml last: a rerun loads the tokenizers once it exists.
        stages.save_tokenizers(run.path, *tokenizers, self.config)
        return stages.load_tokenizers(run.path, self.config)

    def fit(self, verbose="auto", callbacks=None):
        """Trains (or continues the run), restores the best epoch, saves.

        `callbacks` (list) run after the config's own (`stages.fit`).

        Returns:
            The history: `{metric: [value per epoch]}`, across restarts.

        Raises:
            FileExistsError: the run is finished (see `Trainer`).
            NoBestEpochError: no epoch had a finite validation metric.
        """
        config = self.config
        run = self.run
        run.check_not_finished()
        if run.status() != "trained":
            check_backend(config.distribution.backend)
        # The budget counts learning the tokenizers.
        budget_start = time.monotonic()
        keras.utils.set_random_seed(config.training.seed)
        self.prepare()
        self.model = self.build_model()
        if run.status() == "trained":
            return self._load_trained(verbose)
        if self.verbose:
            print(
                self.distribution.describe(
                    config.training.batch_size,
                    self.corpus_report["train"]["batch_sizes"],
                )
            )
        # A worker fits in a directory of its own, from the chief's backup.
        workspace = (
            contextlib.nullcontext(run.path)
            if self.chief
            else tempfile.TemporaryDirectory(
                prefix="keras-attention-worker-", ignore_cleanup_errors=True
            )
        )
        with workspace as directory, self.distribution.lost_workers():
            if not self.chief and self.verbose:
                print(f"This worker writes to {directory} (removed at exit).")
            backup = stages.run_backup(
                config,
                directory,
                source=None if self.chief else run.backup_path,
                start_time=budget_start,
            )
            self.history = stages.fit(
                self.model,
                self.data,
                config,
                directory,
                callbacks=callbacks,
                verbose=verbose,
                start_time=budget_start,
                backup=backup,
            )
        self.save_trained(
            self.model,
            self.history,
            {
                "epochs": len(self.history["loss"]),
                "best_epoch": backup.checkpoint_epoch,
                "stopped_early": backup.stopped,
                "train_seconds": round(backup.train_seconds, 1),
                "resumed_from": backup.resumed_from,
            },
        )
        if self.chief:
            backup.delete()
        return self.history

    def save_trained(self, model, history, training):
        """Keeps and saves a trained model: history, model, memory, training.

        Args:
            model: the trained `EncoderDecoder` (its best epoch).
            history: `{metric: [value per epoch]}`.
            training: the JSON-ready `training.json` (`train_seconds`...).
        """
        self.model, self.history = model, history
        self.train_seconds = training.get("train_seconds", 0.0)
        self.memory = self.build_memory(model)
        if self.chief:
            run = self.run
            run.save_json("history.json", history)
            stages.save_model(run.path, model)
            if self.memory is not None:
                self.memory.save(run.memory_path)
            # Last: the run is trained once this file exists.
            run.save_json(TRAINING_FILE, training)

    def _load_trained(self, verbose):
        # Killed after training was saved (e.g. in the final evaluation).
        run = self.run
        self.model.load_weights(run.model_path)
        self.history = run.load_json("history.json")
        exists = (run.path / TRAINING_FILE).exists()
        training = run.load_json(TRAINING_FILE) if exists else {}
        self.train_seconds = training.get("train_seconds", 0.0)
        if self.config.memory.match == "off" or run.memory_path.exists():
            self.memory = stages.load_memory(
                run.path, self.config, self.target_tokenizer
            )
        else:
            self.memory = self.build_memory(self.model)
            if self.chief:
                self.memory.save(run.memory_path)
        if verbose != 0:
            print(f"{run.path} is trained already: loaded its model.keras.")
        return self.history

    def translator(self):
        """A `Translator` of the trained model and the run's memory.

        TensorFlow backend only (`python -m training.translate` elsewhere).
        """
        if not _on_tensorflow():
            raise ConfigError(
                "backend",
                "is not tensorflow: Translator's searches are TensorFlow "
                f"graphs. Translate {self.run.path} with `python -m "
                "training.translate` (it runs on TensorFlow)",
            )
        return Translator.from_config(
            self.model,
            self.source_tokenizer,
            self.target_tokenizer,
            self.config,
            postprocessor=self.memory,
        )

    def evaluate(self, batch_size=256, verbose=0, extra=None):
        """`stages.evaluate` on every held-out split; saves `metrics.json`.

        With the corpus summary (`corpus`), the training time and `extra`
        (a dict).
        """
        if not _on_tensorflow():
            return self._evaluate_on_tensorflow(batch_size)
        metrics = {
            "train_seconds": round(self.train_seconds, 1),
            **stages.evaluate(
                self.translator(),
                self.splits,
                self.data,
                self.config,
                batch_size=batch_size,
                verbose=verbose,
            ),
        }
        if self.corpus_report is not None:
            metrics["corpus"] = summarize_corpus_report(self.corpus_report)
        metrics.update(extra or {})
        if self.chief:
            self.run.save_json(METRICS_FILE, metrics)
        return metrics

    def export(self, output_dir, name):
        """Exports the saved run as `output_dir/name/VERSION/` (a SavedModel).

        See `SavedModelExporter.from_run_directory`; on JAX or PyTorch it
        runs in a TensorFlow subprocess. Returns the version's path.
        """
        if _on_tensorflow():
            exporter = SavedModelExporter.from_run_directory(self.run.path)
            return exporter.export(output_dir, name)
        printed = run_on_tensorflow(
            "import sys; from keras_attention.export.saved_model_exporter "
            "import SavedModelExporter as E; print(E.from_run_directory("
            "sys.argv[1]).export(sys.argv[2], sys.argv[3]))",
            self.run.path,
            output_dir,
            name,
            what=f"exporting {self.run.path}",
        )
        return pathlib.Path(printed.splitlines()[-1])

    def _evaluate_on_tensorflow(self, batch_size):
        # The saved model.keras loads on any backend.
        run_on_tensorflow(
            "import sys; from keras_attention.task.trainer import "
            "evaluate_run; evaluate_run(sys.argv[1], int(sys.argv[2]))",
            self.run.path,
            batch_size,
            what=f"evaluating {self.run.path}",
        )
        return self.run.load_json(METRICS_FILE)


def evaluate_run(run_dir, batch_size=256):
    """Loads the trained run in `run_dir` and evaluates it (`metrics.json`).

    What `Trainer.evaluate` runs in its TensorFlow subprocess.
    """
    run = RunDirectory(run_dir)
    trainer = Trainer(run.load_config(), run_dir, verbose=False)
    trainer.fit(verbose=0)
    return trainer.evaluate(batch_size=batch_size)


def _on_tensorflow():
    return keras.backend.backend() == "tensorflow"
