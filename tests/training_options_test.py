import keras
import numpy as np
import pytest

from keras_attention.config import Config
from keras_attention.losses.label_smoothed_crossentropy import (
    LabelSmoothedCrossentropy,
)
from keras_attention.task import stages
from keras_attention.training_options import TrainingOptions


def kinds(callbacks):
    return [type(callback).__name__ for callback in callbacks]


def test_defaults_keep_the_plain_recipe():
    options = TrainingOptions(Config().training)
    assert isinstance(
        options.loss(), keras.losses.SparseCategoricalCrossentropy
    )
    optimizer = options.optimizer()
    assert float(optimizer.learning_rate) == pytest.approx(0.001)
    assert optimizer.clipnorm == 1.0
    callbacks = options.callbacks("best.weights.h5")
    assert kinds(callbacks) == [
        "EarlyStopping",
        "ModelCheckpoint",
        "TimeBudget",
    ]
    assert callbacks[0].monitor == callbacks[1].monitor == "val_loss"


def test_label_smoothing_picks_the_smoothed_loss():
    loss = TrainingOptions(
        Config().replace(label_smoothing=0.1).training
    ).loss()
    assert isinstance(loss, LabelSmoothedCrossentropy)
    assert loss.label_smoothing == 0.1


def test_the_trainer_compiles_with_the_options(tiny_run):
    config = tiny_run.config.replace(label_smoothing=0.1, epochs=4)
    model = tiny_run.build_model(config)
    assert isinstance(model.loss, LabelSmoothedCrossentropy)
    callbacks = stages.make_callbacks(config, "best.weights.h5")
    assert kinds(callbacks)[:3] == [
        "TerminateOnNaN",
        "EarlyStopping",
        "ModelCheckpoint",
    ]


@pytest.mark.slow
def test_a_run_with_every_option_trains_and_reloads(tmp_path):
    from keras_attention.task.trainer import Trainer

    config = Config().replace(
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
    )
    trainer = Trainer(config, tmp_path / "run", verbose=False)
    history = trainer.fit(verbose=0)
    assert len(history["val_loss"]) == 2
    assert history["loss"][-1] < history["loss"][0]
    model, _, _, loaded = stages.load_run(trainer.run.path)
    assert loaded == config
    assert model.get_config()["tie_embeddings"] is True
    np.testing.assert_array_equal(
        model.target_embedding.embeddings,
        trainer.model.target_embedding.embeddings,
    )
