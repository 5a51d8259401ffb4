"""keras-attention: attention-based neural machine translation for Keras 3.

The top level exports `DotAttention`, `EncoderDecoder`, `Config`,
`Trainer`, and `UsageError` / `ConfigError` (the errors of a user's bad
input); every subpackage exports its own public names
(`keras_attention.layers`, `.models`, `.text`, `.data`, `.decoding`,
`.export`, `.evaluation`, `.tuning`, `.callbacks`, `.metrics`).

The top-level names are imported on first use (PEP 562), so that
`import keras_attention.config` (what the command-line scripts need to
answer `--help`) does not load TensorFlow.
"""

import importlib

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
    "Trainer": "keras_attention.trainer",
    # The base of the errors a user's input causes (see training/cli.py).
    "UsageError": "keras_attention.usage_error",
}


def __getattr__(name):
    if name in _MODULES:
        value = getattr(importlib.import_module(_MODULES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_attention' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
