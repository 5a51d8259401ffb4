"""The public API: what the README names imports, every subpackage exports."""

import importlib
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# `keras_attention.a.B` and `from keras_attention.a import B, C`.
_DOTTED = re.compile(r"\bkeras_attention(?:\.[A-Za-z_]\w*)+")
_FROM = re.compile(r"from (keras_attention[\w.]*) import ([\w, ]+)")


def documented_names():
    names = set()
    for document in DOCUMENTS:
        text = document.read_text("utf-8")
        names.update(_DOTTED.findall(text))
        for module, imported in _FROM.findall(text):
            names.update(f"{module}.{n.strip()}" for n in imported.split(","))
    return sorted(names)


def resolve(dotted):
    """Imports the longest importable module prefix, then getattr the rest."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            value = getattr(value, attribute)
        return value
    raise ImportError(dotted)


def test_the_documents_name_something():
    assert "keras_attention.models.EncoderDecoder" in documented_names()


@pytest.mark.parametrize("name", documented_names())
def test_every_documented_name_imports(name):
    assert resolve(name) is not None


EXPORTS = {
    "keras_attention": ["Config", "DotAttention", "EncoderDecoder", "Trainer"],
    "keras_attention.layers": ["DotAttention"],
    "keras_attention.models": ["EncoderDecoder"],
    "keras_attention.text": [
        "Normalizer",
        "SentencePieceTokenizer",
        "WordTokenizer",
    ],
    "keras_attention.data": [
        "AlignedReader",
        "AnkiReader",
        "CorpusReader",
        "CsvReader",
        "TsvReader",
        "make_dataset",
        "make_streaming_dataset",
    ],
    "keras_attention.decoding": [
        "BeamSearch",
        "GreedySearch",
        "TranslationMemory",
        "Translator",
    ],
    "keras_attention.export": ["SavedModelExporter"],
    "keras_attention.evaluation": ["Evaluator", "TranslationScorer"],
    "keras_attention.tuning": ["ConfigSearch", "ConfigHyperModel"],
    "keras_attention.losses": ["LabelSmoothedCrossentropy"],
    "keras_attention.callbacks": ["TimeBudget"],
}


@pytest.mark.parametrize("package", sorted(EXPORTS))
def test_subpackages_export_their_public_names(package):
    module = importlib.import_module(package)
    for name in EXPORTS[package]:
        assert name in module.__all__
        assert getattr(module, name).__name__ == name
    # `__all__` lists only what the package has.
    for name in module.__all__:
        assert hasattr(module, name)


def test_config_imports_without_tensorflow():
    # The command-line scripts import Config before parsing `--help`.
    code = (
        "import sys; import keras_attention.config; "
        "assert 'tensorflow' not in sys.modules, 'tensorflow imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
