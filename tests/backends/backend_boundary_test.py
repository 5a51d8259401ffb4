"""The backend boundary: which packages may use TensorFlow, and loading.

Runs under any `KERAS_BACKEND` (`make test-backends` runs it on JAX and
PyTorch too).
"""

import ast
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_attention import backend
from keras_attention.config import Config
from keras_attention.config_error import ConfigError
from keras_attention.models.encoder_decoder import EncoderDecoder

ROOT = pathlib.Path(__file__).parents[2]
PACKAGE = ROOT / "keras_attention"
# Keras only (`keras.ops`, layers, losses, metrics, callbacks).
BACKEND_AGNOSTIC = (
    "layers",
    "models",
    "losses",
    "metrics",
    "callbacks",
)
INPUTS = {
    "encoder_token_ids": np.array([[5, 6, 7, 0], [3, 4, 0, 0]], "int32"),
    "decoder_token_ids": np.array([[2, 9, 10], [2, 11, 12]], "int32"),
}


def imported_modules(path):
    """Every module an `import` or `from … import` of `path` names."""
    names = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", BACKEND_AGNOSTIC)
def test_backend_agnostic_packages_never_import_tensorflow(package):
    files = sorted((PACKAGE / package).glob("**/*.py"))
    assert files
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.split(".")[0] in ("tensorflow", "tensorflow_text", "tf_keras")
    ]
    assert offenders == []


def test_the_tensorflow_side_does_import_it():
    # The other side of the boundary, so the parser above is not blind.
    searches = imported_modules(PACKAGE / "decoding" / "greedy_search.py")
    assert "tensorflow" in searches


def python(code, backend_name=None, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2")
    if backend_name:
        env["KERAS_BACKEND"] = backend_name
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


LOAD = (
    "import sys, numpy as np\n"
    "{imports}\n"
    "model = keras.saving.load_model(sys.argv[1])\n"
    "inputs = dict(np.load(sys.argv[2]))\n"
    "out = keras.ops.convert_to_numpy(model(inputs))\n"
    "np.save(sys.argv[3], out)\n"
    "print(keras.backend.backend(), type(model).__name__)\n"
)


@pytest.mark.parametrize(
    "imports",
    [
        "import keras_attention\nimport keras",
        "import keras\nimport keras_attention",
    ],
    ids=["keras_attention_first", "keras_first"],
)
def test_import_keras_attention_is_enough_to_load_an_encoder_decoder(
    tmp_path, imports
):
    # Regression: the lazily loaded top level left EncoderDecoder
    # unregistered ("Could not locate class 'EncoderDecoder'").
    keras.utils.set_random_seed(0)
    model = EncoderDecoder(20, 24, embedding_dim=8, units=16, decoder="luong")
    model.save(tmp_path / "model.keras")
    np.savez(tmp_path / "inputs.npz", **INPUTS)
    result = python(
        LOAD.format(imports=imports),
        keras.backend.backend(),
        tmp_path / "model.keras",
        tmp_path / "inputs.npz",
        tmp_path / "out.npy",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [keras.backend.backend(), "EncoderDecoder"]
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"),
        keras.ops.convert_to_numpy(model(INPUTS)),
        atol=1e-6,
    )


def test_config_imports_neither_keras_nor_tensorflow_and_then_registers():
    result = python(
        "import sys, keras_attention.config\n"
        "assert 'keras' not in sys.modules\n"
        "assert 'tensorflow' not in sys.modules\n"
        "import keras\n"
        "print(keras.saving.get_registered_object("
        "'keras_attention>EncoderDecoder').__name__)\n"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["EncoderDecoder"]


def test_backend_config_field_is_validated():
    assert Config().distribution.backend is None
    assert Config().replace(backend="jax").distribution.backend == "jax"
    with pytest.raises(ConfigError, match="backend.*Received: backend='mxnet'"):
        Config().replace(backend="mxnet")


def test_select_backend_names_a_missing_package(monkeypatch):
    monkeypatch.setattr(backend.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(
        ConfigError,
        match=r"'jax', but the jax package is not installed \(pip install "
        r"\.\[jax\]\)",
    ):
        backend.select_backend("jax")


def test_select_backend_refuses_another_backend_once_keras_is_imported():
    other = "jax" if keras.backend.backend() != "jax" else "torch"
    if backend.importlib.util.find_spec(other) is None:
        pytest.skip(f"{other} is not installed")
    with pytest.raises(ConfigError, match=f"KERAS_BACKEND={other}"):
        backend.select_backend(other)
    backend.select_backend(keras.backend.backend())  # no error
    backend.select_backend(None)


def test_select_backend_sets_keras_backend_before_keras_is_imported():
    result = python(
        "import os, sys\n"
        "from keras_attention.backend import select_backend\n"
        "select_backend('tensorflow')\n"
        "assert 'keras' not in sys.modules\n"
        "import keras\n"
        "print(os.environ['KERAS_BACKEND'], keras.backend.backend())\n",
        backend_name="jax",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["tensorflow", "tensorflow"]


def test_train_refuses_a_backend_without_its_package(tmp_path):
    # A backend whose package is hidden: one `error:` line, status 2.
    code = (
        "import sys, importlib.util\n"
        "find_spec = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: (\n"
        "    None if name == 'torch' else find_spec(name, *a))\n"
        "from training import train\n"
        f"sys.argv = ['train', '--backend', 'torch', '--run-dir', "
        f"{str(tmp_path / 'run')!r}]\n"
        "from training import cli\n"
        "cli.run(train.main)\n"
    )
    result = python(code)
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == (
        "error: Config field 'backend' is 'torch', but the torch package is "
        "not installed (pip install .[torch])"
    )
