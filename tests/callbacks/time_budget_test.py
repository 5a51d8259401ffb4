import contextlib
import io

import keras
import numpy as np
import pytest

from keras_attention.callbacks.progress_bar import ProgressBar
from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.config import Config
from keras_attention.task.trainer import Trainer


class _Clock:
    """A fake clock that a callback advances by one second per batch."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class _Tick(keras.callbacks.Callback):
    """Advances the clock 1 s a training batch, `validation` s an epoch."""

    def __init__(self, clock, validation=0.0):
        super().__init__()
        self.clock = clock
        self.validation = validation

    def on_train_batch_begin(self, batch, logs=None):
        self.clock.now += 1.0

    def on_test_batch_begin(self, batch, logs=None):
        self.clock.now += self.validation


def _tiny_model(optimizer="sgd"):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _fit(
    budget,
    epochs=3,
    batches_per_epoch=8,
    optimizer="sgd",
    validation=0.0,
    callbacks=(),
    verbose=0,
):
    x = np.zeros((8 * batches_per_epoch, 4), "float32")
    y = np.zeros((8 * batches_per_epoch, 1), "float32")
    model = _tiny_model(optimizer)
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        validation_data=(x[:8], y[:8]),
        callbacks=[_Tick(budget.clock, validation), budget, *callbacks],
        verbose=verbose,
    )
    return model, history


def test_stops_after_the_batch_that_spends_the_budget():
    clock = _Clock()
    budget = TimeBudget(11, clock=clock)
    model, history = _fit(budget)
    # 1 s a batch, 8 batches an epoch: batch 11 is batch 3 of epoch 2.
    assert budget.batches == 11
    assert int(model.optimizer.iterations) == 11
    assert (budget.stopped_epoch, budget.stopped_batch) == (1, 2)
    # The cut epoch is still validated, so checkpoints see it.
    assert len(history.history["val_loss"]) == 2


def test_time_before_fit_counts():
    clock = _Clock()
    clock.now = 100.0
    budget = TimeBudget(6, start_time=97.0, clock=clock)
    model, _ = _fit(budget)
    # 3 s were spent before fit (learning tokenizers): 3 batches remain.
    assert int(model.optimizer.iterations) == 3


def test_no_budget_runs_every_epoch():
    budget = TimeBudget(None, clock=_Clock())
    model, history = _fit(budget, epochs=2)
    assert int(model.optimizer.iterations) == 16
    assert budget.stopped_epoch is None


def test_the_progress_bar_ends_at_the_batch_where_training_stopped():
    # Regression: Keras' own bar printed "8/8" after a stop at batch 1.
    def output(callbacks):
        stream = io.StringIO()
        with contextlib.redirect_stdout(stream):
            _fit(
                TimeBudget(0, clock=_Clock()),
                epochs=2,
                callbacks=callbacks,
                verbose=2,
            )
        return stream.getvalue()

    assert "8/8" in output([])
    printed = output([ProgressBar()])
    assert "stopping after batch 1 of epoch 1" in printed
    assert "1/8 - " in printed
    assert "8/8" not in printed


def test_negative_budget_is_refused():
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        TimeBudget(-1)


# Slow (a real SentencePiece run, about 35 s); the callback's own tests
# above run by default.
@pytest.mark.slow
def test_trainer_budget_counts_tokenizer_learning(tmp_path):
    # A 1 ms budget is spent before the first batch (by learning the
    # tokenizers): the trainer stops after one batch, then validates,
    # restores the checkpoint and evaluates as usual.
    config = Config().replace(
        embedding_dim=8,
        units=8,
        num_pairs=600,
        batch_size=32,
        epochs=5,
        max_train_seconds=0.001,
        max_decode_length=8,
    )
    trainer = Trainer(config, tmp_path / "run", verbose=False)
    history = trainer.fit(verbose=0)
    assert int(trainer.model.optimizer.iterations) == 1
    assert len(history["val_loss"]) == 1
    assert (tmp_path / "run" / "best.weights.h5").exists()
    assert "bleu" in trainer.evaluate()["valid"]
