"""Which Keras backend trains: `select_backend` and `check_backend`.

The model code (`keras_attention.layers`, `.models`, `.losses`,
`.metrics`, `.callbacks`) uses `keras.ops` and Keras APIs
only, so `model.fit` runs on TensorFlow, JAX or PyTorch. TensorFlow stays
where the work is TensorFlow's: text cleaning and tensorflow-text
tokenization, the `tf.data` pipeline, the in-graph searches of
`Translator` and the SavedModel export (docs/model.md, "Backends").

Keras reads `KERAS_BACKEND` once, when it is first imported, so the
backend must be chosen before that: `select_backend` sets it (the
`backend` config field and the entry points' `--backend` flag call it),
and `check_backend` tells whether an imported Keras matches. Nothing here
imports Keras.
"""

import importlib.util
import os
import sys

from keras_attention.config_error import ConfigError

BACKENDS = ("tensorflow", "jax", "torch")
# The package each backend needs, and the project extra that pins it.
PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def current_backend():
    """The backend Keras uses or will use: its own answer once imported,
    else `KERAS_BACKEND` (Keras' default, `"tensorflow"`, when unset)."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def select_backend(name):
    """Makes Keras run on `name` (`None`: leave the choice to Keras).

    Sets `KERAS_BACKEND` when Keras is not imported yet.

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
            "backend",
            f"must be one of {BACKENDS}. Received: backend={name!r}",
        )
    if importlib.util.find_spec(PACKAGES[name]) is None:
        extra = "" if name == "tensorflow" else f" (pip install .[{name}])"
        raise ConfigError(
            "backend",
            f"is {name!r}, but the {PACKAGES[name]} package is not "
            f"installed{extra}",
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
