"""Train an `EncoderDecoder` from a `Config` with `model.fit`."""

import time

import keras

from keras_attention import stages
from keras_attention.data.corpus_report import describe_corpus_report
from keras_attention.data.corpus_report import summarize_corpus_report
from keras_attention.decoding.translator import Translator
from keras_attention.run_directory import RunDirectory


class Trainer:
    """Runs the training stages (`keras_attention.stages`) for one `Config`.

    `read_corpus` (at construction: the bundled corpus is written to
    `RUN_DIR/data/*.tsv`), then in `prepare` `learn_tokenizers` and
    `build_datasets` (the corpus report is printed and saved as
    `RUN_DIR/corpus.json`), then in `fit` `build_model` + `compile_model`
    and the `fit` stage, and `evaluate`. Each stage can be called alone;
    this class only wires them and keeps their results.

    The run directory (see `RunDirectory`) receives the best model, the
    tokenizers, the config, the history, the corpus report and the final
    metrics.

    Args:
        config: a `Config`.
        run_dir: str or path of the run directory.
        verbose: bool. Print the corpus report. Defaults to `True`.

    Attributes:
        splits: a `CorpusSplits`, `{split: (sources, targets)}` read on
            first access (`splits.readers` streams them).
        data: `{split: tf.data.Dataset}` after `prepare`.
        corpus_report: the dict saved as `corpus.json`, after `prepare`.
        source_tokenizer, target_tokenizer: after `prepare`.
        model, history, train_seconds: after `fit`.

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
        self.splits = stages.read_corpus(config, self.run.path / "data")

    @property
    def readers(self):
        """`{split: CorpusReader}`."""
        return self.splits.readers

    def prepare(self):
        """Learns the tokenizers from the train split and builds datasets.

        Idempotent; `fit` and `build_model` call it. Raises `CorpusError`
        (file, line, problem) on bad data unless `config.skip_bad_lines`.
        """
        if self.data is not None:
            return
        self.run.path.mkdir(parents=True, exist_ok=True)
        self.source_tokenizer, self.target_tokenizer = stages.learn_tokenizers(
            self.config, self.readers["train"], self.run.path
        )
        self.data, self.corpus_report = stages.build_datasets(
            self.config,
            self.splits,
            self.source_tokenizer,
            self.target_tokenizer,
        )
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
        model = stages.build_model(
            config, self.source_tokenizer, self.target_tokenizer
        )
        # Without a fixed cardinality (subword sampling): the estimate.
        steps_per_epoch = int(self.data["train"].cardinality())
        if steps_per_epoch < 0:
            steps_per_epoch = self.corpus_report["train"]["batches"]
        return stages.compile_model(
            model, config, steps_per_epoch=steps_per_epoch or None
        )

    def fit(self, verbose="auto", callbacks=None):
        """Trains, restores the best epoch, saves the run. Returns history.

        `callbacks` (list) run after the config's own (see `stages.fit`).
        """
        config = self.config
        # The budget counts learning the tokenizers.
        budget_start = time.monotonic()
        keras.utils.set_random_seed(config.seed)
        self.prepare()
        self.model = self.build_model()
        start = time.monotonic()
        self.history = stages.fit(
            self.model,
            self.data,
            config,
            self.run.path,
            callbacks=callbacks,
            verbose=verbose,
            start_time=budget_start,
            valid=self.splits["valid"],
            source_tokenizer=self.source_tokenizer,
            target_tokenizer=self.target_tokenizer,
        )
        self.train_seconds = time.monotonic() - start
        self.run.save(
            self.model, self.source_tokenizer, self.target_tokenizer, config
        )
        self.run.save_json("history.json", self.history)
        return self.history

    def translator(self):
        """A `Translator` of the trained model (the config's decoding)."""
        return Translator.from_config(
            self.model,
            self.source_tokenizer,
            self.target_tokenizer,
            self.config,
        )

    def evaluate(self, batch_size=256, verbose=0):
        """`stages.evaluate` on every held-out split; saves `metrics.json`.

        The corpus report's summary (`corpus`) and the training time are
        saved alongside.
        """
        metrics = {"train_seconds": round(self.train_seconds, 1)}
        metrics.update(
            stages.evaluate(
                self.model,
                self.source_tokenizer,
                self.target_tokenizer,
                self.splits,
                self.data,
                self.config,
                batch_size=batch_size,
                verbose=verbose,
            )
        )
        if self.corpus_report is not None:
            metrics["corpus"] = summarize_corpus_report(self.corpus_report)
        self.run.save_json("metrics.json", metrics)
        return metrics
