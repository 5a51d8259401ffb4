"""The SavedModel of every model variant, in a fresh process and hostile.

`tiny_export` covers the default model (GRU, seed decoder, one layer,
unidirectional, dot score). Here the variants of `tests/conftest.py` are
exported (one export each): the fresh process that knows nothing of this
project must translate test sentences and hostile strings exactly as the
in-process `Translator` does, through both signatures, and raw hostile
bytes must give well-formed answers of the right shape.
"""

import numpy as np
import pytest
import tensorflow as tf
from hostile_input_test import HOSTILE
from hostile_input_test import check

from keras_attention.decoding.translator import Translator
from keras_attention.export.fresh_process_loader import FreshProcessLoader
from keras_attention.export.saved_model_exporter import OUTPUT_KEYS
from keras_attention.export.saved_model_exporter import SavedModelExporter

# One export and one fresh process per variant: the default suite exports
# the combination of every non-default option; the others are slow.
DEFAULT_VARIANTS = ["lstm_2_layers_bidirectional_luong_general"]
# A megabyte is `hostile_input_test`'s business; here every case but it.
HOSTILE_CASES = sorted(case for case in HOSTILE if case != "one_megabyte")
SIGNATURES = {"serving_default": "translate_beam", "greedy": "translate"}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """`exports(variant)`: `(exporter, path)`, one export per variant."""
    cache = {}

    def get(variant):
        if variant.name not in cache:
            exporter = SavedModelExporter(
                Translator.from_config(
                    variant.model,
                    variant.source_tokenizer,
                    variant.target_tokenizer,
                    max_decode_length=variant.config.decoding.max_decode_length,
                )
            )
            output = tmp_path_factory.mktemp(f"export_{variant.name}")
            cache[variant.name] = exporter, exporter.export(output, "v")
        return cache[variant.name]

    return get


def texts_and_strings(variant):
    """Test sentences plus every hostile case that is valid UTF-8 (JSON
    carries only those to the fresh process)."""
    strings = []
    for case in HOSTILE_CASES:
        try:
            strings.append(HOSTILE[case].decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return variant.sources + strings


def test_fresh_process_translates_like_the_in_process_translator(
    model_variant, exports
):
    exporter, path = exports(model_variant)
    texts = texts_and_strings(model_variant)
    report = FreshProcessLoader(path).run(texts)
    assert report["modules"] == [] and report["unknown_ops"] == []
    for signature, method in SIGNATURES.items():
        expected = getattr(exporter.translator, method)(tf.constant(texts))
        actual = report["outputs"][signature]
        assert set(actual) == set(OUTPUT_KEYS)
        assert actual["translation"] == [
            t.decode("utf-8") for t in expected["translation"].numpy()
        ]
        for key in ("token_ids", "lengths", "source_lengths"):
            np.testing.assert_array_equal(
                actual[key], expected[key], err_msg=f"{signature} {key}"
            )
        for key in ("scores", "attention"):
            np.testing.assert_allclose(
                actual[key],
                expected[key],
                atol=1e-5,
                err_msg=f"{signature} {key}",
            )
    # TF Serving's loader (TF1 session) answers like tf.saved_model.load.
    assert (
        report["session"]["translation"]
        == (report["outputs"]["serving_default"]["translation"])
    )
    np.testing.assert_allclose(
        report["session"]["scores"],
        report["outputs"]["serving_default"]["scores"],
        atol=1e-5,
    )
    # Beam and greedy differ somewhere, or the comparison proves little.
    beam, greedy = (report["outputs"][s]["translation"] for s in SIGNATURES)
    assert beam != greedy


def test_hostile_bytes_give_answers_of_the_right_shape(model_variant, exports):
    exporter, path = exports(model_variant)
    serving = tf.saved_model.load(str(path))
    texts = [HOSTILE[case] for case in HOSTILE_CASES]
    for signature, method in SIGNATURES.items():
        result = serving.signatures[signature](text=tf.constant(texts))
        check(result, texts, model_variant.config.decoding.max_decode_length)
        expected = getattr(exporter.translator, method)(tf.constant(texts))
        assert result["translation"].numpy().tolist() == (
            expected["translation"].numpy().tolist()
        )
        np.testing.assert_array_equal(
            result["lengths"], expected["lengths"], err_msg=signature
        )
