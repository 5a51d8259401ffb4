"""A run with a translation memory: train, reload, evaluate, export."""

import json
import shutil
import types

import numpy as np
import pytest
import tensorflow as tf
import yaml

from keras_attention.config import Config
from keras_attention.config_error import ConfigError
from keras_attention.decoding.translation_memory import TranslationMemory
from keras_attention.decoding.translator import Translator
from keras_attention.export.fresh_process_loader import FreshProcessLoader
from keras_attention.export.saved_model_exporter import SavedModelExporter
from keras_attention.task import stages
from keras_attention.task.trainer import Trainer
from keras_attention.usage_error import UsageError
from tests.decoding.translation_memory_test import read_minimal_pairs
from tests.decoding.translation_memory_test import (
    spacing_and_punctuation_variants,
)
from tests.export.hostile_input_test import HOSTILE

CONFIG = Config().replace(
    num_pairs=400,
    embedding_dim=8,
    units=8,
    batch_size=32,
    epochs=1,
    max_decode_length=12,
    lowercase_target=True,
    translation_memory="exact",
)
SIGNATURES = ("serving_default", "greedy")


@pytest.fixture(scope="module")
def memory_run(tmp_path_factory):
    trainer = Trainer(CONFIG, tmp_path_factory.mktemp("memory_run"))
    trainer.fit(verbose=0)
    return trainer


def plain_translator(trainer):
    return Translator(
        trainer.model,
        trainer.source_tokenizer,
        trainer.target_tokenizer,
        max_decode_length=CONFIG.decoding.max_decode_length,
    )


def training_translations(trainer):
    """`{key: set of lowercased training targets}`."""
    sources, targets = trainer.splits["train"]
    expected = {}
    keys = TranslationMemory.keys_of(list(sources))
    for key, target in zip(keys, targets):
        expected.setdefault(key, set()).add(target.lower())
    return expected


def test_the_run_keeps_one_pair_per_source_the_likeliest(memory_run):
    path = memory_run.run.path / "translation_memory.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["match"] == "exact"
    expected = training_translations(memory_run)
    keys = TranslationMemory.keys_of(saved["sources"])
    # One pair per key of the training sources, none left out.
    assert sorted(keys) == sorted(expected)
    for key, target in zip(keys, saved["targets"]):
        # Normalised as the (lowercasing) target tokenizer normalises.
        assert target in expected[key]
    # Two translations of one training source: the model's likelier one.
    source = memory_run.splits["train"][0][0]
    translations = [saved["targets"][0], "zzzz qqqq"]
    scores = plain_translator(memory_run).score_pairs(
        [source] * 2, translations
    )
    assert scores[0] != scores[1]
    for order in (1, -1):
        trainer = types.SimpleNamespace(
            config=CONFIG,
            splits={"train": ([source] * 2, translations[::order])},
            source_tokenizer=memory_run.source_tokenizer,
            target_tokenizer=memory_run.target_tokenizer,
        )
        memory = Trainer.build_memory(trainer, memory_run.model)
        assert memory.targets == [translations[int(np.argmax(scores))]]


def test_training_sources_get_their_training_translations(memory_run):
    sources = list(memory_run.splits["train"][0][:20])
    expected = training_translations(memory_run)
    translator = memory_run.translator()
    outputs = translator.translate_beam(tf.constant(sources))
    np.testing.assert_array_equal(outputs["memory_similarity"], 1.0)
    translations = [t.decode("utf-8") for t in outputs["translation"].numpy()]
    memory_sources = [s.decode() for s in outputs["memory_source"].numpy()]
    for key, translation, memory_source in zip(
        TranslationMemory.keys_of(sources),
        translations,
        memory_sources,
    ):
        assert translation in expected[key]
        assert TranslationMemory.keys_of([memory_source]) == [key]
    # The memory answers are the memory's in every output.
    ids = memory_run.target_tokenizer.tokenize(outputs["translation"])
    lengths = ids.row_lengths().numpy()
    np.testing.assert_array_equal(outputs["lengths"], lengths)
    for row, length in enumerate(lengths):
        np.testing.assert_array_equal(
            outputs["token_ids"][row, :length], ids[row].numpy()
        )
        assert outputs["token_ids"][row, length] == (
            memory_run.target_tokenizer.end_token_id
        )
        assert not np.any(outputs["token_ids"][row, length + 1 :])
    np.testing.assert_array_equal(outputs["scores"], 0.0)
    np.testing.assert_array_equal(outputs["attention"], 0.0)
    # The reloaded run translates alike.
    reloaded = stages.load_translator(memory_run.run.path)
    assert reloaded.translate_texts(
        sources, beam=True, outputs=("translation", "memory_source")
    ) == (translations, memory_sources)


def test_unmatched_sentences_keep_the_models_translation(memory_run):
    texts = ["zzzz qqqq", "", "..."]
    translator = memory_run.translator()
    outputs = translator.translate(tf.constant(texts))
    np.testing.assert_array_equal(outputs["memory_similarity"], 0.0)
    assert list(outputs["memory_source"].numpy()) == [b""] * 3
    plain = plain_translator(memory_run)
    assert translator.translate_texts(
        texts, outputs=("translation", "memory_source")
    ) == (
        plain.translate_texts(texts),
        [""] * 3,
    )
    # Every other output is the model's own.
    model = plain.translate(tf.constant(texts))
    for key in ("token_ids", "lengths", "scores", "attention"):
        np.testing.assert_array_equal(outputs[key], model[key], err_msg=key)


def test_training_translate_names_the_memory_answers(memory_run, capsys):
    from training import translate

    source = memory_run.splits["train"][0][0]
    match = memory_run.memory.lookup(tf.constant([source]))
    stored = match["source"].numpy()[0].decode()
    translations = translate.main(
        [str(memory_run.run.path), source, "zzzz qqqq"]
    )
    captured = capsys.readouterr()
    assert translations[0] == match["target"].numpy()[0].decode()
    # stdout keeps its source<TAB>translation lines; stderr names the
    # memory's answers.
    assert captured.out.splitlines()[0] == f"{source}\t{translations[0]}"
    assert captured.err == (
        "python -m training.translate: sentence 1: translated by the "
        f"translation memory (training source: {stored!r})\n"
    )


def test_evaluation_uses_the_memory(memory_run):
    metrics = memory_run.evaluate()
    assert metrics["valid"]["sentences"] > 0
    assert 0 <= metrics["valid"]["bleu"] <= 100


def test_the_export_of_minimal_pairs_substitutes_none(memory_run, tmp_path):
    # A memory of one side of each pair in the export of a trained model,
    # loaded in a process with only tensorflow and tensorflow_text.
    pairs = read_minimal_pairs()
    memory = TranslationMemory(
        [p[1] for p in pairs],
        [p[2] for p in pairs],
        target_tokenizer=memory_run.target_tokenizer,
    )
    exporter = SavedModelExporter(
        Translator.from_config(
            memory_run.model,
            memory_run.source_tokenizer,
            memory_run.target_tokenizer,
            CONFIG,
            postprocessor=memory,
        )
    )
    path = exporter.export(tmp_path, "pairs")
    others = [p[3] for p in pairs]
    variants = [spacing_and_punctuation_variants(p[1])[3] for p in pairs]
    report = FreshProcessLoader(path).run(others + variants)
    assert report["modules"] == []
    plain = plain_translator(memory_run)
    expected = {
        "serving_default": plain.translate_texts(others, beam=True),
        "greedy": plain.translate_texts(others),
    }
    n = len(pairs)
    for signature in SIGNATURES:
        outputs = report["outputs"][signature]
        assert outputs["memory_source"] == [""] * n + [p[1] for p in pairs]
        assert outputs["memory_similarity"] == [0.0] * n + [1.0] * n
        assert outputs["translation"][:n] == expected[signature]
        assert outputs["translation"][n:] == [p[2] for p in pairs]
    session = report["session"]
    assert session["memory_source"] == [""] * n + [p[1] for p in pairs]
    assert (
        session["translation"]
        == (report["outputs"]["serving_default"]["translation"])
    )


def test_the_export_carries_the_memory(memory_run, tmp_path):
    sources = list(memory_run.splits["train"][0][:6])
    expected = training_translations(memory_run)
    exporter = SavedModelExporter.from_run_directory(memory_run.run.path)
    path = exporter.export(tmp_path, "memory")
    metadata = json.loads((path / "assets.extra" / "export.json").read_text())
    assert metadata["postprocessor"] == "TranslationMemory"
    serving = tf.saved_model.load(str(path))
    keys = TranslationMemory.keys_of(sources)
    for signature in SIGNATURES:
        outputs = serving.signatures[signature](text=tf.constant(sources))
        for key, translation in zip(keys, outputs["translation"].numpy()):
            assert translation.decode() in expected[key], signature
        np.testing.assert_array_equal(outputs["memory_similarity"], 1.0)
        memory_sources = [s.decode() for s in outputs["memory_source"].numpy()]
        assert TranslationMemory.keys_of(memory_sources) == keys
    # `postprocessor=None` exports the model alone.
    alone = SavedModelExporter.from_run_directory(
        memory_run.run.path, postprocessor=None
    )
    assert alone.metadata["postprocessor"] is None
    assert alone.translator.postprocessor is None


def test_the_export_answers_hostile_input(memory_run, tmp_path):
    exporter = SavedModelExporter.from_run_directory(memory_run.run.path)
    serving = tf.saved_model.load(str(exporter.export(tmp_path, "memory")))
    texts = [HOSTILE[key] for key in sorted(HOSTILE)]
    for name in SIGNATURES:
        for batch in (texts, [], texts * 20):
            result = serving.signatures[name](
                text=tf.constant(batch, tf.string)
            )
            similarity = result["memory_similarity"].numpy()
            assert similarity.shape == result["translation"].shape
            assert similarity.shape == (len(batch),)
            assert result["memory_source"].shape == (len(batch),)
            assert np.all((similarity == 0) | (similarity == 1))
            for translation in result["translation"].numpy():
                translation.decode("utf-8")


def test_a_run_of_the_similarity_memory_still_loads(memory_run, tmp_path):
    # Its config has `translation_memory_threshold` and its memory file
    # every training pair with the n-gram width.
    run_dir = tmp_path / "old_run"
    shutil.copytree(memory_run.run.path, run_dir)
    # A flat config.yaml, as such runs saved it.
    config = Config.from_yaml(run_dir / "config.yaml")
    values = {name.split(".")[1]: value for name, value in config.items()}
    del values["match"]
    values["translation_memory_threshold"] = 0.3
    (run_dir / "config.yaml").write_text(yaml.safe_dump(values), "utf-8")
    sources, targets = memory_run.splits["train"]
    old = {
        "ngram_width": 3,
        "sources": list(sources),
        "targets": [t.lower() for t in targets],
    }
    (run_dir / "translation_memory.json").write_text(
        json.dumps(old, ensure_ascii=False), encoding="utf-8"
    )
    translator = stages.load_translator(run_dir)
    assert translator.postprocessor is not None
    texts = [sources[0], "zzzz qqqq"]
    translations, memory_sources = translator.translate_texts(
        texts, outputs=("translation", "memory_source")
    )
    assert translations[0] == targets[0].lower()
    assert memory_sources == [sources[0], ""]


def test_a_missing_memory_file_is_a_clear_error(memory_run, tmp_path):
    tokenizer = memory_run.target_tokenizer
    with pytest.raises(UsageError, match="translation_memory.json is missing"):
        stages.load_memory(tmp_path, CONFIG, tokenizer)
    off = CONFIG.replace(translation_memory="off")
    assert stages.load_memory(memory_run.run.path, off, tokenizer) is None
    # A memory without the tokenizer that gives its answers ids.
    memory = TranslationMemory(["a"], ["b"])
    with pytest.raises(ValueError, match="only with the target_tokenizer"):
        memory(tf.constant(["a"]), {})


@pytest.mark.parametrize(
    "threshold, expected", [(0.3, "exact"), (1, "exact"), (None, "off")]
)
def test_the_similarity_threshold_reads_as_the_exact_rule(threshold, expected):
    config = Config.from_dict({"translation_memory_threshold": threshold})
    assert config.memory.match == expected


def test_off_in_yaml_is_off(tmp_path):
    # YAML 1.1 reads an unquoted `off` as false.
    path = tmp_path / "off.yaml"
    path.write_text("translation_memory: off\n", "utf-8")
    assert Config.from_yaml(path).memory.match == "off"
    path.write_text("translation_memory: exact\n", "utf-8")
    assert Config.from_yaml(path).memory.match == "exact"


def test_a_yaml_file_with_the_threshold_names_its_line(tmp_path, capsys):
    path = tmp_path / "old.yaml"
    path.write_text("units: 8\ntranslation_memory_threshold: 0.3\n", "utf-8")
    assert Config.from_yaml(path).memory.match == "exact"
    assert capsys.readouterr().err.startswith(
        f"note: {path}: flat config fields (units, "
        "translation_memory_threshold) read into their sections"
    )


@pytest.mark.parametrize(
    "values, message",
    [
        ({"translation_memory_threshold": 0}, "similarity in \\(0, 1\\]"),
        ({"translation_memory_threshold": 1.5}, "similarity in \\(0, 1\\]"),
        ({"translation_memory_threshold": "yes"}, "similarity in \\(0, 1\\]"),
        (
            {
                "translation_memory_threshold": 0.3,
                "translation_memory": "exact",
            },
            "give only that one",
        ),
        (
            {"translation_memory": "fuzzy"},
            "must be one of \\('off', 'exact'\\)",
        ),
    ],
)
def test_bad_memory_fields_are_refused(values, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_dict(values)
