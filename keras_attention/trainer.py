"""Train an `EncoderDecoder` from a `Config` with `model.fit`."""

import time

import keras
import numpy as np
import tensorflow as tf

from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.parallel_tsv import read_parallel_tsv
from keras_attention.data.pipeline import make_dataset
from keras_attention.decoding.translator import Translator
from keras_attention.metrics.token_accuracy import TokenAccuracy
from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.run_directory import RunDirectory
from keras_attention.text.word_tokenizer import WordTokenizer


class Trainer:
    """Builds data, tokenizers and model from one `Config` and trains.

    The run directory (see `RunDirectory`) receives the best model, the
    vocabularies, the config, the history and the final metrics.

    Args:
        config: a `Config`.
        run_dir: str or path of the run directory.

    Example:

    ```python
    trainer = Trainer(Config(units=64), "runs/small")
    trainer.fit()
    print(trainer.evaluate())
    ```
    """

    def __init__(self, config, run_dir):
        self.config = config
        self.run = RunDirectory(run_dir)
        self.splits = self.load_corpus()

    def load_corpus(self):
        """Returns `{split: (sources, targets)}` for train, valid, test."""
        config = self.config
        if config.train is None:
            corpus = BundledCorpus(
                num_pairs=config.num_pairs, seed=config.corpus_seed
            )
            corpus.write(self.run.path / "data")
            return {
                name: (
                    [pair.source for pair in pairs],
                    [pair.target for pair in pairs],
                )
                for name, pairs in (
                    ("train", corpus.train),
                    ("valid", corpus.valid),
                    ("test", corpus.test),
                )
            }
        if config.valid is None:
            raise ValueError("A config with `train` needs `valid` too.")
        splits = {
            "train": read_parallel_tsv(config.train),
            "valid": read_parallel_tsv(config.valid),
        }
        if config.test is not None:
            splits["test"] = read_parallel_tsv(config.test)
        return splits

    def prepare(self):
        """Learns the vocabularies from the train split and builds datasets.

        Idempotent; `fit` and `build_model` call it.
        """
        if getattr(self, "data", None) is not None:
            return
        config = self.config
        sources, targets = self.splits["train"]
        self.source_tokenizer = WordTokenizer.from_texts(
            sources, lowercase=config.lowercase_source
        )
        self.target_tokenizer = WordTokenizer.from_texts(
            targets, lowercase=config.lowercase_target
        )
        self.data = {
            name: make_dataset(
                split_sources,
                split_targets,
                self.source_tokenizer,
                self.target_tokenizer,
                batch_size=config.batch_size,
                shuffle=name == "train",
                seed=config.seed,
            )
            for name, (split_sources, split_targets) in self.splits.items()
        }

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
        model.compile(
            optimizer=keras.optimizers.Adam(
                config.learning_rate, clipnorm=config.clipnorm
            ),
            loss=keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, reduction="mean_with_sample_weight"
            ),
            weighted_metrics=[TokenAccuracy()],
            jit_compile=config.jit_compile,
        )
        return model

    def callbacks(self, checkpoint):
        """EarlyStopping, best-epoch checkpoint, time budget, TensorBoard."""
        config = self.config
        callbacks = [
            keras.callbacks.EarlyStopping(
                monitor="val_loss",
                patience=config.patience,
                restore_best_weights=True,
            ),
            keras.callbacks.ModelCheckpoint(
                checkpoint,
                monitor="val_loss",
                save_best_only=True,
                save_weights_only=True,
            ),
            TimeBudget(config.max_train_seconds),
        ]
        if config.tensorboard:
            callbacks.append(
                keras.callbacks.TensorBoard(log_dir=self.run.path / "logs")
            )
        return callbacks

    def fit(self, verbose="auto"):
        """Trains, restores the best epoch and saves the run. Returns history."""
        config = self.config
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
            callbacks=self.callbacks(checkpoint),
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
        """Token accuracy and sentence exact match on every held-out split.

        Token accuracy is teacher-forced (mean over real target tokens);
        exact match compares greedy translations with the references after
        the same tokenization round trip.
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
                "sentences": len(sources),
            }
        self.run.save_json("metrics.json", metrics)
        return metrics


def translate_all(translator, sources, batch_size=256):
    """Translates a list of str in batches; returns a list of str."""
    outputs = []
    for start in range(0, len(sources), batch_size):
        batch = tf.constant(sources[start : start + batch_size])
        result = translator.translate(batch)["translation"].numpy()
        outputs.extend(t.decode("utf-8") for t in result)
    return outputs
