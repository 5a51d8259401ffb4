"""Shared fixtures: a tiny trained run that many tests can reuse."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from keras_attention.config import Config  # noqa: E402

TINY_CONFIG = Config(
    embedding_dim=16,
    units=32,
    num_pairs=3000,
    batch_size=64,
    epochs=2,
    learning_rate=0.005,
    max_decode_length=24,
)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A `Trainer` fitted for 2 epochs on 3,000 bundled pairs (seed decoder).

    Its run directory is `tiny_run.run.path`. Quality is low on purpose:
    tests that need it use it for shapes, files and equivalences.
    """
    from keras_attention.trainer import Trainer

    trainer = Trainer(TINY_CONFIG, tmp_path_factory.mktemp("tiny_run"))
    trainer.fit(verbose=0)
    return trainer
