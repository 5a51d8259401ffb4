"""The Keras Tuner search space over `Config` fields."""

import numbers

from keras_attention.config import Config
from keras_attention.usage_error import UsageError

RANGE_KEYS = ("min", "max", "step", "sampling")
SAMPLINGS = ("linear", "log", "reverse_log")


class SearchSpace:
    """Which `Config` fields a search varies, and over which values.

    Every hyperparameter is named after the `Config` field it sets, so a
    trial's values are exactly the `config.replace(**values)` that turns
    the base config into the trial's config. The defaults (`DEFAULTS`) are
    small and sensible for CPU training; `Config.search_space` overrides
    them field by field:

    - a list is a choice (`{"units": [64, 128, 256]}`); a single-element
      list fixes the value (`{"decoder": ["luong"]}`);
    - a mapping with `min`, `max` and optional `step` and `sampling`
      (`"linear"`, `"log"`, `"reverse_log"`) is a range: `hp.Int` for
      integer fields, `hp.Float` for float fields
      (`{"learning_rate": {"min": 1.0e-4, "max": 1.0e-2,
      "sampling": "log"}}`);
    - `None` (YAML `null`) takes the field out of the search: trials keep
      the base config's value.

    Keys other than the searchable fields (`DEFAULTS`' keys) and values
    that `Config` would refuse are errors, raised when the space is built.

    Args:
        overrides: dict or `None`. Ranges replacing the defaults, usually
            `config.search_space`. Defaults to `None` (the defaults).

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
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(self.DEFAULTS))
        if unknown:
            raise UsageError(
                f"search_space: unknown key(s) {unknown}. Searchable Config "
                f"fields: {sorted(self.DEFAULTS)}"
            )
        ranges = {**self.DEFAULTS, **overrides}
        self.ranges = {
            name: _validate(name, spec)
            for name, spec in ranges.items()
            if spec is not None
        }

    @classmethod
    def from_config(cls, config):
        """The space of `config.search_space` (defaults where unset)."""
        return cls(config.search_space)

    def declare(self, hp):
        """Registers every range in `hp` (a `keras_tuner.HyperParameters`)."""
        for name, spec in self.ranges.items():
            if isinstance(spec, list) and len(spec) == 1:
                hp.Fixed(name, spec[0])
            elif isinstance(spec, list):
                hp.Choice(name, spec)
            else:
                kind = hp.Float if _field_type(name) is float else hp.Int
                kind(
                    name,
                    spec["min"],
                    spec["max"],
                    step=spec.get("step"),
                    sampling=spec.get("sampling", "linear"),
                )

    def values(self, hp):
        """The `Config` field values of `hp`, declaring ranges if needed.

        Keras Tuner's own entries (`tuner/epochs`, ...) are left out.
        """
        self.declare(hp)
        return self.cast({name: hp.get(name) for name in self.ranges})

    def cast(self, values):
        """`values` with `Config`'s types (Keras Tuner stores bools as 0/1).

        Args:
            values: dict of field values, such as `hp.values`; other keys
                (`tuner/epochs`, ...) and missing fields are left out.
        """
        cast = {}
        for name in self.ranges:
            if name in values:
                kind = _field_type(name)
                value = values[name]
                cast[name] = kind(value) if kind in (bool, float) else value
        return cast


def _field_type(name):
    value = getattr(Config(), name)
    return type(value)


def _validate(name, spec):
    """Returns `spec` checked against `Config` (a list or a range dict)."""
    if isinstance(spec, (list, tuple)):
        if not spec:
            raise UsageError(
                f"search_space['{name}']: an empty list has no value to try."
            )
        for value in spec:
            _check_value(name, value)
        values = list(spec)
        if _field_type(name) is float:
            # YAML's [0, 0.5] mixes int and float; a Choice takes one type.
            values = [float(value) for value in values]
        if len(set(values)) != len(values):
            raise UsageError(
                f"search_space['{name}']: duplicate values in {list(spec)}."
            )
        return values
    if isinstance(spec, dict):
        kind = _field_type(name)
        if kind not in (int, float):
            raise UsageError(
                f"search_space['{name}']: a min/max range needs a numeric "
                f"field; '{name}' takes {kind.__name__} values. Give a list "
                "of values instead."
            )
        unknown = sorted(set(spec) - set(RANGE_KEYS))
        missing = [key for key in ("min", "max") if key not in spec]
        if unknown or missing:
            raise UsageError(
                f"search_space['{name}']: a range has the keys "
                f"{list(RANGE_KEYS)} (min and max required). "
                f"Received: {spec}"
            )
        for key in ("min", "max", "step"):
            if key in spec:
                _check_number(name, key, spec[key], kind)
        for key in ("min", "max"):
            _check_value(name, spec[key])
        if spec["min"] > spec["max"]:
            raise UsageError(
                f"search_space['{name}']: min > max. Received: {spec}"
            )
        sampling = spec.get("sampling", "linear")
        if sampling not in SAMPLINGS:
            raise UsageError(
                f"search_space['{name}']: sampling must be one of "
                f"{SAMPLINGS}. Received: sampling={sampling!r}"
            )
        if sampling != "linear" and spec["min"] <= 0:
            raise UsageError(
                f"search_space['{name}']: {sampling} sampling needs min > 0. "
                f"Received: {spec}"
            )
        if kind is float:
            spec = {
                key: float(value) if key in ("min", "max", "step") else value
                for key, value in spec.items()
            }
        return dict(spec)
    raise UsageError(
        f"search_space['{name}']: expected a list of values (a single-element "
        "list fixes the value), a {min, max, step, sampling} range or null. "
        f"Received: {spec!r}"
    )


def _check_number(name, key, value, kind):
    if isinstance(value, str):
        raise UsageError(
            f"search_space['{name}']['{key}'] must be a number. Received the "
            f"string {value!r} (YAML reads 1e-4 as a string; write 1.0e-4)."
        )
    ok = isinstance(value, numbers.Integral if kind is int else numbers.Real)
    if not ok or isinstance(value, bool):
        raise UsageError(
            f"search_space['{name}']['{key}'] must be a {kind.__name__}. "
            f"Received: {value!r}"
        )


def _check_value(name, value):
    """Raises `Config`'s own error if `name=value` is not a valid config."""
    try:
        Config(**{name: value})
    except ValueError as error:
        raise UsageError(f"search_space['{name}']: {error}") from None
