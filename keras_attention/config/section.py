"""The base of `Config`'s sections: typed fields that check themselves."""

import dataclasses
import math
import typing

from keras_attention.config_error import ConfigError


def option(default, choices=None, minimum=None, below=None, positive=False):
    """A section field: its default, allowed `choices` and number bounds.

    Values must be in `choices`, `>= minimum`, `< below` and, if
    `positive`, `> 0` (each unchecked when `None`/`False`).
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

    A field's annotation is its type (an int passes for a float, a bool
    only where declared), `option` gives its allowed values; `check` relates
    fields. Errors are `ConfigError`s naming `NAME.FIELD`.
    """

    NAME = None  # The section's key in `Config` and in YAML files.

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
        for broken, bound in (
            (minimum is not None and value < minimum, f">= {minimum}"),
            (below is not None and value >= below, f"< {below}"),
            (rules.get("positive") and value <= 0, "> 0"),
        ):
            if broken:
                raise self.error(
                    name, f"must be {bound}. Received: {name}={value!r}"
                )

    def to_dict(self):
        return dataclasses.asdict(self)


def field_map(section):
    """`{name: dataclasses.Field}` of a section (or `Config`)."""
    return {field.name: field for field in dataclasses.fields(section)}


def _numeric(value):
    """Whether `value` is a string that spells a number."""
    try:
        return isinstance(value, str) and math.isfinite(float(value))
    except ValueError:
        return False


def _type_name(annotation):
    """`int`, `int | None`, ... as written in the field's annotation."""
    return getattr(annotation, "__name__", str(annotation))
