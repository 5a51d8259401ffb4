"""A mixed_float16 run exports, serves, and translates like float32."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_attention.decoding.translator import Translator
from keras_attention.export.saved_model_exporter import SavedModelExporter
from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.task.trainer import Trainer
from tests.conftest import TINY_CONFIG
from training import export


@pytest.fixture(scope="module")
def float16_run(tmp_path_factory):
    config = TINY_CONFIG.replace(
        mixed_precision="mixed_float16", num_pairs=1000
    )
    trainer = Trainer(config, tmp_path_factory.mktemp("float16_run"))
    trainer.fit(verbose=0)
    return trainer


def float32_copy(model):
    """The same weights in a float32 model."""
    copy = EncoderDecoder.from_config(
        {**model.get_config(), "dtype": "float32"}
    )
    copy.set_weights(model.get_weights())
    return copy


def test_float16_training_scales_the_loss_and_learns(float16_run):
    model = float16_run.model
    assert model.dtype_policy.name == "mixed_float16"
    assert model.get_layer("logits").compute_dtype == "float16"
    assert all(w.dtype == "float32" for w in model.weights)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    losses = float16_run.history["loss"]
    assert np.isfinite(losses).all() and losses[1] < losses[0]


def test_export_translates_like_the_float32_graph(float16_run, tmp_path):
    """The float16 SavedModel against the same weights computed in float32.

    Tolerance: at least 90% of the greedy translations identical (observed:
    all) and teacher-forced log-probabilities within 0.05 (observed ~0.01;
    float16 keeps 11 significant bits).
    """
    run_dir = str(float16_run.run.path)
    assert (
        export.main([run_dir, "--name", "f16", "--output-dir", str(tmp_path)])
        == 0
    )
    exporter = SavedModelExporter.from_run_directory(run_dir)
    # The run directory keeps the policy: the export computes in float16.
    assert exporter.model.dtype_policy.name == "mixed_float16"
    served = tf.saved_model.load(str(tmp_path / "f16" / "1"))
    sources, targets = float16_run.splits["test"]
    texts = tf.constant(sources)
    outputs = served.signatures["greedy"](text=texts)
    translator = Translator(
        float32_copy(exporter.model),
        float16_run.source_tokenizer,
        float16_run.target_tokenizer,
        max_decode_length=float16_run.config.decoding.max_decode_length,
    )
    float32 = translator.translate(texts)
    same = np.mean(
        outputs["translation"].numpy() == float32["translation"].numpy()
    )
    print(f"identical translations: {same:.1%}")
    assert same >= 0.9
    assert outputs["attention"].dtype == tf.float32
    assert not np.isnan(outputs["attention"].numpy()).any()

    batch = next(iter(float16_run.data["test"]))[0]
    log_probs = [
        tf.nn.log_softmax(m(batch)).numpy()
        for m in (exporter.model, float32_copy(exporter.model))
    ]
    assert log_probs[0].dtype == np.float32
    print(
        f"max |log p16 - log p32|: {np.abs(log_probs[0] - log_probs[1]).max()}"
    )
    np.testing.assert_allclose(log_probs[0], log_probs[1], atol=0.05)
