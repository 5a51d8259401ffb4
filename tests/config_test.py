import dataclasses

import pytest
import yaml

from keras_attention.config import Config
from keras_attention.config_error import ConfigError
from keras_attention.usage_error import UsageError


def test_data_and_text_defaults():
    config = Config()
    assert (config.data.corpus_format, config.data.source_column) == (
        "tsv",
        None,
    )
    assert (config.data.max_source_tokens, config.data.max_target_tokens) == (
        64,
        64,
    )
    assert config.data.length_policy == "drop"
    assert config.data.skip_bad_lines is False
    assert config.data.bucket_by_length is True
    assert (config.data.tokenizer, config.data.normalization) == ("word", "NFC")


@pytest.mark.parametrize(
    "field, value",
    [
        ("corpus_format", "xml"),
        ("length_policy", "cut"),
        ("tokenizer", "wordpiece"),
        ("sentencepiece_model_type", "char"),
        ("normalization", "NFKD"),
    ],
)
def test_choices_are_checked(field, value):
    with pytest.raises(ValueError, match=f"'{field}' must be one of"):
        Config(**{field: value})


@pytest.mark.parametrize(
    "field, value",
    [
        ("max_source_tokens", 0),
        ("target_column", -1),
        ("shuffle_buffer_size", 0),
        ("source_vocabulary_size", 4),
        ("pad_to_multiple", 0),
        ("batch_tokens", 0),
    ],
)
def test_minimums_are_checked(field, value):
    with pytest.raises(ValueError, match=f"'{field}' must be >= "):
        Config(**{field: value})


def test_batching_defaults_and_batch_tokens_needs_buckets():
    # Chosen by benchmarks/training_speed.py (benchmarks/RESULTS.md).
    config = Config()
    assert (config.data.pad_to_multiple, config.data.batch_tokens) == (2, None)
    assert Config().replace(batch_tokens=1024).batch_tokens == 1024
    with pytest.raises(ValueError, match="'batch_tokens' needs bucket_by"):
        Config().replace(batch_tokens=1024, bucket_by_length=False)


def test_types_are_checked():
    with pytest.raises(ValueError, match="'skip_bad_lines' expects"):
        Config().replace(skip_bad_lines="yes")
    with pytest.raises(ValueError, match="'max_source_tokens' expects"):
        Config().replace(max_source_tokens=True)


def test_columns_must_differ_and_aligned_needs_languages():
    with pytest.raises(ValueError, match="must differ"):
        Config().replace(source_column=1, target_column=1)
    with pytest.raises(
        ConfigError, match="'target_language' is needed by corpus_format"
    ):
        Config().replace(corpus_format="aligned", source_language="ko")
    config = Config().replace(
        corpus_format="aligned", source_language="ko", target_language="en"
    )
    assert config.data.target_language == "en"


def test_yaml_round_trip_and_old_files(tmp_path):
    config = Config().replace(
        tokenizer="sentencepiece",
        source_vocabulary_size=4000,
        length_policy="truncate",
        max_target_tokens=None,
    )
    config.to_yaml(tmp_path / "config.yaml")
    assert Config.from_yaml(tmp_path / "config.yaml") == config
    # A config.yaml written before these fields existed: the defaults
    # (a word tokenizer) apply, so old runs still load.
    new_fields = {
        "corpus_format", "source_column", "target_column",
        "source_language", "target_language", "corpus_header",
        "skip_bad_lines", "max_source_tokens", "max_target_tokens",
        "length_policy", "shuffle_buffer_size", "bucket_by_length",
        "tokenizer", "source_vocabulary_size", "target_vocabulary_size",
        "sentencepiece_model_type", "normalization",
    }  # fmt: skip
    assert new_fields <= {f.name for f in dataclasses.fields(Config)}
    old = {k: v for k, v in Config().to_dict().items() if k not in new_fields}
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(old), encoding="utf-8")
    assert Config.from_yaml(tmp_path / "old.yaml") == Config()


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
        ("dropout", 1.0, r"must be in \[0, 1\)"),
        ("dropout", -0.1, r"must be in \[0, 1\)"),
        ("learning_rate", 0.0, "must be > 0"),
        ("learning_rate", -1e-3, "must be > 0"),
        ("clipnorm", 0, "must be > 0"),
        ("max_train_seconds", -1.0, "must be >= 0"),
        ("beam_width", 0, "must be >= 1"),
        ("length_penalty", -0.1, "must be >= 0"),
        ("length_penalty", float("nan"), "must be a finite number"),
        ("max_source_length", 0, "must be >= 1"),
        ("word_dropout", 1.0, r"must be in \[0, 1\)"),
        ("label_smoothing", -0.1, r"must be in \[0, 1\)"),
        ("warmup_steps", -1, "must be >= 0"),
        ("average_checkpoints", 0, "must be >= 1"),
        ("learning_rate", float("nan"), "must be a finite number"),
        ("dropout", float("inf"), "must be a finite number"),
    ],
)
def test_impossible_values_name_their_field(field, value, expected):
    with pytest.raises(
        ConfigError, match=f"^Config field '{field}' {expected}"
    ):
        Config(**{field: value})


def test_the_smallest_possible_values_are_accepted():
    config = Config().replace(
        epochs=1,
        embedding_dim=1,
        units=1,
        num_layers=1,
        batch_size=1,
        patience=0,
        dropout=0.0,
        learning_rate=1e-9,
        num_pairs=20,
        max_train_seconds=0.5,
        max_decode_length=1,
    )
    assert (
        config.training.epochs,
        config.training.patience,
        config.model.dropout,
    ) == (1, 0, 0.0)
    assert Config().replace(dropout=0.999).dropout == 0.999


def test_decay_steps_is_a_cosine_horizon_beyond_the_warmup():
    config = Config().replace(learning_rate_schedule="cosine", decay_steps=800)
    assert config.decay_steps == 800
    assert Config().decay_steps is None
    with pytest.raises(ConfigError, match="^Config field 'decay_steps' must"):
        Config().replace(learning_rate_schedule="cosine", decay_steps=0)
    for changes in (
        {"decay_steps": 800},
        {"learning_rate_schedule": "inverse_sqrt", "decay_steps": 800},
        {
            "learning_rate_schedule": "cosine",
            "warmup_steps": 800,
            "decay_steps": 800,
        },
    ):
        with pytest.raises(
            ConfigError,
            match="^Config field 'decay_steps' needs learning_rate_schedule "
            "'cosine' and must exceed warmup_steps",
        ):
            Config().replace(
                warmup_steps=changes.pop("warmup_steps", 1), **changes
            )


def test_config_errors_are_usage_errors_with_the_field():
    with pytest.raises(UsageError) as caught:
        Config().replace(epochs=0)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.field, error.path, error.line) == ("epochs", None, None)
    assert error.problem == "must be >= 1. Received: epochs=0"


def test_splits_need_each_other():
    with pytest.raises(ConfigError, match="'valid' is needed with 'train'"):
        Config().replace(train="train.tsv")
    with pytest.raises(ConfigError, match="'test' needs 'train' too"):
        Config().replace(test="test.tsv")
    assert Config().replace(train="t.tsv", valid="v.tsv").test is None


def test_yaml_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("# a comment\nunits: 8\n\nepochs: 0\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        Config.from_yaml(path)
    assert str(caught.value) == (
        f"{path}:4: Config field 'epochs' must be >= 1. Received: epochs=0"
    )
    assert (caught.value.line, caught.value.field) == (4, "epochs")
    path.write_text("units: 8\nbatchsize: 3\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        Config.from_yaml(path)
    assert str(caught.value) == (
        f"{path}:2: unknown config field 'batchsize' (did you mean "
        "'batch_size'?)"
    )
    path.write_text("zzz: 1\n", "utf-8")
    with pytest.raises(
        ConfigError,
        match=r":1: unknown config field 'zzz' "
        r"\(known fields: embedding_dim, units, ",
    ):
        Config.from_yaml(path)
    path.write_text("units: 8\ncell: [gru\n", "utf-8")
    with pytest.raises(ConfigError, match=r"config\.yaml:3: not valid YAML"):
        Config.from_yaml(path)
    path.write_bytes(b"units: 8\n\ncell: gr\xfc\n")
    with pytest.raises(ConfigError, match=r"config\.yaml:3: invalid UTF-8"):
        Config.from_yaml(path)
    path.write_text("", "utf-8")
    assert Config.from_yaml(path) == Config()
    with pytest.raises(FileNotFoundError):
        Config.from_yaml(tmp_path / "absent.yaml")


def test_splits_take_a_list_of_files_each_with_its_own_format(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "train:\n"
        "  - data/ko-en-tatoeba/train.tsv\n"
        "  - {path: kor.txt, corpus_format: anki, name: anki}\n"
        "valid: data/ko-en-tatoeba/valid.tsv\n",
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
        ([], r"'train' needs at least one file"),
        ([3], r"entry train\[0\] must be a path or a mapping"),
        ([{"name": "x"}], r"entry train\[0\] must be a path or a mapping"),
        (["a.tsv", {"path": "b.tsv", "columns": 2}],
         r"entry train\[1\] has unknown key 'columns'"),
        ([{"path": "a.tsv", "corpus_format": "xml"}],
         r"entry train\[0\]: corpus_format must be one of"),
        ([{"path": "a.tsv", "target_column": -1}],
         r"entry train\[0\]: target_column must be an int >= 0"),
        (["a/train.tsv", "b/train.tsv", "b/train.tsv"],
         r"entry train\[2\] is named 'b/train.tsv' like an earlier one"),
        (["x.tsv", {"path": "y.tsv", "name": ""}],
         r"entry train\[1\]: name must be a non-empty string"),
    ],
)  # fmt: skip
def test_bad_file_lists_name_the_entry(train, expected):
    with pytest.raises(ConfigError, match=expected):
        Config().replace(train=train, valid="v.tsv")
