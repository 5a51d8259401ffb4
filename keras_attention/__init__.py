"""keras-attention: attention-based neural machine translation for Keras 3.

The top level exports `DotAttention`, `EncoderDecoder`, `Config`,
`Trainer`, and `UsageError` / `ConfigError` (the errors of a user's bad
input); every subpackage exports its own public names
(`keras_attention.layers`, `.models`, `.text`, `.data`, `.decoding`,
`.export`, `.evaluation`, `.tuning`, `.callbacks`, `.metrics`).

The top-level names are imported on first use (PEP 562), so that
`import keras_attention.config` (what the command-line scripts need to
answer `--help`) loads neither Keras nor TensorFlow, and a `--backend`
flag can still choose Keras' backend.

Registration: `import keras_attention` is enough for
`keras.saving.load_model` to find the package's serializable classes
(`EncoderDecoder`, its decoders, `DotAttention`, the loss and the
metric), as `import keras_hub` is. Their modules are imported as soon as
Keras is: at once if it already is, else right after Keras' own import
(an import hook, `_RegisterWhenKerasLoads`), and never in the middle of
a `keras_attention` module's import (that module finishes first).
"""

import importlib
import importlib.abc
import sys

__all__ = [
    "Config",
    "ConfigError",
    "DotAttention",
    "EncoderDecoder",
    "Trainer",
    "UsageError",
]
__version__ = "0.1.0"

_MODULES = {
    "Config": "keras_attention.config",
    "ConfigError": "keras_attention.config_error",
    "DotAttention": "keras_attention.layers.dot_attention",
    "EncoderDecoder": "keras_attention.models.encoder_decoder",
    "Trainer": "keras_attention.task.trainer",
    # The base of the errors a user's input causes (see training/cli.py).
    "UsageError": "keras_attention.usage_error",
}

# The modules whose `register_keras_serializable` classes a saved model
# names; all backend-agnostic (Keras only).
_SERIALIZABLE = (
    "keras_attention.layers",
    "keras_attention.losses",
    "keras_attention.metrics",
    "keras_attention.models",
)


def _register():
    """Imports `_SERIALIZABLE` once Keras is loaded, unless it cannot yet."""
    if "keras" not in sys.modules or getattr(_register, "done", False):
        return
    loading = [
        name
        for name, module in list(sys.modules.items())
        if name.startswith("keras_attention.")
        and getattr(getattr(module, "__spec__", None), "_initializing", False)
    ]
    if loading:
        # A keras_attention module imported Keras: importing the others
        # now could import it back half-built; its end calls this again.
        return
    _register.done = True
    for name in _SERIALIZABLE:
        importlib.import_module(name)
    _RegisterWhenKerasLoads.uninstall()


class _RegisterWhenKerasLoads(importlib.abc.MetaPathFinder):
    """Calls `_register` after `keras` or a `keras_attention.*` module loads.

    Finds nothing itself: it asks the other finders for the spec and wraps
    the spec's loader so that `_register` runs once the module has run.
    """

    @classmethod
    def install(cls):
        if not any(isinstance(f, cls) for f in sys.meta_path):
            sys.meta_path.insert(0, cls())

    @classmethod
    def uninstall(cls):
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, cls)]

    def find_spec(self, name, path=None, target=None):
        if name != "keras" and not name.startswith("keras_attention."):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(
                    spec.loader, "exec_module"
                ):
                    spec.loader = _RegisteringLoader(spec.loader)
                return spec
        return None


class _RegisteringLoader(importlib.abc.Loader):
    """A module's own loader, followed by `_register`."""

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        # This module's `__spec__._initializing` is still set here.
        module.__spec__._initializing = False
        _register()


if "keras" in sys.modules:
    _register()
else:
    _RegisterWhenKerasLoads.install()


def __getattr__(name):
    if name in _MODULES:
        value = getattr(importlib.import_module(_MODULES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_attention' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
