"""The Keras Tuner search space over `Config` fields."""

import dataclasses

from keras_attention.config import Config
from keras_attention.config import ModelConfig
from keras_attention.usage_error import UsageError

RANGE_KEYS = ("min", "max", "step", "sampling")
SAMPLINGS = ("linear", "log", "reverse_log")
# Trials share the data and batches: only the model and optimizer vary.
SEARCHABLE = (
    *(field.name for field in dataclasses.fields(ModelConfig)),
    "learning_rate",
    "clipnorm",
    "label_smoothing",
)


class SearchSpace:
    """Which `Config` fields a search varies, and over which values.

    Each hyperparameter is named after the field it sets (`units`), so a
    trial's values are its `config.replace(**values)`. Overrides replace
    `DEFAULTS` field by field: a list is a choice (one element fixes it),
    a `{min, max, step, sampling}` mapping a range of a numeric field,
    `None` keeps the base value (docs/tuning.md, "Search space"). Keys are
    `SEARCHABLE` fields, flat or `SECTION.FIELD`, values are checked by
    their section.

    Args:
        overrides: dict or `None`, usually `config.tuning.search_space`.
            Defaults to `None` (the defaults).

    Example:

    ```python
    space = SearchSpace({"units": [32, 64], "decoder": ["luong"]})
    space.ranges["units"]  # [32, 64]
    ```
    """

    DEFAULTS = {
        "embedding_dim": [64, 128, 256],
        "units": [64, 128, 256],
        "num_layers": [1, 2],
        "cell": ["gru", "lstm"],
        "bidirectional": [False, True],
        "dropout": [0.0, 0.1, 0.2, 0.3],
        "learning_rate": {"min": 1e-4, "max": 1e-2, "sampling": "log"},
        "decoder": ["seed", "luong"],
        "score_mode": ["dot", "general"],
    }

    def __init__(self, overrides=None):
        ranges = dict(self.DEFAULTS)
        for key, spec in (overrides or {}).items():
            name = Config.field(str(key))[1].name if "." in key else key
            if name not in SEARCHABLE:
                raise UsageError(
                    f"search_space: unknown key(s) {[key]}. Searchable "
                    f"Config fields: {list(SEARCHABLE)}"
                )
            ranges[name] = spec
        self.ranges = {
            name: _validate(name, spec)
            for name, spec in ranges.items()
            if spec is not None
        }

    @classmethod
    def from_config(cls, config):
        """The space of `config.tuning.search_space` (defaults where unset)."""
        return cls(config.tuning.search_space)

    def declare(self, hp):
        """Registers every range in `hp` (a `keras_tuner.HyperParameters`)."""
        for name, spec in self.ranges.items():
            if isinstance(spec, list) and len(spec) == 1:
                hp.Fixed(name, spec[0])
            elif isinstance(spec, list):
                hp.Choice(name, spec)
            else:
                kind = hp.Float if Config.field_type(name) is float else hp.Int
                kind(
                    name,
                    spec["min"],
                    spec["max"],
                    step=spec.get("step"),
                    sampling=spec.get("sampling", "linear"),
                )

    def values(self, hp):
        """The `Config` field values of `hp`, declaring ranges if needed."""
        self.declare(hp)
        return self.cast({name: hp.get(name) for name in self.ranges})

    def cast(self, values):
        """The searched fields of `values` (`hp.values`) with `Config`'s types.

        Keras Tuner stores bools as 0/1; its own keys (`tuner/epochs`) are
        left out.
        """
        cast = {}
        for name in self.ranges:
            if name in values:
                kind = Config.field_type(name)
                value = values[name]
                cast[name] = kind(value) if kind in (bool, float) else value
        return cast


def _validate(name, spec):
    """Returns `spec` checked by the field's section (a list or a range)."""
    where = f"search_space['{name}']"
    kind = Config.field_type(name)
    if isinstance(spec, (list, tuple)) and spec:
        values = [_checked(where, name, value) for value in spec]
        if kind is float:
            # YAML's [0, 0.5] mixes int and float; a Choice takes one type.
            values = [float(value) for value in values]
        if len(set(values)) != len(values):
            raise UsageError(f"{where}: duplicate values in {list(spec)}.")
        return values
    if not isinstance(spec, dict) or kind not in (int, float):
        raise UsageError(
            f"{where}: expected a non-empty list of values (a "
            "single-element list fixes the value), a {min, max, step, "
            "sampling} range of a numeric field, or null. "
            f"Received: {spec!r}"
        )
    sampling = spec.get("sampling", "linear")
    if set(spec) - set(RANGE_KEYS) or not {"min", "max"} <= set(spec):
        problem = f"a range has the keys {list(RANGE_KEYS)} (min and max"
        problem += " required)"
    elif sampling not in SAMPLINGS:
        problem = f"sampling must be one of {SAMPLINGS}"
    else:
        low, high = (_checked(where, name, spec[k]) for k in ("min", "max"))
        if spec.get("step") is not None:
            _checked(where, name, spec["step"])
        if low > high:
            problem = "min > max"
        elif sampling != "linear" and low <= 0:
            problem = f"{sampling} sampling needs min > 0"
        else:
            return {
                key: kind(value) if key != "sampling" else value
                for key, value in spec.items()
            }
    raise UsageError(f"{where}: {problem}. Received: {spec}")


def _checked(where, name, value):
    """`value`, if the field's section accepts `name=value`."""
    try:
        Config().replace(**{name: value})
    except ValueError as error:
        raise UsageError(f"{where}: {error}") from None
    return value
