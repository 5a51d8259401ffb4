import keras
import numpy as np
import pytest

from keras_attention.callbacks.checkpoint_averaging import CheckpointAveraging
from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.config import Config
from keras_attention.losses.label_smoothed_crossentropy import (
    LabelSmoothedCrossentropy,
)
from keras_attention.optimizers.horizon_cosine_decay import HorizonCosineDecay
from keras_attention.optimizers.inverse_square_root_decay import (
    InverseSquareRootDecay,
)
from keras_attention.task import stages
from keras_attention.training_options import TrainingOptions
from keras_attention.tuning.validation_bleu import ValidationBleu


def kinds(callbacks):
    return [type(callback).__name__ for callback in callbacks]


def test_defaults_keep_the_plain_recipe():
    options = TrainingOptions(Config())
    assert isinstance(
        options.loss(), keras.losses.SparseCategoricalCrossentropy
    )
    assert options.learning_rate() == 0.001
    callbacks = options.callbacks("best.weights.h5")
    assert kinds(callbacks) == [
        "EarlyStopping",
        "ModelCheckpoint",
        "TimeBudget",
    ]
    assert callbacks[0].monitor == callbacks[1].monitor == "val_loss"


def test_val_bleu_comes_first_and_is_maximised():
    options = TrainingOptions(
        Config(early_stopping_metric="val_bleu", average_checkpoints=3)
    )
    callbacks = options.callbacks(
        "best.weights.h5",
        valid=(["a b"], ["c d"]),
        source_tokenizer=object(),
        target_tokenizer=object(),
    )
    assert kinds(callbacks) == [
        "ValidationBleu",
        "EarlyStopping",
        "CheckpointAveraging",
        "TimeBudget",
    ]
    assert isinstance(callbacks[0], ValidationBleu)
    assert callbacks[0].sources == ["a b"]  # the whole split, no sample
    assert (callbacks[1].monitor, callbacks[1].mode) == ("val_bleu", "max")
    assert isinstance(callbacks[2], CheckpointAveraging)
    assert (callbacks[2].last, callbacks[2].mode) == (3, "max")
    assert isinstance(callbacks[3], TimeBudget)
    with pytest.raises(ValueError, match="needs the validation sentences"):
        options.callbacks("best.weights.h5")


def test_schedules():
    config = Config(learning_rate=0.002, epochs=10, warmup_steps=100)
    rate = TrainingOptions(
        config.replace(learning_rate_schedule="inverse_sqrt")
    ).learning_rate()
    assert isinstance(rate, InverseSquareRootDecay)
    np.testing.assert_allclose(float(rate(399)), 0.001, rtol=1e-6)
    cosine = TrainingOptions(
        config.replace(learning_rate_schedule="cosine")
    ).learning_rate(steps_per_epoch=110)
    # 100 warmup steps to 0.002, then half a cosine over 1,000 steps.
    np.testing.assert_allclose(float(cosine(50)), 0.001, rtol=1e-5)
    np.testing.assert_allclose(float(cosine(100)), 0.002, rtol=1e-5)
    np.testing.assert_allclose(float(cosine(600)), 0.001, rtol=1e-5)
    np.testing.assert_allclose(float(cosine(1100)), 0.0, atol=1e-9)
    assert isinstance(cosine, HorizonCosineDecay)
    assert cosine.decay_steps == 1100
    # An explicit horizon needs no steps_per_epoch and stays put.
    explicit = config.replace(learning_rate_schedule="cosine", decay_steps=300)
    rate = TrainingOptions(explicit).learning_rate()
    assert rate.decay_steps == 300
    np.testing.assert_allclose(float(rate(200)), 0.001, rtol=1e-5)
    with pytest.raises(ValueError, match="needs the number of training"):
        TrainingOptions(
            config.replace(learning_rate_schedule="cosine")
        ).learning_rate()
    [budget] = TrainingOptions(explicit).callbacks(None)[-1:]
    assert budget.set_horizon is False
    [budget] = TrainingOptions(config).callbacks(None)[-1:]
    assert budget.set_horizon is True
    plateau = TrainingOptions(config.replace(learning_rate_schedule="plateau"))
    assert plateau.learning_rate() == 0.002
    reduce = plateau.callbacks("best.weights.h5")[2]
    assert isinstance(reduce, keras.callbacks.ReduceLROnPlateau)
    assert (reduce.factor, reduce.patience) == (0.5, 1)


def test_label_smoothing_picks_the_smoothed_loss():
    loss = TrainingOptions(Config(label_smoothing=0.1)).loss()
    assert isinstance(loss, LabelSmoothedCrossentropy)
    assert loss.label_smoothing == 0.1


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(label_smoothing=1.0), "'label_smoothing' must be in"),
        (dict(word_dropout=-0.1), "'word_dropout' must be in"),
        (dict(input_feeding=True), "'input_feeding' needs decoder: luong"),
        (dict(learning_rate_schedule="step"), "must be one of"),
        (
            dict(learning_rate_schedule="inverse_sqrt"),
            "'warmup_steps' must be >= 1 with learning_rate_schedule",
        ),
        (dict(early_stopping_metric="bleu"), "must be one of"),
        (dict(average_checkpoints=0), "'average_checkpoints' must be >= 1"),
    ],
)
def test_config_checks(changes, message):
    with pytest.raises(ValueError, match=message):
        Config(**changes)


def test_the_trainer_compiles_with_the_options(tiny_run):
    config = tiny_run.config.replace(
        label_smoothing=0.1, learning_rate_schedule="cosine", epochs=4
    )
    model = tiny_run.build_model(config)
    assert isinstance(model.loss, LabelSmoothedCrossentropy)
    schedule = model.optimizer._learning_rate
    steps = int(tiny_run.data["train"].cardinality())
    assert schedule.decay_steps == 4 * steps > 0
    callbacks = stages.make_callbacks(config, "best.weights.h5")
    assert kinds(callbacks)[:3] == [
        "TerminateOnNaN",
        "EarlyStopping",
        "ModelCheckpoint",
    ]


@pytest.mark.slow
def test_a_run_with_every_option_trains_and_reloads(tmp_path):
    from keras_attention.task.trainer import Trainer

    config = Config(
        embedding_dim=16,
        units=16,
        num_pairs=300,
        batch_size=32,
        epochs=2,
        learning_rate=0.01,
        max_decode_length=16,
        decoder="luong",
        tie_embeddings=True,
        word_dropout=0.1,
        label_smoothing=0.1,
        learning_rate_schedule="inverse_sqrt",
        warmup_steps=10,
        early_stopping_metric="val_bleu",
        average_checkpoints=2,
    )
    trainer = Trainer(config, tmp_path / "run", verbose=False)
    history = trainer.fit(verbose=0)
    assert len(history["val_bleu"]) == 2
    assert all(0.0 <= b <= 100.0 for b in history["val_bleu"])
    assert history["loss"][-1] < history["loss"][0]
    model, _, _, loaded = stages.load_run(trainer.run.path)
    assert loaded == config
    assert model.get_config()["tie_embeddings"] is True
    np.testing.assert_array_equal(
        model.target_embedding.embeddings,
        trainer.model.target_embedding.embeddings,
    )
