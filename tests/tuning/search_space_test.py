import keras_tuner
import pytest

from keras_attention.config import Config
from keras_attention.tuning.search_space import SearchSpace


def declared(space):
    hp = keras_tuner.HyperParameters()
    space.declare(hp)
    return {p.name: p for p in hp.space}


def test_default_space_covers_the_model_and_optimizer_fields():
    params = declared(SearchSpace())
    assert sorted(params) == sorted(
        [
            "embedding_dim",
            "units",
            "num_layers",
            "cell",
            "bidirectional",
            "dropout",
            "learning_rate",
            "decoder",
            "score_mode",
        ]
    )
    assert params["units"].values == [64, 128, 256]
    assert params["decoder"].values == ["seed", "luong"]
    learning_rate = params["learning_rate"]
    assert isinstance(learning_rate, keras_tuner.engine.hyperparameters.Float)
    assert (learning_rate.min_value, learning_rate.max_value) == (1e-4, 1e-2)
    assert learning_rate.sampling == "log"


def test_overrides_replace_defaults_field_by_field():
    space = SearchSpace(
        {
            "units": {"min": 16, "max": 48, "step": 16},
            "learning_rate": {"min": 1e-3, "max": 1e-2, "sampling": "log"},
            "decoder": ["luong"],
            "bidirectional": None,
        }
    )
    params = declared(space)
    units = params["units"]
    assert isinstance(units, keras_tuner.engine.hyperparameters.Int)
    assert (units.min_value, units.max_value, units.step) == (16, 48, 16)
    # A single-element list fixes the value.
    assert isinstance(
        params["decoder"], keras_tuner.engine.hyperparameters.Fixed
    )
    assert params["decoder"].value == "luong"
    # null takes the field out of the search.
    assert "bidirectional" not in params
    # Untouched fields keep their defaults.
    assert params["cell"].values == ["gru", "lstm"]


def test_values_are_config_fields_with_config_types():
    space = SearchSpace({"dropout": [0, 0.5], "bidirectional": [True]})
    hp = keras_tuner.HyperParameters()
    values = space.values(hp)
    # Defaults of a fresh HyperParameters: first choice, range minimum.
    assert values["dropout"] == 0.0 and isinstance(values["dropout"], float)
    assert values["bidirectional"] is True
    assert values["units"] == 64
    assert values["learning_rate"] == pytest.approx(1e-4)
    config = Config().replace(**values)
    assert config.model.units == 64 and config.model.bidirectional is True


def test_search_space_comes_from_the_config():
    config = Config().replace(search_space={"units": [8]})
    assert SearchSpace.from_config(config).ranges["units"] == [8]


def test_unknown_key_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['unit'\]"):
        SearchSpace({"unit": [64]})
    with pytest.raises(ValueError, match="Searchable Config fields"):
        SearchSpace({"batch_size": [32, 64]})
    # Section names work too.
    assert SearchSpace({"model.units": [8]}).ranges["units"] == [8]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"cell": ["gru", "rnn"]}, "'model.cell' must be one of"),
        ({"units": [64.5]}, "Config field 'model.units' expects"),
        ({"units": []}, "non-empty list"),
        ({"units": 64}, "single-element"),
        ({"cell": {"min": 1, "max": 2}}, "range of a numeric field"),
        ({"units": {"min": 64}}, r"min and max required"),
        ({"units": {"min": 64, "max": 32}}, "min > max"),
        ({"units": {"min": 16, "max": 64, "stride": 16}}, "a range has"),
        ({"learning_rate": {"min": "1e-4", "max": 0.01}}, "write 1.0e-4"),
        ({"units": {"min": 16.0, "max": 64}}, "'model.units' expects int"),
        ({"dropout": {"min": 0.0, "max": 0.5, "sampling": "log"}}, "min > 0"),
        ({"units": [32, 32]}, "duplicate"),
    ],
)
def test_invalid_ranges_are_refused_early(overrides, message):
    with pytest.raises(ValueError, match=message):
        SearchSpace(overrides)


def test_cast_restores_config_types():
    space = SearchSpace()
    # What Keras Tuner stores for a bool Choice and an int-looking float.
    values = {"bidirectional": 1, "dropout": 0, "units": 64, "tuner/epochs": 3}
    cast = space.cast(values)
    assert cast == {"bidirectional": True, "dropout": 0.0, "units": 64}
    assert cast["bidirectional"] is True
    assert isinstance(cast["dropout"], float)
