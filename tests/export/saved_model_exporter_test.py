import json
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.decoding.translator import Translator
from keras_attention.export.fresh_process_loader import FreshProcessLoader
from keras_attention.export.saved_model_exporter import DECODING
from keras_attention.export.saved_model_exporter import OUTPUT_KEYS
from keras_attention.export.saved_model_exporter import SavedModelExporter
from keras_attention.export.saved_model_exporter import next_version
from keras_attention.models.encoder_decoder import EncoderDecoder
from training import export

# Ops that exist in core TensorFlow but cannot run in TF Serving.
PYTHON_OPS = {"PyFunc", "PyFuncStateless", "EagerPyFunc"}


def sentences(tiny_run):
    return tiny_run.splits["test"][0][:12] + [
        NOTE_SENTENCE,
        "",
        "나는 🙂 학생 입니다!",
        "Ünïcödé ?",
        "두 줄\n문장",
    ]


def in_process(exporter, texts):
    translator = exporter.translator
    texts = tf.constant(texts)
    return {
        "serving_default": translator.translate_beam(texts),
        "greedy": translator.translate(texts),
    }


def assert_same_outputs(actual, expected):
    assert set(actual) == set(OUTPUT_KEYS)
    translations = [t.decode("utf-8") for t in expected["translation"].numpy()]
    assert list(actual["translation"]) == translations
    for key in ("token_ids", "lengths", "source_lengths"):
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)
    for key in ("scores", "attention"):
        np.testing.assert_allclose(
            actual[key], expected[key], atol=1e-5, err_msg=key
        )


@pytest.fixture(scope="module")
def fresh_process(tiny_export, tiny_run):
    """The export run by `FreshProcessLoader` in a new interpreter."""
    texts = sentences(tiny_run)
    return texts, FreshProcessLoader(tiny_export.path).run(texts)


def test_fresh_process_translates_exactly_like_the_library(
    fresh_process, tiny_export
):
    texts, report = fresh_process
    assert report["modules"] == []  # no keras_attention module was loaded
    expected = in_process(tiny_export.exporter, texts)
    for name in ("serving_default", "greedy"):
        assert_same_outputs(report["outputs"][name], expected[name])
    # Beam and greedy differ somewhere, or the test would prove little.
    assert report["outputs"]["serving_default"] != report["outputs"]["greedy"]


def test_tf1_session_loader_gives_the_same_outputs(fresh_process, tiny_export):
    # TF Serving's path: Session + loader.load(["serve"]) + signature_def.
    texts, report = fresh_process
    expected = in_process(tiny_export.exporter, texts)["serving_default"]
    assert_same_outputs(report["session"], expected)


def test_graph_uses_only_core_and_tensorflow_text_ops(fresh_process):
    _, report = fresh_process
    assert report["unknown_ops"] == []
    assert not PYTHON_OPS & set(report["ops"])
    # The tokenizer's ops come from tensorflow-text; everything else is core.
    assert {"NormalizeUTF8", "RegexSplitWithOffsets"} <= set(report["text_ops"])
    assert "StatelessWhile" in report["ops"] or "While" in report["ops"]


def test_signatures(serving):
    for name in ("serving_default", "greedy"):
        function = serving.signatures[name]
        args, kwargs = function.structured_input_signature
        assert args == ()
        assert kwargs == {"text": tf.TensorSpec([None], tf.string, name="text")}
        outputs = function.structured_outputs
        assert set(outputs) == set(OUTPUT_KEYS)
        assert outputs["translation"].dtype == tf.string
        assert outputs["translation"].shape.as_list() == [None]
        assert outputs["attention"].shape.rank == 3
        assert outputs["token_ids"].dtype == tf.int32


def test_vocabularies_travel_inside_the_graph(tiny_export, tiny_run):
    graph = (tiny_export.path / "saved_model.pb").read_bytes()
    for tokenizer in (tiny_run.source_tokenizer, tiny_run.target_tokenizer):
        missing = [
            token
            for token in tokenizer.vocabulary
            if token.encode("utf-8") not in graph
        ]
        assert missing == []
    metadata = json.loads(
        (tiny_export.path / "assets.extra" / "export.json").read_text()
    )
    assert metadata["beam_width"] == 4
    assert (
        metadata["max_decode_length"]
        == tiny_run.config.decoding.max_decode_length
    )


def test_version_directory_is_readable_and_complete(tiny_export):
    assert sorted(p.name for p in tiny_export.base.iterdir()) == ["1"]
    assert oct(tiny_export.path.stat().st_mode & 0o777) == oct(0o755)
    for name in ("saved_model.pb", "variables/variables.index"):
        assert (tiny_export.path / name).exists()


class _FakeExporter(SavedModelExporter):
    """Skips the model: writes one file, or fails half-way."""

    def __init__(self, fail=False):
        self.fail = fail

    def write(self, path):
        (pathlib.Path(path) / "saved_model.pb").write_text("fake")
        if self.fail:
            raise RuntimeError("disk full")


def test_versions_increase_and_ignore_other_directories(tmp_path):
    base = tmp_path / "ko_en"
    for name in ("1", "7", "tmp", ".export-x", "12abc"):
        (base / name).mkdir(parents=True)
    assert next_version(base) == 8
    path = _FakeExporter().export(tmp_path, "ko_en")
    assert path == base / "8"
    assert (path / "saved_model.pb").read_text() == "fake"
    assert _FakeExporter().export(tmp_path, "ko_en") == base / "9"
    assert _FakeExporter().export(tmp_path, "new") == tmp_path / "new" / "1"


def test_a_failed_export_leaves_no_version(tmp_path):
    with pytest.raises(RuntimeError, match="disk full"):
        _FakeExporter(fail=True).export(tmp_path, "ko_en")
    assert list((tmp_path / "ko_en").iterdir()) == []


@pytest.mark.parametrize("name", ["", "a/b", "..", "."])
def test_invalid_names(tmp_path, name):
    with pytest.raises(ValueError, match="one directory name"):
        _FakeExporter().export(tmp_path, name)


def test_refuses_an_untrained_model(tiny_run):
    model = EncoderDecoder(
        tiny_run.source_tokenizer.vocabulary_size,
        tiny_run.target_tokenizer.vocabulary_size,
        embedding_dim=8,
        units=8,
    )
    tokenizers = (tiny_run.source_tokenizer, tiny_run.target_tokenizer)
    with pytest.raises(ValueError, match="Refusing to export an untrained"):
        SavedModelExporter(Translator.from_config(model, *tokenizers))
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    with pytest.raises(ValueError, match="optimizer has taken no step"):
        SavedModelExporter(Translator.from_config(model, *tokenizers))
    # Weights loaded by hand: the caller vouches for them.
    SavedModelExporter(
        Translator.from_config(model, *tokenizers), restored=True
    )
    # The trained model itself is accepted.
    SavedModelExporter(Translator.from_config(tiny_run.model, *tokenizers))


def test_refuses_a_run_directory_without_a_model(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="model.keras is missing"):
        SavedModelExporter.from_run_directory(tmp_path)
    output = tmp_path / "out"
    with pytest.raises(SystemExit) as caught:
        export.main([str(tmp_path), "--name", "x", "--output-dir", str(output)])
    assert caught.value.code == 2
    assert "Refusing to export" in capsys.readouterr().err
    assert not output.exists()


def test_help_explains_layout_and_serving(capsys):
    with pytest.raises(SystemExit) as exit_info:
        export.parse_args(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for expected in (
        "--beam-width",
        "OUTPUT_DIR/NAME/VERSION/",
        "serving_default",
        "greedy",
        "tensorflow_model_server",
        '{"instances"',
    ):
        assert expected in text


def test_fresh_process_failure_is_reported(tmp_path):
    loader = FreshProcessLoader(tmp_path, python="/bin/false")
    with pytest.raises(RuntimeError, match="in a fresh process failed"):
        loader.run(["x"])


def test_fresh_process_translate_picks_a_signature(fresh_process, tiny_export):
    texts, report = fresh_process
    loader = FreshProcessLoader(tiny_export.path)
    loader.run = lambda sentences: report
    for name in ("serving_default", "greedy"):
        translations = report["outputs"][name]["translation"]
        assert loader.translate(texts, name) == translations


@pytest.mark.slow
def test_sentencepiece_tokenizers_export(tmp_path):
    # The exporter only needs tokenize/detokenize and trackable resources:
    # a SentencePiece model travels inside the graph (an op attribute).
    from keras_attention.data.bundled_corpus import BundledCorpus
    from keras_attention.text.sentencepiece_tokenizer import (
        SentencePieceTokenizer,
    )

    corpus = BundledCorpus(num_pairs=2000)
    tokenizers = [
        SentencePieceTokenizer.from_texts(
            [getattr(pair, side) for pair in corpus.train],
            vocabulary_size=800,
            model_path=tmp_path / f"{side}.model",
        )
        for side in ("source", "target")
    ]
    model = EncoderDecoder(
        tokenizers[0].vocabulary_size,
        tokenizers[1].vocabulary_size,
        embedding_dim=8,
        units=8,
    )
    exporter = SavedModelExporter(
        Translator.from_config(model, *tokenizers, max_decode_length=8),
        restored=True,
    )
    path = exporter.export(tmp_path / "saved_models", "sp")
    texts = ["나는 학생 입니다.", "", "\x00\xff"]
    report = FreshProcessLoader(path).run(texts)
    assert report["unknown_ops"] == []
    assert "SentencepieceOp" in report["text_ops"]
    expected = exporter.translator.translate_beam(tf.constant(texts))
    assert_same_outputs(report["outputs"]["serving_default"], expected)
    assert_same_outputs(report["session"], expected)


@pytest.mark.slow
def test_input_feeding_and_tied_models_export(tiny_run, tmp_path):
    # The 12.1 model options keep encode/decode_step: greedy and beam
    # search and the SavedModel work with the extra fed state.
    keras.utils.set_random_seed(3)
    model = EncoderDecoder(
        tiny_run.source_tokenizer.vocabulary_size,
        tiny_run.target_tokenizer.vocabulary_size,
        embedding_dim=16,
        units=32,
        decoder="luong",
        input_feeding=True,
        tie_embeddings=True,
        word_dropout=0.1,
    )
    exporter = SavedModelExporter(
        Translator.from_config(
            model,
            tiny_run.source_tokenizer,
            tiny_run.target_tokenizer,
            max_decode_length=12,
        ),
        restored=True,
    )
    path = exporter.write(tmp_path / "1")
    loaded = tf.saved_model.load(str(path))
    texts = sentences(tiny_run)[:6]
    expected = in_process(exporter, texts)
    for name in ("serving_default", "greedy"):
        outputs = loaded.signatures[name](text=tf.constant(texts))
        actual = {
            key: [t.decode("utf-8") for t in value.numpy()]
            if value.dtype == tf.string
            else value.numpy()
            for key, value in outputs.items()
        }
        assert_same_outputs(actual, expected[name])
        assert max(actual["lengths"]) > 0


def test_decoding_defaults_are_the_configs():
    import inspect

    from keras_attention.config import Config
    from keras_attention.decoding.translator import Translator

    expected = Config().decoding.to_dict()
    parameters = inspect.signature(Translator.__init__).parameters
    assert {name: parameters[name].default for name in expected} == expected
    # The exporter records the translator's settings, the same fields.
    assert set(DECODING) == set(expected)
    from keras_attention.decoding.beam_search import BeamSearch

    parameters = inspect.signature(BeamSearch.__init__).parameters
    for name in ("beam_width", "length_penalty"):
        assert parameters[name].default == expected[name]
    assert parameters["stopping"].default == expected["beam_stopping"]


def test_export_flags_override_the_runs_decoding_config(tiny_run, tmp_path):
    import shutil

    from keras_attention.config import Config

    run = tmp_path / "run"
    shutil.copytree(
        tiny_run.run.path, run, ignore=shutil.ignore_patterns("data")
    )
    config = Config.from_yaml(run / "config.yaml")
    config.replace(beam_width=3, length_penalty=1.0).to_yaml(
        run / "config.yaml"
    )
    metadata = SavedModelExporter.from_run_directory(run).metadata
    assert (metadata["beam_width"], metadata["length_penalty"]) == (3, 1.0)
    assert metadata["max_source_length"] == 256
    assert metadata["max_decode_length"] == config.decoding.max_decode_length
    status = export.main(
        [str(run), "--name", "m", "--output-dir", str(tmp_path / "out")]
        + ["--length-penalty", "0.2", "--max-source-length", "9"]
        + ["--beam-stopping", "heuristic"]
    )
    assert status == 0
    exported = json.loads(
        (
            tmp_path / "out" / "m" / "1" / "assets.extra" / "export.json"
        ).read_text()
    )
    assert exported["beam_width"] == 3  # the config's
    assert exported["length_penalty"] == 0.2  # the flags'
    assert exported["max_source_length"] == 9
    assert exported["beam_stopping"] == "heuristic"  # the flags'
