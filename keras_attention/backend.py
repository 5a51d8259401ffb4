"""Which Keras backend trains: `select_backend` and `check_backend`.

`model.fit` runs on TensorFlow, JAX or PyTorch; tokenization, `tf.data`,
the searches and the export stay TensorFlow's (docs/model.md, "Backends").
Keras reads `KERAS_BACKEND` once, when first imported, so nothing here
imports Keras.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

from keras_attention.config_error import ConfigError

BACKENDS = ("tensorflow", "jax", "torch")
# The directory that holds the `keras_attention` and `training` packages.
ROOT = pathlib.Path(__file__).resolve().parents[1]


def current_backend():
    """The backend Keras uses, or will use (`KERAS_BACKEND`)."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def select_backend(name):
    """Sets `KERAS_BACKEND` to `name` (`None`: leaves it) before Keras loads.

    Args:
        name: `"tensorflow"`, `"jax"`, `"torch"` or `None`.

    Raises:
        ConfigError: `name` is not a backend, its package is not installed
            (`pip install .[jax]` / `.[torch]`), or Keras was imported
            with another backend already.
    """
    if name is None:
        return
    if name not in BACKENDS:
        raise ConfigError(
            "backend", f"must be one of {BACKENDS}. Received: backend={name!r}"
        )
    if importlib.util.find_spec(name) is None:
        extra = "" if name == "tensorflow" else f" (pip install .[{name}])"
        raise ConfigError(
            "backend",
            f"is {name!r}, but the {name} package is not installed{extra}",
        )
    if "keras" in sys.modules:
        check_backend(name)
        return
    os.environ["KERAS_BACKEND"] = name


def check_backend(name):
    """Raises `ConfigError` if Keras runs on another backend than `name`."""
    if name is None or current_backend() == name:
        return
    raise ConfigError(
        "backend",
        f"is {name!r}, but Keras was imported with the "
        f"{current_backend()!r} backend; set KERAS_BACKEND={name} (or "
        "pass --backend) before Keras is imported",
    )


def run_on_tensorflow(code, *args, what):
    """`python -c code *args` on the TensorFlow backend; returns its stdout.

    Raises:
        RuntimeError: `what` (e.g. `"exporting runs/x"`) failed; with the
            end of the program's stderr.
    """
    env = dict(os.environ, KERAS_BACKEND="tensorflow")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH")) if p
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} on TensorFlow failed (exit {result.returncode}):\n"
            + result.stderr[-4000:]
        )
    return result.stdout
