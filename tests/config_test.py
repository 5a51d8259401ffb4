import dataclasses

import pytest
import yaml

from keras_attention.config import Config


def test_data_and_text_defaults():
    config = Config()
    assert (config.corpus_format, config.source_column) == ("tsv", None)
    assert (config.max_source_tokens, config.max_target_tokens) == (64, 64)
    assert config.length_policy == "drop"
    assert config.skip_bad_lines is False
    assert config.bucket_by_length is True
    assert (config.tokenizer, config.normalization) == ("word", "NFC")


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
    ],
)
def test_minimums_are_checked(field, value):
    with pytest.raises(ValueError, match=f"'{field}' must be >= "):
        Config(**{field: value})


def test_types_are_checked():
    with pytest.raises(ValueError, match="'skip_bad_lines' expects"):
        Config(skip_bad_lines="yes")
    with pytest.raises(ValueError, match="'max_source_tokens' expects"):
        Config(max_source_tokens=True)


def test_columns_must_differ_and_aligned_needs_languages():
    with pytest.raises(ValueError, match="must differ"):
        Config(source_column=1, target_column=1)
    with pytest.raises(ValueError, match="needs source_language"):
        Config(corpus_format="aligned", source_language="ko")
    config = Config(
        corpus_format="aligned", source_language="ko", target_language="en"
    )
    assert config.target_language == "en"


def test_yaml_round_trip_and_old_files(tmp_path):
    config = Config(
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
