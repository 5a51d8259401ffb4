"""Train an `EncoderDecoder` from a `Config` with `model.fit`."""

import collections.abc
import time
import unicodedata

import keras
import numpy as np
import sacrebleu
import tensorflow as tf

from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.corpus_reader import CorpusReader
from keras_attention.data.length_policy import LengthPolicy
from keras_attention.data.pipeline import count_batches
from keras_attention.data.pipeline import make_dataset
from keras_attention.data.pipeline import make_streaming_dataset
from keras_attention.data.pipeline import padding_fraction
from keras_attention.data.tsv_reader import TsvReader
from keras_attention.decoding.translator import Translator
from keras_attention.metrics.token_accuracy import TokenAccuracy
from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.run_directory import RunDirectory
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.word_tokenizer import WordTokenizer
from keras_attention.training_options import TrainingOptions
from keras_attention.usage_error import UsageError

# SentencePiece vocabulary size when the config leaves it open.
DEFAULT_SENTENCEPIECE_VOCABULARY = 8000
# Training batches sampled to report the padding fraction.
PADDING_SAMPLE_BATCHES = 1000


class Trainer:
    """Builds data, tokenizers and model from one `Config` and trains.

    Every corpus is read by a `CorpusReader` (`CorpusReader.from_config`;
    the bundled corpus is first written to `RUN_DIR/data/*.tsv`). The
    training split is streamed: the tokenizers are learned from a pass
    over the file, a second pass measures what the `LengthPolicy` drops or
    truncates (and surfaces bad data before training starts), and
    `tf.data` re-reads the file every epoch. `prepare` prints and saves
    (`RUN_DIR/corpus.json`) what was read: pairs, bad lines skipped,
    pairs dropped or truncated, and the padding fraction of training
    batches without and with length bucketing.

    The run directory (see `RunDirectory`) receives the best model, the
    tokenizers, the config, the history, the corpus report and the final
    metrics.

    Args:
        config: a `Config`.
        run_dir: str or path of the run directory.
        verbose: bool. Print the corpus report. Defaults to `True`.

    Attributes:
        splits: mapping `{split: (sources, targets)}` of lists, read from
            the files on first access (the training split is never read
            into memory unless asked for).
        readers: `{split: CorpusReader}`.
        data: `{split: tf.data.Dataset}` after `prepare`.
        corpus_report: the dict saved as `corpus.json`, after `prepare`.

    Example:

    ```python
    trainer = Trainer(Config(units=64), "runs/small")
    trainer.fit()
    print(trainer.evaluate())
    ```
    """

    def __init__(self, config, run_dir, verbose=True):
        self.config = config
        self.run = RunDirectory(run_dir)
        self.verbose = verbose
        self.data = None
        self.corpus_report = None
        self.readers = self.corpus_readers()
        self.splits = _Splits(self.readers)

    def corpus_readers(self):
        """Returns `{split: CorpusReader}` for train, valid and test."""
        config = self.config
        if config.train is None:
            corpus = BundledCorpus(
                num_pairs=config.num_pairs, seed=config.corpus_seed
            )
            paths = corpus.write(self.run.path / "data")
            return {name: TsvReader(path) for name, path in paths.items()}
        if config.valid is None:
            raise ValueError("A config with `train` needs `valid` too.")
        names = ["train", "valid"] + (["test"] if config.test else [])
        return {name: CorpusReader.from_config(config, name) for name in names}

    def load_corpus(self):
        """Returns `{split: (sources, targets)}` lists for every split."""
        return {name: self.splits[name] for name in self.splits}

    def learn_tokenizer(self, side, texts):
        """Learns the `side` ("source"/"target") tokenizer from `texts`."""
        config = self.config
        lowercase = getattr(config, f"lowercase_{side}")
        size = getattr(config, f"{side}_vocabulary_size")
        if config.tokenizer == "word":
            return WordTokenizer.from_texts(
                texts,
                lowercase=lowercase,
                max_size=size,
                normalization=config.normalization,
            )
        try:
            return SentencePieceTokenizer.from_texts(
                texts,
                vocabulary_size=size or DEFAULT_SENTENCEPIECE_VOCABULARY,
                model_path=self.run.sentencepiece_model_path(side),
                model_type=config.sentencepiece_model_type,
                lowercase=lowercase,
                normalization=config.normalization,
                seed=config.seed,
            )
        except ValueError as error:
            if "is too small" not in str(error):
                raise
            raise UsageError(f"{side}_vocabulary_size: {error}") from None

    def prepare(self):
        """Learns the tokenizers from the train split and builds datasets.

        Idempotent; `fit` and `build_model` call it. Raises `CorpusError`
        (file, line, problem) on bad data unless `config.skip_bad_lines`.
        """
        if self.data is not None:
            return
        config = self.config
        self.run.path.mkdir(parents=True, exist_ok=True)
        train = self.readers["train"]
        self.source_tokenizer = self.learn_tokenizer(
            "source", (source for source, _ in train)
        )
        self.target_tokenizer = self.learn_tokenizer(
            "target", (target for _, target in train)
        )
        policy = LengthPolicy(
            config.max_source_tokens,
            config.max_target_tokens,
            config.length_policy,
        )
        lengths, self._train_lengths = policy.measure(
            train,
            self.source_tokenizer,
            self.target_tokenizer,
            return_lengths=True,
        )
        report = {"train": {**train.report(), "lengths": lengths}}
        data = {
            "train": self._train_dataset(
                policy,
                config.bucket_by_length,
                # A corpus that fits the shuffle buffer is held by it anyway.
                cache=lengths["pairs"] <= config.shuffle_buffer_size,
            )
        }
        for name in self.readers:
            if name == "train":
                continue
            sources, targets = self.splits[name]
            report[name] = self.readers[name].report()
            data[name] = make_dataset(
                sources,
                targets,
                self.source_tokenizer,
                self.target_tokenizer,
                batch_size=config.batch_size,
            )
        unbucketed = self._train_dataset(policy, bucket_by_length=False)
        report["padding"] = {
            "without_bucketing": padding_fraction(
                unbucketed, PADDING_SAMPLE_BATCHES
            ),
            "with_bucketing": padding_fraction(
                self._train_dataset(policy, bucket_by_length=True),
                PADDING_SAMPLE_BATCHES,
            ),
            "bucket_by_length": config.bucket_by_length,
        }
        report["tokenizer"] = {
            "type": config.tokenizer,
            "source_vocabulary_size": self.source_tokenizer.vocabulary_size,
            "target_vocabulary_size": self.target_tokenizer.vocabulary_size,
        }
        self.data = data
        self.corpus_report = report
        self.run.save_json("corpus.json", report)
        if self.verbose:
            print(describe_corpus_report(report))

    def _train_dataset(self, policy, bucket_by_length, cache=False):
        config = self.config
        return make_streaming_dataset(
            self.readers["train"],
            self.source_tokenizer,
            self.target_tokenizer,
            batch_size=config.batch_size,
            shuffle=True,
            seed=config.seed,
            length_policy=policy,
            bucket_by_length=bucket_by_length,
            shuffle_buffer_size=config.shuffle_buffer_size,
            # XLA compiles once per shape: keep the batch dimension fixed.
            pad_batches=config.jit_compile,
            cache=cache,
            num_batches=count_batches(
                self._train_lengths,
                config.batch_size,
                bucket_by_length=bucket_by_length,
            ),
        )

    def build_model(self, config=None):
        """A compiled `EncoderDecoder` for `config` (default: the trainer's).

        Keras Tuner trials pass their own config: only model and optimizer
        fields may differ, the data and vocabularies are shared.
        """
        config = config or self.config
        self.prepare()
        model = EncoderDecoder(
            self.source_tokenizer.vocabulary_size,
            self.target_tokenizer.vocabulary_size,
            **config.model_kwargs(),
        )
        options = TrainingOptions(config)
        steps_per_epoch = int(self.data["train"].cardinality())
        model.compile(
            optimizer=options.optimizer(max(steps_per_epoch, 0) or None),
            loss=options.loss(),
            weighted_metrics=[TokenAccuracy()],
            jit_compile=config.jit_compile,
        )
        return model

    def callbacks(self, checkpoint, start_time=None):
        """Early stopping, best checkpoint, time budget, TensorBoard.

        `start_time` (`time.monotonic()`) is when the time budget started;
        `None`: when `model.fit` starts. See `TrainingOptions.callbacks`.
        """
        return TrainingOptions(self.config).callbacks(
            checkpoint,
            valid=self.splits["valid"],
            source_tokenizer=self.source_tokenizer,
            target_tokenizer=self.target_tokenizer,
            log_dir=self.run.path / "logs",
            start_time=start_time,
        )

    def fit(self, verbose="auto"):
        """Trains, restores the best epoch, saves the run. Returns history."""
        config = self.config
        # The budget counts learning the tokenizers.
        budget_start = time.monotonic()
        keras.utils.set_random_seed(config.seed)
        self.prepare()
        self.model = self.build_model()
        self.run.path.mkdir(parents=True, exist_ok=True)
        checkpoint = self.run.path / "best.weights.h5"
        start = time.monotonic()
        history = self.model.fit(
            self.data["train"],
            validation_data=self.data["valid"],
            epochs=config.epochs,
            callbacks=self.callbacks(checkpoint, budget_start),
            # The dataset reshuffles itself every epoch.
            shuffle=False,
            verbose=verbose,
        )
        self.train_seconds = time.monotonic() - start
        # EarlyStopping restores only when it stops; the budget may stop first.
        self.model.load_weights(checkpoint)
        self.history = {
            k: [float(v) for v in vs] for k, vs in history.history.items()
        }
        self.run.save(
            self.model, self.source_tokenizer, self.target_tokenizer, config
        )
        self.run.save_json("history.json", self.history)
        return self.history

    def translator(self):
        return Translator(
            self.model,
            self.source_tokenizer,
            self.target_tokenizer,
            max_decode_length=self.config.max_decode_length,
        )

    def evaluate(self, batch_size=256, verbose=0):
        """Token accuracy, exact match, BLEU and chrF on every held-out split.

        Token accuracy is teacher-forced (mean over real target tokens);
        exact match compares greedy translations with the references after
        the same tokenization round trip; `bleu` and `chrf` are sacreBLEU's
        `corpus_bleu`/`corpus_chrf` of the greedy translations against the
        references as read (NFC; lowercased if the target is). The corpus
        report's summary (`corpus`) is saved alongside.
        """
        translator = self.translator()
        metrics = {"train_seconds": round(self.train_seconds, 1)}
        for name in ("valid", "test"):
            if name not in self.splits:
                continue
            results = self.model.evaluate(
                self.data[name], verbose=verbose, return_dict=True
            )
            sources, targets = self.splits[name]
            hypotheses = translate_all(translator, sources, batch_size)
            references = [
                t.decode("utf-8")
                for t in self.target_tokenizer.detokenize(
                    self.target_tokenizer.tokenize(tf.constant(targets))
                ).numpy()
            ]
            exact = np.mean([h == r for h, r in zip(hypotheses, references)])
            metrics[name] = {
                "loss": round(results["loss"], 4),
                "token_accuracy": round(results["accuracy"], 4),
                "exact_match": round(float(exact), 4),
                **self._sacrebleu(hypotheses, targets),
                "sentences": len(sources),
            }
        if self.corpus_report is not None:
            metrics["corpus"] = summarize_corpus_report(self.corpus_report)
        self.run.save_json("metrics.json", metrics)
        return metrics

    def _sacrebleu(self, hypotheses, targets):
        references = [unicodedata.normalize("NFC", t) for t in targets]
        if self.config.lowercase_target:
            references = [r.lower() for r in references]
            hypotheses = [h.lower() for h in hypotheses]
        return {
            "bleu": round(
                sacrebleu.corpus_bleu(hypotheses, [references]).score, 2
            ),
            "chrf": round(
                sacrebleu.corpus_chrf(hypotheses, [references]).score, 2
            ),
        }


def translate_all(translator, sources, batch_size=256):
    """Translates a list of str in batches; returns a list of str."""
    outputs = []
    for start in range(0, len(sources), batch_size):
        batch = tf.constant(sources[start : start + batch_size])
        result = translator.translate(batch)["translation"].numpy()
        outputs.extend(t.decode("utf-8") for t in result)
    return outputs


def summarize_corpus_report(report):
    """The headline numbers of a `Trainer.corpus_report` (flat dict)."""
    train = report["train"]
    lengths = train["lengths"]
    padding = report["padding"]
    return {
        "train_pairs_read": train["pairs"],
        "train_pairs_used": lengths["kept"],
        "skipped_lines": {
            name: split["skipped_lines"]
            for name, split in report.items()
            if isinstance(split, dict) and "skipped_lines" in split
        },
        "length_policy": lengths["policy"],
        "dropped": lengths["dropped"],
        "truncated": lengths["truncated"],
        "padding_without_bucketing": padding["without_bucketing"]["fraction"],
        "padding_with_bucketing": padding["with_bucketing"]["fraction"],
    }


def describe_corpus_report(report):
    """The corpus report as the lines `Trainer.prepare` prints."""
    train = report["train"]
    lengths = train["lengths"]
    caps = f"{lengths['max_source_tokens']}/{lengths['max_target_tokens']}"
    lines = [
        "Corpus: "
        + ", ".join(
            f"{name} {split['pairs']} pairs"
            for name, split in report.items()
            if isinstance(split, dict) and "pairs" in split
        )
        + f" ({train['format']}: {', '.join(train['files'])})"
    ]
    for name, split in report.items():
        if isinstance(split, dict) and split.get("skipped_lines"):
            lines.append(
                f"  {name}: skipped {split['skipped_lines']} bad lines "
                f"(--skip-bad-lines), e.g. {split['problems'][0]}"
            )
    if lengths["policy"] == "drop":
        change = f"dropped {lengths['dropped']} pairs"
    else:
        change = (
            f"truncated {lengths['truncated']} pairs "
            f"({lengths['cut_targets']} targets cut, trained without [END]), "
            f"dropped {lengths['dropped']} that could not be cut consistently"
        )
    lines.append(
        f"  length policy {lengths['policy']} at {caps} source/target "
        f"tokens: {change} ({lengths['long_sources']} long sources, "
        f"{lengths['long_targets']} long targets); training on "
        f"{lengths['kept']} pairs"
    )
    padding = report["padding"]
    before = padding["without_bucketing"]
    after = padding["with_bucketing"]
    lines.append(
        f"  padding: {before['fraction']:.1%} of token positions without "
        f"length bucketing, {after['fraction']:.1%} with "
        f"({before['batches']} and {after['batches']} batches measured)"
    )
    tokenizer = report["tokenizer"]
    lines.append(
        f"  tokenizer {tokenizer['type']}: vocabularies "
        f"{tokenizer['source_vocabulary_size']} source, "
        f"{tokenizer['target_vocabulary_size']} target"
    )
    return "\n".join(lines)


class _Splits(collections.abc.Mapping):
    """`{split: (sources, targets)}`, each read from its reader on first use."""

    def __init__(self, readers):
        self._readers = readers
        self._loaded = {}

    def __getitem__(self, name):
        if name not in self._loaded:
            self._loaded[name] = self._readers[name].read()
        return self._loaded[name]

    def __iter__(self):
        return iter(self._readers)

    def __len__(self):
        return len(self._readers)
