"""A run trained on JAX (or PyTorch) reloads under TensorFlow and exports.

The run is trained by `backend_run.py` in a subprocess on that backend,
which also writes the run's own greedy translations (a Python loop over
`keras.ops`, on that backend). Here, under TensorFlow, the exported
SavedModel must translate exactly like them (greedy), and its beam search
exactly like `Translator` on the reloaded model; the translation memory
and hostile inputs included.
"""

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
import yaml

from keras_attention.config import Config
from keras_attention.decoding.translator import Translator
from keras_attention.export.saved_model_exporter import SavedModelExporter
from keras_attention.task import stages

ROOT = pathlib.Path(__file__).parents[2]
CONFIG = Config().replace(
    embedding_dim=16,
    units=32,
    num_pairs=400,
    corpus_seed=7,
    batch_size=32,
    epochs=2,
    learning_rate=0.01,
    # Two shapes per side: JAX compiles the train step once for each.
    pad_to_multiple=16,
    max_decode_length=16,
    beam_width=3,
    translation_memory="exact",
)

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="exports under TensorFlow (the run trains in a subprocess)",
)


def train_on(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (pip install .[{backend}])")
    config_path = tmp_path / "config.yaml"
    config_path.write_text(
        yaml.safe_dump(CONFIG.replace(backend=backend).to_dict()), "utf-8"
    )
    run_dir, out = tmp_path / "run", tmp_path / "own.json"
    env = dict(
        os.environ,
        KERAS_BACKEND=backend,
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [
            sys.executable,
            str(pathlib.Path(__file__).parent / "backend_run.py"),
            config_path,
            run_dir,
            out,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return run_dir, json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize("backend", ["jax"])
def test_run_trained_on_another_backend_exports_its_own_translations(
    backend, tmp_path
):
    run_dir, own = train_on(backend, tmp_path)
    assert own["backend"] == backend
    model, source_tokenizer, target_tokenizer, config = stages.load_run(run_dir)
    # The weights mean the same on TensorFlow.
    batch = {k: np.array(v, "int32") for k, v in own["batch"].items()}
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(batch)), own["logits"], atol=1e-4
    )
    version = SavedModelExporter.from_run_directory(run_dir).export(
        tmp_path / "saved_models", "run"
    )
    loaded = tf.saved_model.load(str(version))
    texts = tf.constant(own["sentences"])

    def served(name):
        outputs = loaded.signatures[name](text=texts)
        return [t.decode("utf-8") for t in outputs["translation"].numpy()]

    # Greedy: the SavedModel translates as the run did on its backend.
    assert served("greedy") == own["translations"]
    # The memory answered some sentences, the model the others.
    assert own["translations"] != own["model_translations"]
    assert len(set(own["model_translations"])) > 3
    # Beam: as the library's Translator on the reloaded run.
    translator = Translator.from_config(
        model,
        source_tokenizer,
        target_tokenizer,
        config,
        postprocessor=stages.load_memory(run_dir, config, target_tokenizer),
    )
    assert served("serving_default") == translator.translate_texts(
        own["sentences"], beam=True
    )
