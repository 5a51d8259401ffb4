"""The base of `Config`'s sections: typed fields that check themselves."""

import dataclasses
import math
import typing

from keras_attention.config_error import ConfigError


def option(default, choices=None, minimum=None, below=None, positive=False):
    """A section field with its constraints (checked by `Section`).

    Args:
        default: the field's default.
        choices: tuple of the allowed values, or `None`.
        minimum: the smallest allowed number, or `None`.
        below: a number the value must stay under, or `None`.
        positive: bool, whether the value must be `> 0`.
    """
    metadata = {
        "choices": choices,
        "minimum": minimum,
        "below": below,
        "positive": positive,
    }
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass
class Section:
    """A dataclass of config fields, each checked when the section is made.

    A field's annotation is its type (`int | None` allows `None`; an int is
    accepted for a float, a bool only where declared), its `option`
    metadata its allowed values; `check` adds the rules that relate two
    fields of the section. Every error is a `ConfigError` naming the field
    as `SECTION.FIELD`.
    """

    # The section's key in `Config` and in YAML files.
    NAME = None

    def __post_init__(self):
        for field in dataclasses.fields(self):
            self._check_field(field, getattr(self, field.name))
        self.check()

    def check(self):
        """Raises `ConfigError` for fields that contradict each other."""

    def error(self, name, problem):
        """A `ConfigError` for this section's field `name`."""
        return ConfigError(f"{self.NAME}.{name}", problem)

    def _check_field(self, field, value):
        name = field.name
        allowed = typing.get_args(field.type) or (field.type,)
        if value is None and type(None) in allowed:
            return
        if float in allowed:
            allowed = allowed + (int,)
        # True is an int in Python; accept a bool only where declared.
        if not isinstance(value, allowed) or (
            isinstance(value, bool) and bool not in allowed
        ):
            # YAML 1.1 reads 1e-4 (no dot) as a string.
            hint = " (write 1.0e-4, not 1e-4)" if _numeric(value) else ""
            raise self.error(
                name,
                f"expects {_type_name(field.type)}{hint}. "
                f"Received: {name}={value!r}",
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(
                name, f"must be a finite number. Received: {name}={value}"
            )
        rules = field.metadata
        if rules.get("choices") and value not in rules["choices"]:
            raise self.error(
                name,
                f"must be one of {rules['choices']}. "
                f"Received: {name}={value!r}",
            )
        minimum, below = rules.get("minimum"), rules.get("below")
        if minimum is not None and value < minimum:
            raise self.error(
                name, f"must be >= {minimum}. Received: {name}={value!r}"
            )
        if below is not None and value >= below:
            raise self.error(
                name, f"must be < {below}. Received: {name}={value!r}"
            )
        if rules.get("positive") and value <= 0:
            raise self.error(name, f"must be > 0. Received: {name}={value!r}")

    def to_dict(self):
        return dataclasses.asdict(self)


def field_type(field):
    """The field's type without `None`: `int` for `int | None`."""
    types = [t for t in typing.get_args(field.type) if t is not type(None)]
    return types[0] if types else field.type


def _numeric(value):
    """Whether `value` is a string that spells a number."""
    try:
        return isinstance(value, str) and math.isfinite(float(value))
    except ValueError:
        return False


def _type_name(annotation):
    """`int`, `int | None`, ... as written in the field's annotation."""
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)
