"""The one configuration object that train, tune, evaluate and export share."""

import dataclasses
import difflib
import pathlib
import sys
import typing

import yaml

from keras_attention.config.data_config import DataConfig
from keras_attention.config.decoding_config import DecodingConfig
from keras_attention.config.distribution_config import DistributionConfig
from keras_attention.config.memory_config import MemoryConfig
from keras_attention.config.model_config import ModelConfig
from keras_attention.config.section import field_map
from keras_attention.config.training_config import TrainingConfig
from keras_attention.config.tuning_config import TuningConfig
from keras_attention.config_error import ConfigError

# Flat names that differ from the field's name in its section.
ALIASES = {
    "attention_combine": "model.combine",
    "translation_memory": "memory.match",
    "distribution": "distribution.strategy",
}
# Flat fields without a section field, accepted only at the value that
# leaves them off (they lost to it, benchmarks/RESULTS-quality.md).
RETIRED = {
    "learning_rate_schedule": "constant",
    "warmup_steps": 0,
    "decay_steps": None,
    "early_stopping_metric": "val_loss",
    "average_checkpoints": 1,
    "subword_sampling_alpha": 0.0,
}
MEMORY_THRESHOLD = "translation_memory_threshold"


@dataclasses.dataclass
class Config:
    """Everything that defines a model, its data, its training and decoding.

    One section per concern (`config.model.units`; YAML `model: {units:
    256}`), each a `Section` that checks its own fields. A field is named
    `SECTION.FIELD` or by its flat name (`units`, `attention_combine`) in
    `replace`, `override` (`--set`) and the tuner's search space. Unknown
    keys and bad values are errors naming the file and line; a flat file
    (every field at the top level) loads with a one-line note.

    Example:

    ```python
    config = Config.from_yaml("training/configs/demo.yaml")
    config = config.override(["model.units=64", "epochs=2"])
    config.replace(units=32).model.units  # 32
    ```
    """

    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    training: TrainingConfig = dataclasses.field(default_factory=TrainingConfig)
    decoding: DecodingConfig = dataclasses.field(default_factory=DecodingConfig)
    memory: MemoryConfig = dataclasses.field(default_factory=MemoryConfig)
    distribution: DistributionConfig = dataclasses.field(
        default_factory=DistributionConfig
    )
    tuning: TuningConfig = dataclasses.field(default_factory=TuningConfig)

    @staticmethod
    def field(name):
        """`(section, field)` of a field named `SECTION.FIELD` or flat.

        Raises:
            ConfigError: no such field (with the closest name).
        """
        name = ALIASES.get(name, name)
        section, _, field = name.rpartition(".")
        for candidate in SECTIONS.values() if not section else ():
            if field in field_map(candidate):
                section = candidate.NAME
        fields = field_map(SECTIONS.get(section, Config))
        if section in SECTIONS and field in fields:
            return section, fields[field]
        dotted = [key for key, _ in Config().items()]
        known = [*dotted, *(key.partition(".")[2] for key in dotted), *ALIASES]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "see Config"
        raise ConfigError(None, f"unknown config field {name!r} ({hint})")

    @classmethod
    def choices(cls, name):
        """The allowed values of field `name` (for argparse `choices=`)."""
        return cls.field(name)[1].metadata["choices"]

    @classmethod
    def field_type(cls, name):
        """The type of field `name` without `None` (`int`, `float`, ...)."""
        annotation = cls.field(name)[1].type
        types = [t for t in typing.get_args(annotation) if t is not type(None)]
        return types[0] if types else annotation

    def replace(self, **changes):
        """A copy with `changes` applied and checked.

        Args:
            **changes: field values by flat name (`units=64`) or
                `SECTION.FIELD`, or whole sections (`model=ModelConfig()`).
        """
        replaced, fields = {}, {}
        for name, value in changes.items():
            if name in SECTIONS and isinstance(value, SECTIONS[name]):
                replaced[name] = value
                continue
            section, field = self.field(name)
            fields.setdefault(section, {})[field.name] = value
        for name, values in fields.items():
            section = replaced.get(name, getattr(self, name))
            replaced[name] = dataclasses.replace(section, **values)
        return dataclasses.replace(self, **replaced)

    @staticmethod
    def parse_overrides(items, source="--set"):
        """`{KEY: value}` of `["KEY=VALUE", ...]`, the values read as YAML.

        Raises:
            ConfigError: an item without `=`, or a value that is no YAML.
        """
        values = {}
        for item in items:
            key, sep, text = item.partition("=")
            if not sep or not key.strip():
                raise ConfigError(
                    None, f"expected KEY=VALUE. Received: {item!r}", source
                )
            try:
                values[key.strip()] = yaml.safe_load(text)
            except yaml.YAMLError:
                raise ConfigError(
                    None, f"{key}: not a YAML value: {text!r}", source
                ) from None
        return values

    def override(self, items, source="--set"):
        """A copy with `["KEY=VALUE", ...]` (`--set`) applied.

        Raises:
            ConfigError: a malformed item, an unknown key or a bad value,
                prefixed with `source`.
        """
        values = self.parse_overrides(items, source)
        try:
            return self.replace(
                **{
                    key: _read(self.field(key)[1], value)
                    for key, value in values.items()
                }
            )
        except ConfigError as error:
            raise error.located(source) from None

    def to_dict(self):
        """`{section: {field: value}}`."""
        return {name: getattr(self, name).to_dict() for name in SECTIONS}

    def items(self):
        """`(SECTION.FIELD, value)` of every field, in order."""
        for section, values in self.to_dict().items():
            for name, value in values.items():
                yield f"{section}.{name}", value

    @classmethod
    def from_dict(cls, values, source=None, lines=None):
        """A `Config` of `values`: `{section: {field: value}}`, or flat.

        Args:
            values: dict of sections (absent fields take defaults); other
                top-level keys are flat names, noted on stderr when
                `source` is given.
            source: str or path named in errors. Defaults to `None`.
            lines: dict `{SECTION.FIELD or FLAT_NAME: line}` (1-based) in
                `source`. Defaults to `None`.

        Raises:
            ConfigError: an unknown field, a wrong type or an impossible
                value, with the field (and file and line) named.
        """
        lines = dict(lines or {})
        if MEMORY_THRESHOLD in values and (
            "translation_memory" in values or "memory" in values
        ):
            raise ConfigError(
                MEMORY_THRESHOLD,
                "is replaced by 'translation_memory'; give only that one",
                source,
                lines.get(MEMORY_THRESHOLD),
            )
        sections = {name: {} for name in SECTIONS}
        flat = []
        for key, value in values.items():
            if key in SECTIONS and isinstance(value, dict):
                sections[key].update(value)
                continue
            flat.append(key)
            try:
                if key in RETIRED or key == MEMORY_THRESHOLD:
                    _retired(key, value, sections)
                    continue
                section, field = cls.field(str(key))
            except ConfigError as error:
                raise error.located(source, lines.get(key)) from None
            sections[section][field.name] = value
            lines.setdefault(f"{section}.{field.name}", lines.get(key))
        try:
            config = cls(
                **{
                    name: _section(SECTIONS[name], fields)
                    for name, fields in sections.items()
                }
            )
        except ConfigError as error:
            raise error.located(source, lines.get(error.field)) from None
        if flat and source is not None:
            print(
                f"note: {source}: flat config fields ({', '.join(flat[:3])}"
                f"{', ...' if len(flat) > 3 else ''}) read into their "
                f"sections ({', '.join(SECTIONS)})",
                file=sys.stderr,
            )
        return config

    def to_yaml(self, path):
        pathlib.Path(path).write_text(
            yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )

    @classmethod
    def from_yaml(cls, path):
        """Reads a YAML mapping of sections (see `from_dict`).

        Raises:
            ConfigError: not UTF-8 YAML holding a mapping, or a bad field;
                the message starts with `PATH:LINE:`.
            OSError: the file cannot be read.
        """
        path = pathlib.Path(path)
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ConfigError(
                None, f"invalid UTF-8 ({error.reason})", path, line
            ) from None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            values = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            raise ConfigError(
                None,
                f"not valid YAML: {problem}",
                path,
                None if mark is None else mark.line + 1,
            ) from None
        if values is None:
            return cls()
        if not isinstance(values, dict):
            raise ConfigError(
                None,
                "expected a mapping of config sections (`model:`, `data:`, "
                f"...), got a YAML {type(values).__name__}",
                path,
            )
        return cls.from_dict(values, source=path, lines=_lines(node))


# `{name: section class}`, in the order of `Config`'s fields.
SECTIONS = {field.name: field.type for field in dataclasses.fields(Config)}


def _section(section, values):
    """`section(**values)`, with YAML's `off` read back and unknown names."""
    fields = field_map(section)
    for name in values:
        if name not in fields:
            raise ConfigError(
                f"{section.NAME}.{name}",
                f"is unknown ({section.NAME} has: {', '.join(fields)})",
            )
    return section(**{k: _read(fields[k], v) for k, v in values.items()})


def _read(field, value):
    """`value` as YAML 1.1 meant it: an unquoted `off` is `False`."""
    if value is False and "off" in (field.metadata.get("choices") or ()):
        return "off"
    return value


def _retired(key, value, sections):
    """Reads a flat field that has no section field (see `RETIRED`)."""
    if key == MEMORY_THRESHOLD:
        # A similarity of the fuzzy memory: any threshold is the exact one.
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if value is not None and not (number and 0 < value <= 1):
            raise ConfigError(
                key,
                "must be a similarity in (0, 1] or null (read as "
                f"translation_memory: exact or off). Received: {value!r}",
            )
        sections["memory"]["match"] = "off" if value is None else "exact"
        return
    if value != RETIRED[key]:
        raise ConfigError(
            key,
            f"accepts only {RETIRED[key]!r} (the other values lost to it: "
            "benchmarks/RESULTS-quality.md, 'Which option helps Tatoeba in "
            f"its budget?'). Received: {key}={value!r}",
        )


def _lines(node):
    """`{key: line}` of a YAML mapping node, `SECTION.FIELD` for sections."""
    lines = {}
    for key, value in node.value:
        lines[key.value] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode) and key.value in SECTIONS:
            for inner, _ in value.value:
                lines[f"{key.value}.{inner.value}"] = inner.start_mark.line + 1
    return lines
