import keras
import keras_tuner
import numpy as np
import pytest

from keras_attention.callbacks.time_budget import TimeBudget
from keras_attention.tuning.config_hyper_model import ConfigHyperModel
from keras_attention.tuning.validation_bleu import ValidationBleu


def trial_hp(hypermodel, **values):
    hp = keras_tuner.HyperParameters()
    hypermodel.declare_hyperparameters(hp)
    hp.values.update(values)
    return hp


def test_config_for_only_replaces_searched_fields(tiny_run):
    hypermodel = ConfigHyperModel(tiny_run)
    hp = trial_hp(hypermodel, units=128, cell="lstm", learning_rate=0.003)
    config = hypermodel.config_for(hp)
    assert (config.model.units, config.model.cell) == (128, "lstm")
    assert config.training.learning_rate == 0.003
    expected = tiny_run.config.replace(**hypermodel.space.values(hp))
    assert config == expected
    # Data and training fields are the trainer's.
    assert config.data.num_pairs == tiny_run.config.data.num_pairs == 3000
    assert config.training.batch_size == tiny_run.config.training.batch_size


def test_build_is_the_trainer_builder(tiny_run):
    hypermodel = ConfigHyperModel(tiny_run)
    hp = trial_hp(
        hypermodel,
        units=64,
        embedding_dim=64,
        decoder="luong",
        bidirectional=True,
        score_mode="general",
        learning_rate=0.002,
    )
    model = hypermodel.build(hp)
    config = hypermodel.config_for(hp)
    keras.utils.set_random_seed(config.training.seed)
    reference = tiny_run.build_model(config)

    # Same configuration but for the auto-generated name.
    assert {**model.get_config(), "name": None} == {
        **reference.get_config(),
        "name": None,
    }
    assert model.count_params() == reference.count_params()
    for mine, theirs in zip(model.weights, reference.weights):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.002)


def test_callbacks_drop_the_checkpoint_and_put_bleu_first(tiny_run):
    hypermodel = ConfigHyperModel(tiny_run)
    callbacks = hypermodel.callbacks(tiny_run.config)
    kinds = [type(c) for c in callbacks]
    assert kinds == [
        keras.callbacks.TerminateOnNaN,
        keras.callbacks.EarlyStopping,
        TimeBudget,
    ]

    bleu = ConfigHyperModel(tiny_run, objective="val_bleu", bleu_sentences=30)
    callbacks = bleu.callbacks(tiny_run.config)
    assert isinstance(callbacks[0], ValidationBleu)
    assert len(callbacks[0].sources) == 30
    objective = bleu.keras_tuner_objective
    assert (objective.name, objective.direction) == ("val_bleu", "max")


def test_unknown_objective_is_refused(tiny_run):
    with pytest.raises(ValueError, match="objective must be one of"):
        ConfigHyperModel(tiny_run, objective="val_accuracy")
