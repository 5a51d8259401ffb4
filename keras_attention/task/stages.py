"""The training path as stages a user can call one by one from Python.

`Trainer` runs them in order; Keras Tuner trials (`ConfigHyperModel`) and
`ConfigSearch.export_best` reuse them. Each stage takes what it needs
(a `Config` and the outputs of earlier stages) and returns plain objects:

    splits = read_corpus(config, "runs/x/data")          # CorpusSplits
    source_tokenizer, target_tokenizer = learn_tokenizers(
        config, splits.readers["train"], "runs/x")       # or load_tokenizers
    datasets, report = build_datasets(
        config, splits, source_tokenizer, target_tokenizer)
    model = compile_model(
        build_model(config, source_tokenizer, target_tokenizer), config)
    history = fit(model, datasets, config, "runs/x")   # or continues it
    translator = Translator.from_config(
        model, source_tokenizer, target_tokenizer, config)
    metrics = evaluate(translator, splits, datasets, config)

A trained run is read back with `load_run`, `load_memory` and
`load_translator`. `compile_model`, `make_callbacks` and `train` are the
library's only compile, callback list and `model.fit`.
"""

import collections
import math
import time
import zipfile

import keras

from keras_attention.atomic_write import atomic_write
from keras_attention.callbacks.progress_bar import ProgressBar
from keras_attention.callbacks.run_backup import RunBackup
from keras_attention.data.batching import Batching
from keras_attention.data.corpus_splits import CorpusSplits
from keras_attention.data.length_policy import LengthPolicy
from keras_attention.data.pipeline import CACHE_BYTES
from keras_attention.data.pipeline import batch_sizes
from keras_attention.data.pipeline import cached_ids_bytes
from keras_attention.data.pipeline import count_batches
from keras_attention.data.pipeline import make_dataset
from keras_attention.data.pipeline import make_streaming_dataset
from keras_attention.data.pipeline import padding_fraction
from keras_attention.decoding.translation_memory import TranslationMemory
from keras_attention.decoding.translator import Translator
from keras_attention.evaluation.translation_scorer import TranslationScorer

# Registers the loss class a saved model.keras names, whatever was imported.
from keras_attention.losses import label_smoothed_crossentropy  # noqa: F401
from keras_attention.metrics.token_accuracy import TokenAccuracy
from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.no_best_epoch_error import NoBestEpochError
from keras_attention.task.run_directory import SIDES
from keras_attention.task.run_directory import RunDirectory
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.word_tokenizer import WordTokenizer
from keras_attention.training_options import MONITOR
from keras_attention.training_options import TrainingOptions
from keras_attention.usage_error import UsageError

# SentencePiece vocabulary size when the config leaves it open.
DEFAULT_SENTENCEPIECE_VOCABULARY = 8000
# Training batches sampled to report the padding fraction.
PADDING_SAMPLE_BATCHES = 1000
# The best epoch's weights, in the run directory, while fitting.
CHECKPOINT = "best.weights.h5"


def read_corpus(config, data_dir, write=True):
    """Stage 1: the `CorpusSplits` of `config` (`CorpusSplits.from_config`)."""
    return CorpusSplits.from_config(config, data_dir, write=write)


def learn_tokenizer(config, side, texts, model_path=None):
    """The `side` (`"source"`/`"target"`) tokenizer learned from `texts`.

    Args:
        config: a `Config`.
        side: `"source"` or `"target"`.
        texts: iterable of str, read once.
        model_path: str or path of the SentencePiece `.model` file to
            write. Defaults to a temporary file.

    Returns:
        A `WordTokenizer` or `SentencePieceTokenizer`.
    """
    lowercase = getattr(config.data, f"lowercase_{side}")
    size = getattr(config.data, f"{side}_vocabulary_size")
    if config.data.tokenizer == "word":
        return WordTokenizer.from_texts(
            texts,
            lowercase=lowercase,
            max_size=size,
            normalization=config.data.normalization,
        )
    try:
        return SentencePieceTokenizer.from_texts(
            texts,
            vocabulary_size=size or DEFAULT_SENTENCEPIECE_VOCABULARY,
            model_path=model_path,
            model_type=config.data.sentencepiece_model_type,
            lowercase=lowercase,
            normalization=config.data.normalization,
            seed=config.training.seed,
        )
    except ValueError as error:
        if "is too small" not in str(error):
            raise
        raise UsageError(f"{side}_vocabulary_size: {error}") from None


def learn_tokenizers(config, reader, run_dir=None):
    """Stage 2: `(source_tokenizer, target_tokenizer)` learned from pairs.

    Args:
        config: a `Config`.
        reader: a re-iterable of `(source, target)` str pairs, read twice.
        run_dir: str or path of the run directory that receives the
            SentencePiece models. Defaults to `None` (temporary files).
    """
    run = None if run_dir is None else RunDirectory(run_dir)
    return tuple(
        learn_tokenizer(
            config,
            side,
            (pair[index] for pair in reader),
            model_path=run and run.sentencepiece_model_path(side),
        )
        for index, side in enumerate(("source", "target"))
    )


def save_tokenizers(run_dir, source_tokenizer, target_tokenizer, config):
    """Writes both tokenizers' files, then `config.yaml` (`RunDirectory`)."""
    run = RunDirectory(run_dir)
    for side, tokenizer in zip(SIDES, (source_tokenizer, target_tokenizer)):
        if isinstance(tokenizer, SentencePieceTokenizer):
            files = {
                run.sentencepiece_model_path(side): tokenizer.save_model,
                run.pieces_path(side): tokenizer.save_vocabulary,
            }
        else:
            files = {run.vocabulary_path(side): tokenizer.save_vocabulary}
        for path, save in files.items():
            with atomic_write(path) as temporary:
                save(temporary)
    run.save_config(config)


def load_tokenizers(run_dir, config=None):
    """Stage 2 from a run directory: `(source_tokenizer, target_tokenizer)`.

    Args:
        run_dir: str or path of the run directory.
        config: the run's `Config`. Defaults to `None` (its config.yaml).
    """
    run = RunDirectory(run_dir)
    config = config or run.load_config()
    return tuple(_load_tokenizer(run, side, config) for side in SIDES)


def _load_tokenizer(run, side, config):
    lowercase = getattr(config.data, f"lowercase_{side}")
    if config.data.tokenizer == "sentencepiece":
        return SentencePieceTokenizer(
            run.sentencepiece_model_path(side),
            lowercase=lowercase,
            normalization=config.data.normalization,
        )
    path = run.vocabulary_path(side)
    try:
        return WordTokenizer.from_vocabulary_file(
            path, lowercase=lowercase, normalization=config.data.normalization
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"{path}: not a vocabulary file: {error}") from None


def save_model(run_dir, model):
    """Writes `model.keras` atomically."""
    with atomic_write(RunDirectory(run_dir).model_path) as temporary:
        model.save(temporary)


def load_run(run_dir):
    """A trained run's `(model, source_tokenizer, target_tokenizer, config)`.

    Raises:
        FileNotFoundError: the directory holds no `model.keras`.
        UsageError: `model.keras` is not a model file.
    """
    run = RunDirectory(run_dir)
    if not run.model_path.exists():
        raise FileNotFoundError(
            f"{run.path} is not a trained run directory: "
            f"{run.model_path.name} is missing. Train one with "
            "`python -m training.train --run-dir DIR`."
        )
    config = run.load_config()
    source_tokenizer, target_tokenizer = load_tokenizers(run_dir, config)
    # A truncated or overwritten file: Keras says "File not found".
    if not zipfile.is_zipfile(run.model_path):
        raise UsageError(
            f"{run.model_path}: not a .keras model file (not a zip "
            "archive; truncated or overwritten?). Train the run again."
        )
    model = keras.saving.load_model(run.model_path)
    return model, source_tokenizer, target_tokenizer, config


def load_memory(run_dir, config, target_tokenizer):
    """The run's `TranslationMemory`, or `None` if `config` uses none."""
    if config.memory.match == "off":
        return None
    path = RunDirectory(run_dir).memory_path
    if not path.exists():
        raise UsageError(
            f"{path} is missing: the run's config sets "
            "translation_memory: exact, whose memory training writes "
            "there. Train the run again (--overwrite)."
        )
    return TranslationMemory.from_file(path, target_tokenizer)


# `load_translator`'s default post-processor: the run's own.
RUN_POSTPROCESSOR = "run"


def load_translator(run_dir, postprocessor=RUN_POSTPROCESSOR, **decoding):
    """The `Translator` of a trained run (`Translator.from_config`).

    Args:
        run_dir: str or path of the run directory.
        postprocessor: the translator's post-processor. Defaults to the
            run's memory (`load_memory`); `None`: the model alone.
        **decoding: decoding arguments replacing the run config's.
    """
    model, source_tokenizer, target_tokenizer, config = load_run(run_dir)
    if postprocessor == RUN_POSTPROCESSOR:
        postprocessor = load_memory(run_dir, config, target_tokenizer)
    return Translator.from_config(
        model,
        source_tokenizer,
        target_tokenizer,
        config,
        postprocessor=postprocessor,
        **decoding,
    )


def build_datasets(config, splits, source_tokenizer, target_tokenizer):
    """Stage 3: the `tf.data` datasets of every split, and the corpus report.

    The training split is streamed (shuffled, `LengthPolicy` applied,
    bucketed when the config says so) after a first pass that measures
    it; held-out splits are read into memory and never cut.

    Args:
        config: a `Config`.
        splits: a `CorpusSplits` (from `read_corpus`).
        source_tokenizer, target_tokenizer: from `learn_tokenizers`.

    Returns:
        `(datasets, report)`: `{split: tf.data.Dataset}` of
        `(inputs, labels, sample_weight)` batches, and the JSON-ready
        corpus report (see `describe_corpus_report`).

    Raises:
        CorpusError: a bad line, unless `config.data.skip_bad_lines`.
    """
    train = splits.readers["train"]
    policy = LengthPolicy(
        config.data.max_source_tokens,
        config.data.max_target_tokens,
        config.data.length_policy,
    )
    lengths, train_lengths = policy.measure(
        train, source_tokenizer, target_tokenizer, return_lengths=True
    )

    def batching(bucket_by_length, cache=False):
        return Batching(
            batch_size=config.training.batch_size,
            shuffle=True,
            seed=config.training.seed,
            pad_to_multiple=config.data.pad_to_multiple,
            length_policy=policy,
            bucket_by_length=bucket_by_length,
            shuffle_buffer_size=config.data.shuffle_buffer_size,
            # XLA compiles once per shape: keep the batch dimension fixed.
            pad_batches=config.training.jit_compile,
            batch_tokens=config.data.batch_tokens if bucket_by_length else None,
            cache=cache,
        )

    def train_dataset(bucket_by_length, cache=False):
        options = batching(bucket_by_length, cache)
        return make_streaming_dataset(
            train,
            source_tokenizer,
            target_tokenizer,
            options,
            num_batches=count_batches(train_lengths, options),
        )

    def padding(bucket_by_length):
        return padding_fraction(
            train_dataset(bucket_by_length),
            PADDING_SAMPLE_BATCHES,
            source_tokenizer.pad_token_id,
        )

    epoch = batch_sizes(train_lengths, batching(config.data.bucket_by_length))
    report = {
        "train": {
            **train.report(),
            "lengths": lengths,
            "batches": len(epoch),
            # [rows, batches of that many rows] (JSON-ready).
            "batch_sizes": sorted(
                map(list, collections.Counter(epoch).items())
            ),
        }
    }
    datasets = {
        "train": train_dataset(
            config.data.bucket_by_length,
            # Tokenize once when the ids fit in memory.
            cache=cached_ids_bytes(train_lengths) <= CACHE_BYTES,
        )
    }
    for name in splits:
        if name == "train":
            continue
        sources, targets = splits[name]
        report[name] = splits.readers[name].report()
        datasets[name] = make_dataset(
            sources,
            targets,
            source_tokenizer,
            target_tokenizer,
            Batching(batch_size=config.training.batch_size),
        )
    report["padding"] = {
        "without_bucketing": padding(False),
        "with_bucketing": padding(True),
        "bucket_by_length": config.data.bucket_by_length,
    }
    report["tokenizer"] = {
        "type": config.data.tokenizer,
        "source_vocabulary_size": source_tokenizer.vocabulary_size,
        "target_vocabulary_size": target_tokenizer.vocabulary_size,
    }
    return datasets, report


def build_model(config, source_tokenizer, target_tokenizer):
    """Stage 4a: an uncompiled `EncoderDecoder` for `config`'s model fields."""
    return EncoderDecoder(
        source_tokenizer.vocabulary_size,
        target_tokenizer.vocabulary_size,
        **config.model.to_dict(),
    )


def compile_model(model, config):
    """Stage 4b: compiles `model` for `config` (`TrainingOptions`); returns it.

    Args:
        model: a model from `build_model`.
        config: a `Config`.
    """
    options = TrainingOptions(config.training)
    model.compile(
        optimizer=options.optimizer(),
        loss=options.loss(),
        weighted_metrics=[TokenAccuracy()],
        # Eager JAX dispatches op by op: JAX always compiles with XLA.
        jit_compile=config.training.jit_compile
        or keras.backend.backend() == "jax",
    )
    return model


def make_callbacks(config, checkpoint=None, log_dir=None, start_time=None):
    """`TerminateOnNaN` and `TrainingOptions.callbacks` (same arguments)."""
    callbacks = TrainingOptions(config.training).callbacks(
        checkpoint, log_dir=log_dir, start_time=start_time
    )
    # A NaN loss ends training at once rather than after `patience`.
    return [keras.callbacks.TerminateOnNaN()] + callbacks


def fit(
    model,
    datasets,
    config,
    run_dir,
    callbacks=None,
    verbose="auto",
    start_time=None,
    backup=None,
):
    """Stage 5: trains, or continues the run's backup; restores the best epoch.

    Training continues from the `RunBackup` in `RUN_DIR/backup` when there
    is one (one whose training had ended trains nothing); the caller
    deletes it once the run is saved.

    Args:
        model: a compiled model (`compile_model`).
        datasets: `{split: tf.data.Dataset}` with `train` and `valid`.
        config: a `Config`.
        run_dir: str or path. Receives `best.weights.h5`, `backup/` and
            the TensorBoard `logs/`.
        callbacks: list of extra callbacks, run after `make_callbacks`'.
            Defaults to `None`.
        verbose: Keras verbosity. Defaults to `"auto"`.
        start_time: float, the `time.monotonic()` at which the time
            budget started in this process. Defaults to `None` (now).
        backup: the `RunBackup` to continue and write, or `None` for
            `run_backup(config, run_dir, start_time=start_time)`.
            Defaults to `None`.

    Returns:
        The history: `{metric: [value per epoch]}`, across restarts.

    Raises:
        NoBestEpochError: no epoch had a finite validation loss.
    """
    run = RunDirectory(run_dir)
    checkpoint = run.path / CHECKPOINT
    if start_time is None:
        start_time = time.monotonic()
    if backup is None:
        backup = run_backup(config, run_dir, start_time=start_time)
    initial_epoch = backup.restore(model)
    if backup.resumed_from and verbose != 0:
        print(describe_resume(backup, config.training.epochs))
    if not backup.finished(config.training.epochs):
        own = make_callbacks(
            config,
            checkpoint,
            run.path / "logs",
            start_time=start_time - backup.train_seconds,
        )
        backup.callbacks = own
        train(
            model,
            datasets,
            # The backup after the others: it records what they decided.
            # `ProgressBar` ends a bar cut by `TimeBudget` where it stopped.
            callbacks=own + list(callbacks or []) + [backup, ProgressBar()],
            epochs=config.training.epochs,
            initial_epoch=initial_epoch,
            verbose=verbose,
        )
    values = backup.history.get(MONITOR, [])
    best = backup.checkpoint_epoch
    # Keras' ModelCheckpoint saves the first epoch even when it is NaN.
    if best is None or not math.isfinite(values[best]):
        raise NoBestEpochError(
            f"{run.path}: training produced no model: {MONITOR} was "
            f"{values} and loss {backup.history.get('loss', [])} in the "
            f"{len(values)} epoch(s) trained. Lower learning_rate (it is "
            f"{config.training.learning_rate}) or clipnorm and rerun with "
            "--overwrite."
        )
    model.load_weights(checkpoint)
    return backup.history


def train(model, datasets, callbacks=None, **kwargs):
    """The one `model.fit` of the library: `train`, validated on `valid`.

    Args:
        model: a compiled model (`compile_model`).
        datasets: `{split: tf.data.Dataset}` with `train` (and `valid`).
        callbacks: list of `keras.callbacks.Callback`. Defaults to `None`.
        **kwargs: `model.fit`'s `epochs`, `initial_epoch`, `verbose`.

    Returns:
        The `keras.callbacks.History`.
    """
    return model.fit(
        datasets["train"],
        validation_data=datasets.get("valid"),
        callbacks=callbacks,
        # The dataset reshuffles itself every epoch.
        shuffle=False,
        **kwargs,
    )


def run_backup(config, run_dir, source=None, start_time=None):
    """The `RunBackup` of `fit`: `RUN_DIR/backup`, with the best checkpoint.

    `source` and `start_time` are `RunBackup`'s.
    """
    run = RunDirectory(run_dir)
    return RunBackup(
        run.backup_path,
        save_freq=config.training.backup_every_steps or "epoch",
        checkpoint=run.path / CHECKPOINT,
        source=source,
        start_time=start_time,
    )


def describe_resume(backup, epochs):
    """The line `fit` prints when it continues a backup."""
    where = backup.resumed_from[-1]
    origin = backup.source or backup.directory
    if backup.finished(epochs):
        return (
            f"Resuming from {origin}: training had ended after "
            f"{len(backup.history.get('loss', []))} epochs; nothing to train."
        )
    after = (
        f" (from the weights after its batch {where['step']})"
        if where["step"]
        else ""
    )
    return (
        f"Resuming from {origin}: {where['epoch']} epochs done, "
        f"continuing with epoch {where['epoch'] + 1}/{epochs}{after}."
    )


def evaluate(translator, splits, datasets, config, batch_size=256, verbose=0):
    """Stage 6: token accuracy, exact match, BLEU and chrF per held-out split.

    Token accuracy is teacher-forced; the translations are scored by
    `TranslationScorer.evaluate` (lowercased with `lowercase_target`).

    Args:
        translator: a `Translator` of the trained `EncoderDecoder`.
        splits: a `CorpusSplits` (or any `{split: (sources, targets)}`).
        datasets: `{split: tf.data.Dataset}` from `build_datasets`.
        config: a `Config`.
        batch_size: int. Sentences per translation batch. Defaults to
            `256`.
        verbose: Keras verbosity of `model.evaluate`. Defaults to `0`.

    Returns:
        `{split: {"loss", "token_accuracy", **TranslationScorer.score}}`
        for `valid` and `test` when present; a split read from a list of
        files also has `"files"`: `{file name: TranslationScorer.score}`.
    """
    model = translator.model
    scorer = TranslationScorer(lowercase=config.data.lowercase_target)
    metrics = {}
    for name in ("valid", "test"):
        if name not in splits:
            continue
        results = model.evaluate(
            datasets[name], verbose=verbose, return_dict=True
        )
        sources, targets = splits[name]
        translations, scores = scorer.evaluate(
            translator.translate, sources, targets, batch_size
        )
        metrics[name] = {
            "loss": round(results["loss"], 4),
            "token_accuracy": round(results["accuracy"], 4),
            **scores,
        }
        files = (
            splits.by_file(name, list(zip(translations, targets)))
            if isinstance(splits, CorpusSplits)
            else None
        )
        if files:
            # A mixed split's mean hides which domain suffers.
            metrics[name]["files"] = {
                file: scorer.score(*zip(*pairs))
                for file, pairs in files.items()
            }
    return metrics
