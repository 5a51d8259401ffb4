"""A run with a translation memory: train, reload, evaluate, export."""

import json

import numpy as np
import pytest
import tensorflow as tf

from keras_attention.config import Config
from keras_attention.config_error import ConfigError
from keras_attention.decoding.translation_memory import TranslationMemory
from keras_attention.decoding.translator import Translator
from keras_attention.export.fresh_process_loader import FreshProcessLoader
from keras_attention.export.saved_model_exporter import SavedModelExporter
from keras_attention.run_directory import RunDirectory
from keras_attention.trainer import Trainer
from keras_attention.usage_error import UsageError
from tests.export.hostile_input_test import HOSTILE

CONFIG = Config(
    num_pairs=400,
    embedding_dim=8,
    units=8,
    batch_size=32,
    epochs=1,
    max_decode_length=12,
    lowercase_target=True,
    translation_memory_threshold=0.99,
)


@pytest.fixture(scope="module")
def memory_run(tmp_path_factory):
    trainer = Trainer(CONFIG, tmp_path_factory.mktemp("memory_run"))
    trainer.fit(verbose=0)
    return trainer


def expected_targets(trainer):
    """`{source: set of lowercased training targets}`."""
    sources, targets = trainer.splits["train"]
    expected = {}
    for source, target in zip(sources, targets):
        expected.setdefault(source, set()).add(target.lower())
    return expected


def test_the_run_keeps_its_training_pairs(memory_run):
    path = memory_run.run.path / "translation_memory.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    sources, targets = memory_run.splits["train"]
    assert saved["sources"] == list(sources)
    # Normalised as the (lowercasing) target tokenizer normalises.
    assert saved["targets"] == [target.lower() for target in targets]
    assert saved["ngram_width"] == 3


def test_training_sources_get_their_training_translations(memory_run):
    sources = list(memory_run.splits["train"][0][:20])
    expected = expected_targets(memory_run)
    translator = memory_run.translator()
    outputs = translator.translate_beam(tf.constant(sources))
    np.testing.assert_allclose(outputs["memory_similarity"], 1.0)
    translations = [t.decode("utf-8") for t in outputs["translation"].numpy()]
    for source, translation in zip(sources, translations):
        assert translation in expected[source]
    # The reloaded run translates alike.
    reloaded = RunDirectory(memory_run.run.path).translator()
    assert reloaded.translate_texts(sources, beam=True) == translations


def test_unmatched_sentences_keep_the_models_translation(memory_run):
    texts = ["zzzz qqqq", ""]
    translator = memory_run.translator()
    plain = Translator(
        memory_run.model,
        memory_run.source_tokenizer,
        memory_run.target_tokenizer,
        max_decode_length=CONFIG.max_decode_length,
    )
    outputs = translator.translate(tf.constant(texts))
    assert np.all(outputs["memory_similarity"].numpy() < 0.99)
    assert translator.translate_texts(texts) == plain.translate_texts(texts)


def test_evaluation_uses_the_memory(memory_run):
    metrics = memory_run.evaluate()
    # The valid split's sources that are also training sources are
    # translated by the memory: every such sentence matches a reference
    # unless its training translation differs from its valid one.
    assert metrics["valid"]["sentences"] > 0
    assert 0 <= metrics["valid"]["bleu"] <= 100


def test_the_export_carries_the_memory(memory_run, tmp_path):
    sources = list(memory_run.splits["train"][0][:6])
    expected = expected_targets(memory_run)
    exporter = SavedModelExporter.from_run_directory(memory_run.run.path)
    path = exporter.export(tmp_path, "memory")
    metadata = json.loads((path / "assets.extra" / "export.json").read_text())
    assert metadata["translation_memory_threshold"] == 0.99
    report = FreshProcessLoader(path).run(sources + ["", "\x00\xff"])
    assert report["modules"] == []
    for signature in ("serving_default", "greedy"):
        outputs = report["outputs"][signature]
        for source, translation in zip(sources, outputs["translation"]):
            assert translation in expected[source], signature
        np.testing.assert_allclose(outputs["memory_similarity"][:6], 1.0)
        assert len(outputs["translation"]) == 8
    session = report["session"]["translation"]
    assert (
        session[:6] == report["outputs"]["serving_default"]["translation"][:6]
    )


def test_the_export_answers_hostile_input(memory_run, tmp_path):
    exporter = SavedModelExporter.from_run_directory(memory_run.run.path)
    serving = tf.saved_model.load(str(exporter.export(tmp_path, "memory")))
    texts = [HOSTILE[key] for key in sorted(HOSTILE)]
    for name in ("serving_default", "greedy"):
        for batch in (texts, [], texts * 20):
            result = serving.signatures[name](
                text=tf.constant(batch, tf.string)
            )
            similarity = result["memory_similarity"].numpy()
            assert similarity.shape == result["translation"].shape
            assert similarity.shape == (len(batch),)
            assert np.all((similarity >= 0) & (similarity <= 1))
            for translation in result["translation"].numpy():
                translation.decode("utf-8")


def test_a_missing_memory_file_is_a_clear_error(memory_run, tmp_path):
    run = RunDirectory(memory_run.run.path)
    with pytest.raises(UsageError, match="translation_memory.json is missing"):
        RunDirectory(tmp_path).load_memory(CONFIG)
    assert (
        run.load_memory(CONFIG.replace(translation_memory_threshold=None))
        is None
    )
    with pytest.raises(ValueError, match="no translation memory was given"):
        Translator.from_config(
            memory_run.model,
            memory_run.source_tokenizer,
            memory_run.target_tokenizer,
            CONFIG,
        )
    with pytest.raises(ValueError, match="needs memory_threshold"):
        Translator(
            memory_run.model,
            memory_run.source_tokenizer,
            memory_run.target_tokenizer,
            memory=TranslationMemory(["a"], ["b"]),
        )


@pytest.mark.parametrize("threshold", [0, 1.5, -0.1])
def test_the_threshold_is_a_similarity(threshold):
    with pytest.raises(ConfigError, match="translation_memory_threshold"):
        Config(translation_memory_threshold=threshold)
