import pytest

from keras_attention.config import Config
from keras_attention.config import DataConfig
from keras_attention.config import ModelConfig
from keras_attention.config_error import ConfigError
from keras_attention.usage_error import UsageError


def test_sections_hold_their_defaults():
    config = Config()
    assert (config.model.units, config.model.combine) == (256, "add_norm")
    assert (config.data.corpus_format, config.data.source_column) == (
        "tsv",
        None,
    )
    assert (config.data.max_source_tokens, config.data.length_policy) == (
        64,
        "drop",
    )
    assert (config.data.tokenizer, config.data.normalization) == ("word", "NFC")
    assert (config.training.batch_size, config.training.epochs) == (64, 30)
    assert config.decoding.to_dict() == {
        "max_decode_length": 64,
        "beam_width": 4,
        "length_penalty": 0.6,
        "beam_stopping": "exact",
        "max_source_length": 256,
    }
    assert config.memory.match == "off"
    assert config.distribution.strategy == "auto"
    assert config.tuning.search_space is None


def test_replace_takes_flat_and_section_names_and_whole_sections():
    config = Config().replace(units=8, **{"training.epochs": 2})
    assert (config.model.units, config.training.epochs) == (8, 2)
    config = config.replace(attention_combine="tanh", distribution="mirrored")
    assert (config.model.combine, config.distribution.strategy) == (
        "tanh",
        "mirrored",
    )
    config = config.replace(model=ModelConfig(units=4))
    assert (config.model.units, config.model.combine) == (4, "add_norm")
    with pytest.raises(ConfigError, match="did you mean 'units'"):
        Config().replace(unit=8)


@pytest.mark.parametrize(
    "field, value",
    [
        ("data.corpus_format", "xml"),
        ("data.length_policy", "cut"),
        ("data.tokenizer", "wordpiece"),
        ("data.sentencepiece_model_type", "char"),
        ("data.normalization", "NFKD"),
        ("model.cell", "rnn"),
        ("decoding.beam_stopping", "never"),
        ("memory.match", "fuzzy"),
        ("distribution.strategy", "tpu"),
        ("distribution.backend", "numpy"),
    ],
)
def test_choices_are_checked(field, value):
    with pytest.raises(ValueError, match=f"'{field}' must be one of"):
        Config().replace(**{field: value})


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("epochs", 0, "must be >= 1"),
        ("embedding_dim", 0, "must be >= 1"),
        ("units", -8, "must be >= 1"),
        ("num_layers", 0, "must be >= 1"),
        ("batch_size", 0, "must be >= 1"),
        ("patience", -1, "must be >= 0"),
        ("max_decode_length", 0, "must be >= 1"),
        ("num_pairs", 19, "must be >= 20"),
        ("seed", -1, "must be >= 0"),
        ("corpus_seed", -1, "must be >= 0"),
        ("max_source_tokens", 0, "must be >= 1"),
        ("target_column", -1, "must be >= 0"),
        ("shuffle_buffer_size", 0, "must be >= 1"),
        ("source_vocabulary_size", 4, "must be >= 5"),
        ("pad_to_multiple", 0, "must be >= 1"),
        ("batch_tokens", 0, "must be >= 1"),
        ("dropout", 1.0, "must be < 1"),
        ("dropout", -0.1, "must be >= 0"),
        ("learning_rate", 0.0, "must be > 0"),
        ("learning_rate", -1e-3, "must be > 0"),
        ("clipnorm", 0, "must be > 0"),
        ("max_train_seconds", -1.0, "must be >= 0"),
        ("beam_width", 0, "must be >= 1"),
        ("length_penalty", -0.1, "must be >= 0"),
        ("length_penalty", float("nan"), "must be a finite number"),
        ("max_source_length", 0, "must be >= 1"),
        ("word_dropout", 1.0, "must be < 1"),
        ("label_smoothing", -0.1, "must be >= 0"),
        ("backup_every_steps", 0, "must be >= 1"),
        ("learning_rate", float("nan"), "must be a finite number"),
        ("dropout", float("inf"), "must be a finite number"),
        ("skip_bad_lines", "yes", "expects bool"),
        ("max_source_tokens", True, r"expects int \| None"),
        ("learning_rate", "1e-4", r"expects float \(write 1.0e-4"),
    ],
)
def test_impossible_values_name_their_section_and_field(field, value, expected):
    section = Config.field(field)[0]
    with pytest.raises(
        ConfigError, match=f"^Config field '{section}.{field}' {expected}"
    ):
        Config().replace(**{field: value})


def test_the_smallest_possible_values_are_accepted():
    config = Config().replace(
        epochs=1,
        embedding_dim=1,
        units=1,
        num_layers=1,
        batch_size=1,
        patience=0,
        dropout=0.999,
        learning_rate=1e-9,
        num_pairs=20,
        max_train_seconds=0.5,
        max_decode_length=1,
    )
    assert (config.training.epochs, config.model.dropout) == (1, 0.999)


def test_a_section_checks_its_fields_together():
    with pytest.raises(ValueError, match="'data.batch_tokens' needs bucket_by"):
        DataConfig(batch_tokens=1024, bucket_by_length=False)
    with pytest.raises(ValueError, match="must differ"):
        DataConfig(source_column=1, target_column=1)
    with pytest.raises(
        ConfigError, match="'data.target_language' is needed by corpus_format"
    ):
        DataConfig(corpus_format="aligned", source_language="ko")
    with pytest.raises(ConfigError, match="'data.valid' is needed with"):
        DataConfig(train="train.tsv")
    with pytest.raises(ConfigError, match="'data.test' needs 'train' too"):
        DataConfig(test="test.tsv")
    with pytest.raises(ConfigError, match="'model.input_feeding' needs"):
        ModelConfig(input_feeding=True)
    assert ModelConfig(input_feeding=True, decoder="luong").input_feeding


def test_config_errors_are_usage_errors_with_the_field():
    with pytest.raises(UsageError) as caught:
        Config().replace(epochs=0)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.field, error.path, error.line) == (
        "training.epochs",
        None,
        None,
    )
    assert error.problem == "must be >= 1. Received: epochs=0"


def test_yaml_round_trip_in_sections(tmp_path):
    config = Config().replace(
        tokenizer="sentencepiece",
        source_vocabulary_size=4000,
        max_target_tokens=None,
        translation_memory="exact",
        search_space={"units": [8, 16]},
    )
    config.to_yaml(tmp_path / "config.yaml")
    text = (tmp_path / "config.yaml").read_text("utf-8")
    assert text.startswith("model:\n  embedding_dim: 128\n")
    assert "memory:\n  match: exact\n" in text
    assert Config.from_yaml(tmp_path / "config.yaml") == config


def test_a_flat_file_loads_into_sections_with_a_note(tmp_path, capsys):
    path = tmp_path / "flat.yaml"
    path.write_text(
        "units: 8\n"
        "attention_combine: tanh\n"
        "translation_memory: off\n"
        "distribution: mirrored\n"
        "learning_rate_schedule: constant\n"
        "average_checkpoints: 1\n"
        "subword_sampling_alpha: 0.0\n",
        encoding="utf-8",
    )
    config = Config.from_yaml(path)
    assert config == Config().replace(
        units=8, attention_combine="tanh", distribution="mirrored"
    )
    note = capsys.readouterr().err
    assert note.count("\n") == 1
    assert note.startswith(f"note: {path}: flat config fields (units, ")
    # The options without a field load at their "off" value only.
    path.write_text("units: 8\naverage_checkpoints: 5\n", "utf-8")
    with pytest.raises(
        ConfigError,
        match=f"^{path}:2: Config field 'average_checkpoints' accepts only 1",
    ):
        Config.from_yaml(path)
    # The fuzzy memory's threshold means the exact memory.
    path.write_text("translation_memory_threshold: 0.9\n", "utf-8")
    assert Config.from_yaml(path).memory.match == "exact"
    path.write_text("translation_memory_threshold: null\n", "utf-8")
    assert Config.from_yaml(path).memory.match == "off"


def test_every_shipped_config_is_sectioned_and_loads(capsys):
    import pathlib

    root = pathlib.Path(__file__).parents[1]
    paths = sorted((root / "training" / "configs").glob("*.yaml"))
    assert len(paths) >= 7
    for path in paths:
        Config.from_yaml(path)
    assert capsys.readouterr().err == ""


def test_yaml_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "# a comment\nmodel:\n  units: 8\n\ntraining:\n  epochs: 0\n", "utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        Config.from_yaml(path)
    assert str(caught.value) == (
        f"{path}:6: Config field 'training.epochs' must be >= 1. "
        "Received: epochs=0"
    )
    assert (caught.value.line, caught.value.field) == (6, "training.epochs")
    path.write_text("model:\n  units: 8\ntraining:\n  batchsize: 3\n", "utf-8")
    with pytest.raises(
        ConfigError,
        match=f"^{path}:4: Config field 'training.batchsize' is unknown "
        r"\(training has: batch_size, ",
    ):
        Config.from_yaml(path)
    path.write_text("units: 8\nbatchsize: 3\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        Config.from_yaml(path)
    assert str(caught.value) == (
        f"{path}:2: unknown config field 'batchsize' (did you mean "
        "'batch_size'?)"
    )
    path.write_text("units: 8\ncell: [gru\n", "utf-8")
    with pytest.raises(ConfigError, match=r"config\.yaml:3: not valid YAML"):
        Config.from_yaml(path)
    path.write_bytes(b"units: 8\n\ncell: gr\xfc\n")
    with pytest.raises(ConfigError, match=r"config\.yaml:3: invalid UTF-8"):
        Config.from_yaml(path)
    path.write_text("- units\n", "utf-8")
    with pytest.raises(ConfigError, match="expected a mapping of config"):
        Config.from_yaml(path)
    path.write_text("", "utf-8")
    assert Config.from_yaml(path) == Config()
    with pytest.raises(FileNotFoundError):
        Config.from_yaml(tmp_path / "absent.yaml")


def test_overrides_are_yaml_values_of_flat_or_section_names():
    config = Config().override(
        ["model.units=8", "label_smoothing=0.1", "translation_memory=off"]
    )
    assert (config.model.units, config.training.label_smoothing) == (8, 0.1)
    assert Config.parse_overrides(
        ["tie_embeddings=true", "max_train_seconds=null"]
    ) == {"tie_embeddings": True, "max_train_seconds": None}
    with pytest.raises(ConfigError, match="^--set: expected KEY=VALUE"):
        Config().override(["units"])
    with pytest.raises(
        ConfigError, match="^--set: Config field 'model.units' must be >= 1"
    ):
        Config().override(["units=0"])
    with pytest.raises(ConfigError, match="^--set: unknown config field"):
        Config().override(["model.unit=8"])


def test_choices_come_from_the_sections():
    assert Config.choices("decoder") == ("seed", "luong")
    assert Config.choices("distribution") == (
        "auto",
        "mirrored",
        "multi_worker",
        "one_device",
    )
    assert Config.field_type("max_train_seconds") is float


def test_splits_take_a_list_of_files_each_with_its_own_format(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "data:\n"
        "  train:\n"
        "    - data/ko-en-tatoeba/train.tsv\n"
        "    - {path: kor.txt, corpus_format: anki, name: anki}\n"
        "  valid: data/ko-en-tatoeba/valid.tsv\n",
        encoding="utf-8",
    )
    config = Config.from_yaml(path)
    assert config.data.train == [
        "data/ko-en-tatoeba/train.tsv",
        {"path": "kor.txt", "corpus_format": "anki", "name": "anki"},
    ]
    # A single path stays a string, and both round-trip.
    assert config.data.valid == "data/ko-en-tatoeba/valid.tsv"
    config.to_yaml(tmp_path / "again.yaml")
    assert Config.from_yaml(tmp_path / "again.yaml") == config


@pytest.mark.parametrize(
    "train, expected",
    [
        ([], r"'data.train' needs at least one file"),
        ([3], r"entry train\[0\] must be a path or a mapping"),
        ([{"name": "x"}], r"entry train\[0\] must be a path or a mapping"),
        (["a.tsv", {"path": "b.tsv", "columns": 2}],
         r"entry train\[1\] has unknown key 'columns'"),
        ([{"path": "a.tsv", "corpus_format": "xml"}],
         r"entry train\[0\]: corpus_format must be one of"),
        ([{"path": "a.tsv", "target_column": -1}],
         r"entry train\[0\]: target_column must be >= 0"),
        (["a/train.tsv", "b/train.tsv", "b/train.tsv"],
         r"entry train\[2\] is named 'b/train.tsv' like an earlier one"),
        (["x.tsv", {"path": "y.tsv", "name": ""}],
         r"entry train\[1\]: name must be a non-empty string"),
    ],
)  # fmt: skip
def test_bad_file_lists_name_the_entry(train, expected):
    with pytest.raises(ConfigError, match=expected):
        Config().replace(train=train, valid="v.tsv")
