"""`fit` and `predict` on the backend of `KERAS_BACKEND`.

`make test-backends` runs this module under JAX and PyTorch; the default
suite under TensorFlow. The data is the project's `tf.data` pipeline
whatever the backend.
"""

import json
import pathlib
import re

import keras
import numpy as np
import pytest

from keras_attention.config import Config
from keras_attention.data.batching import Batching
from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.pipeline import make_dataset
from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.text.word_tokenizer import WordTokenizer

README = pathlib.Path(__file__).parents[2] / "README.md"


def readme_model():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)
    [snippet] = [b for b in blocks if "DotAttention()" in b]
    namespace = {}
    exec(snippet, namespace)
    return namespace["model"]


def test_readme_dot_attention_model_fits_and_predicts():
    keras.utils.set_random_seed(0)
    model = readme_model()
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(0)
    sources = rng.integers(1, 1000, size=(32, 6)).astype("int32")
    targets = rng.integers(1, 1000, size=(32, 5)).astype("int32")
    history = model.fit(
        [sources, targets[:, :-1]], targets[:, 1:], epochs=8, verbose=0
    )
    assert history.history["loss"][-1] < 0.8 * history.history["loss"][0]
    logits = model.predict(
        [np.array([[4, 5, 6, 0]]), np.array([[1, 7, 8]])], verbose=0
    )
    assert logits.shape == (1, 3, 1000)
    assert not np.isnan(logits).any()


@pytest.fixture(scope="module")
def pipeline():
    corpus = BundledCorpus(200, seed=2)
    sources = [p.source for p in corpus.train]
    targets = [p.target for p in corpus.train]
    source_tokenizer = WordTokenizer.from_texts(sources)
    target_tokenizer = WordTokenizer.from_texts(targets)
    dataset = make_dataset(
        sources,
        targets,
        source_tokenizer,
        target_tokenizer,
        # Few shapes: JAX compiles the train step once per shape.
        Batching(batch_size=32, shuffle=True, seed=0, pad_to_multiple=16),
    )
    return source_tokenizer, target_tokenizer, dataset


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(decoder="seed"),
        dict(decoder="luong", cell="lstm", bidirectional=True, num_layers=2),
        dict(decoder="luong", input_feeding=True),
    ],
    ids=["seed_gru", "luong_lstm_2_bidirectional", "luong_input_feeding"],
)
def test_encoder_decoder_fits_from_the_pipeline_and_predicts(pipeline, kwargs):
    source_tokenizer, target_tokenizer, dataset = pipeline
    keras.utils.set_random_seed(0)
    model = EncoderDecoder(
        source_tokenizer.vocabulary_size,
        target_tokenizer.vocabulary_size,
        embedding_dim=16,
        units=32,
        **kwargs,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"
        ),
    )
    history = model.fit(dataset, epochs=3, verbose=0)
    loss = history.history["loss"]
    assert loss[-1] < 0.8 * loss[0]
    inputs, _, _ = next(iter(dataset))
    inputs = {k: v.numpy() for k, v in inputs.items()}
    logits = model.predict(inputs, verbose=0)
    assert logits.shape == (
        *inputs["decoder_token_ids"].shape,
        target_tokenizer.vocabulary_size,
    )
    assert np.isfinite(logits).all()


class StopAt(keras.callbacks.Callback):
    """Raises in the given epoch's given batch: an interrupted run."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.stop_epoch, self.stop_batch, self.epoch = epoch, batch, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == (self.stop_epoch, self.stop_batch):
            raise KeyboardInterrupt("interrupted")


def test_trainer_resumes_and_evaluates_on_this_backend(tmp_path):
    from keras_attention.task.trainer import Trainer

    config = Config().replace(
        embedding_dim=16,
        units=16,
        num_pairs=300,
        batch_size=32,
        epochs=3,
        learning_rate=0.01,
        pad_to_multiple=16,
        bucket_by_length=False,
        backup_every_steps=3,
        max_decode_length=12,
        backend=keras.backend.backend(),
    )
    run_dir = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        Trainer(config, run_dir, verbose=False).fit(
            verbose=0, callbacks=[StopAt(1, 4)]
        )
    trainer = Trainer(config, run_dir, verbose=False)
    history = trainer.fit(verbose=0)
    assert len(history["loss"]) == 3
    assert history["loss"][-1] < history["loss"][0]
    training = json.loads((run_dir / "training.json").read_text())
    assert training["resumed_from"]
    # On JAX and PyTorch: scored by a TensorFlow subprocess.
    metrics = trainer.evaluate()
    assert metrics["valid"]["sentences"] == 15
    assert 0 <= metrics["valid"]["bleu"] <= 100
    assert metrics["train_seconds"] == training["train_seconds"]
    # On JAX and PyTorch: exported by a TensorFlow subprocess.
    path = trainer.export(tmp_path / "export", "tiny")
    assert path == tmp_path / "export" / "tiny" / "1"
    assert (path / "saved_model.pb").exists()


def test_time_budget_stops_after_the_first_batch_on_this_backend(tmp_path):
    from keras_attention.task.trainer import Trainer

    config = Config().replace(
        embedding_dim=8,
        units=8,
        num_pairs=200,
        batch_size=32,
        epochs=5,
        pad_to_multiple=16,
        max_train_seconds=0,
        backend=keras.backend.backend(),
    )
    trainer = Trainer(config, tmp_path / "run", verbose=False)
    history = trainer.fit(verbose=0)
    assert len(history["loss"]) == 1
    assert (tmp_path / "run" / "model.keras").exists()
