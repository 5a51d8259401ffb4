"""The runner: trains, evaluates and exports the model of a `Config`."""

import contextlib
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import keras
import tensorflow as tf

from keras_attention.backend import check_backend
from keras_attention.backend import current_backend
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

    `read_corpus` (at construction: the bundled corpus is written to
    `RUN_DIR/data/*.tsv`), then in `prepare` `learn_tokenizers` and
    `build_datasets` (the corpus report is printed and saved as
    `RUN_DIR/corpus.json`), then in `fit` `build_model` + `compile_model`
    and the `fit` stage, `evaluate` and `export`. Each stage can be called
    alone; this class only wires them and keeps their results. Keras
    Tuner trials (`ConfigHyperModel`), `ConfigSearch.export_best` and the
    benchmarks run through it too.

    The run directory (see `RunDirectory`) receives the best model, the
    tokenizers, the config, the history, the corpus report and the final
    metrics.

    Resuming: the tokenizers and `config.yaml` are saved before training
    and a `RunBackup` during it, so a `Trainer` on the directory of an
    interrupted run (same config) continues it: `prepare` loads the saved
    tokenizers, `fit` continues from the last backup (or, if the run was
    already trained, loads the model and trains nothing) and `evaluate`
    runs again. A directory with another config or a finished run
    (`metrics.json`) is refused with `FileExistsError` unless `overwrite`.

    Args:
        config: a `Config`.
        run_dir: str or path of the run directory.
        verbose: bool. Print the corpus report. Defaults to `True`.
        overwrite: bool. Delete the run directory's files first (see
            `RunDirectory.clear`) instead of continuing it. Defaults to
            `False`.
        chief: bool. Whether this process writes the run directory. A
            distributed worker (`False`) waits for the chief's bundled
            corpus, learns the tokenizers in memory unless the directory
            has them, fits in a temporary directory (removed when `fit`
            returns or raises) from a copy of the chief's backup, so that
            a rerun continues where the chief does, and saves nothing.
            Defaults to `True`.

    Attributes:
        splits: a `CorpusSplits`, `{split: (sources, targets)}` read on
            first access (`splits.readers` streams them).
        data: `{split: tf.data.Dataset}` after `prepare`.
        corpus_report: the dict saved as `corpus.json`, after `prepare`.
        source_tokenizer, target_tokenizer: after `prepare`.
        model, history, train_seconds: after `fit`.
        memory: the `TranslationMemory` (`build_memory`) or `None`, after
            `fit`.

    Backends: `fit` runs on the Keras backend in use
    (`config.distribution.backend`, else `KERAS_BACKEND`; see
    `keras_attention.backend`). The searches
    are TensorFlow graphs, so on JAX or PyTorch `evaluate` scores the
    saved run in a TensorFlow subprocess (the same `Trainer` there),
    `translator` is refused, and so is any `tf.distribute` strategy.

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
        chief = chief and self.distribution.is_chief
        self.chief = chief
        self.data = None
        self.memory = None
        self.corpus_report = None
        if chief and overwrite:
            self.run.clear()
        elif chief:
            # Before anything is written: the data files depend on it.
            self.run.check_config(config)
        self.splits = stages.read_corpus(
            config, self.run.path / "data", write=chief
        )

    @property
    def readers(self):
        """`{split: CorpusReader}`."""
        return self.splits.readers

    def prepare(self, tokenizers=None):
        """Learns the tokenizers from the train split and builds datasets.

        Idempotent; `fit` and `build_model` call it. Raises `CorpusError`
        (file, line, problem) on bad data unless `config.data.skip_bad_lines`.

        Args:
            tokenizers: `(source_tokenizer, target_tokenizer)` to use (and
                save) instead of learning them, or `None`. Defaults to
                `None`.
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

        Keras Tuner trials pass their own config: only model and optimizer
        fields may differ, the data and vocabularies are shared.
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

        One pair per source key (`TranslationMemory.key`): of several
        training translations of one source, the one `model` gives the
        highest log-probability (teacher-forced,
        `Translator.score_pairs`; on another backend than TensorFlow, the
        first). The stored translations are normalised
        as the target tokenizer normalises (lowercased when it
        lowercases), like the model's own output.

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
        # The teacher-forced scorer is a TensorFlow graph; a run trained on
        # another backend keeps the first translation of each source.
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
                self.readers["train"],
                run.path if self.chief else None,
            )
        if not self.chief:
            return tokenizers
        # config.yaml last: a rerun loads the tokenizers once it exists.
        stages.save_tokenizers(run.path, *tokenizers, self.config)
        return stages.load_tokenizers(run.path, self.config)

    def fit(self, verbose="auto", callbacks=None):
        """Trains (or continues the run), restores the best epoch, saves.

        `callbacks` (list) run after the config's own (see `stages.fit`).

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
        # A worker keeps its checkpoint and backup out of the chief's
        # directory and continues the chief's backup.
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

        `fit` calls it, and `ConfigSearch.export_best` with a trial's model.

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
        training = {}
        if (run.path / TRAINING_FILE).exists():
            training = run.load_json(TRAINING_FILE)
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
        """A `Translator` of the trained model (the config's decoding).

        Its post-processor is the run's translation memory, if any.

        TensorFlow backend only: elsewhere, translate the saved run with
        `python -m training.translate RUN_DIR` (which runs on TensorFlow).
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

        The corpus report's summary (`corpus`), the training time and
        `extra` (a dict) are saved alongside. On JAX or PyTorch the saved
        run is evaluated by a `Trainer` in a TensorFlow subprocess (chief
        only).
        """
        if not _on_tensorflow():
            return self._evaluate_on_tensorflow(batch_size)
        metrics = {"train_seconds": round(self.train_seconds, 1)}
        metrics.update(
            stages.evaluate(
                self.translator(),
                self.splits,
                self.data,
                self.config,
                batch_size=batch_size,
                verbose=verbose,
            )
        )
        if self.corpus_report is not None:
            metrics["corpus"] = summarize_corpus_report(self.corpus_report)
        metrics.update(extra or {})
        if self.chief:
            self.run.save_json(METRICS_FILE, metrics)
        return metrics

    def export(self, output_dir, name):
        """Exports the saved run as `output_dir/name/VERSION/` (a SavedModel).

        See `SavedModelExporter.from_run_directory` (TensorFlow backend
        only, like `translator`); returns the version's path.
        """
        exporter = SavedModelExporter.from_run_directory(self.run.path)
        return exporter.export(output_dir, name)

    def _evaluate_on_tensorflow(self, batch_size):
        # The searches are TensorFlow graphs; the saved model.keras loads
        # on any backend, so a fresh TensorFlow process scores it.
        package_root = str(pathlib.Path(__file__).resolve().parents[1])
        env = dict(os.environ, KERAS_BACKEND="tensorflow")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH")) if p
        )
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from keras_attention.task.trainer import "
                "evaluate_run; evaluate_run(sys.argv[1], int(sys.argv[2]))",
                str(self.run.path),
                str(batch_size),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"evaluating {self.run.path} on TensorFlow failed:\n"
                + result.stderr[-4000:]
            )
        return self.run.load_json(METRICS_FILE)


def evaluate_run(run_dir, batch_size=256):
    """Loads the trained run in `run_dir` and evaluates it (`metrics.json`).

    What `Trainer.evaluate` runs in a TensorFlow subprocess for a run
    trained on another backend: the run's own config, tokenizers and
    `model.keras`, nothing trained.
    """
    run = RunDirectory(run_dir)
    trainer = Trainer(run.load_config(), run_dir, verbose=False)
    trainer.fit(verbose=0)
    return trainer.evaluate(batch_size=batch_size)


def _on_tensorflow():
    return keras.backend.backend() == "tensorflow"
