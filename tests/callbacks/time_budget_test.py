import contextlib
import io

import keras
import numpy as np
import pytest

from keras_attention.callbacks.progress_bar import ProgressBar
from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.config import Config
from keras_attention.optimizers.horizon_cosine_decay import HorizonCosineDecay
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


class _Horizons(keras.callbacks.Callback):
    """Records the schedule's horizon after every training batch."""

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(self.schedule.decay_steps)


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


def test_the_schedule_horizon_becomes_the_steps_the_budget_allows():
    # 1 s a batch and no validation time: 100 s allow 100 steps, not the
    # 240 of 30 epochs of 8 batches.
    schedule = HorizonCosineDecay(0.01, decay_steps=240)
    budget = TimeBudget(100, clock=_Clock(), set_horizon=True)
    horizons = _Horizons(schedule)
    model, _ = _fit(
        budget,
        epochs=30,
        optimizer=keras.optimizers.SGD(schedule),
        callbacks=[horizons],
    )
    assert int(model.optimizer.iterations) == 100
    # Measured over batches 11-60, set after batch 60: 60 + 40 s * 1/s.
    assert horizons.seen[57:60] == [240, 240, 100]
    assert budget.horizon == schedule.decay_steps == 100
    # The last step ran at the end of the cosine.
    np.testing.assert_allclose(float(schedule(99)), 0.0, atol=1e-5)


def test_validation_time_lowers_the_horizon_at_epoch_ends():
    # 8 s of validation after every 8 batches: 16 s an epoch. Rate from
    # the end of batch 10 (clock 18, step 10). After batch 60 (clock 116,
    # validation not seen yet): 60 + ceil(84 * 50 / 98) = 103. After the
    # validation of epoch 8 (clock 128), at the rate of that epoch (8
    # steps in 16 s): 64 + 72 / 2 = 100. 200 s end after batch 104 (12
    # epochs, then 8 batches whose validation is past the budget).
    schedule = HorizonCosineDecay(0.01, decay_steps=240)
    budget = TimeBudget(200, clock=_Clock(), set_horizon=True)
    horizons = _Horizons(schedule)
    model, _ = _fit(
        budget,
        epochs=30,
        optimizer=keras.optimizers.SGD(schedule),
        validation=8.0,
        callbacks=[horizons],
    )
    assert int(model.optimizer.iterations) == 104
    assert horizons.seen[59] == 103
    assert horizons.seen[64] == 100
    assert budget.horizon == 100


def test_without_set_horizon_the_schedule_keeps_its_own():
    schedule = HorizonCosineDecay(0.01, decay_steps=240)
    budget = TimeBudget(100, clock=_Clock())
    _fit(budget, epochs=30, optimizer=keras.optimizers.SGD(schedule))
    assert schedule.decay_steps == 240
    assert budget.horizon is None


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
    config = Config(
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
