"""keras-attention: attention-based neural machine translation for Keras 3.

The top level exports `DotAttention`, `EncoderDecoder`, `Config` and
`Trainer`; every subpackage exports its own public names
(`keras_attention.layers`, `.models`, `.text`, `.data`, `.decoding`,
`.export`, `.evaluation`, `.tuning`, `.callbacks`, `.metrics`).

The four top-level names are imported on first use (PEP 562), so that
`import keras_attention.config` (what the command-line scripts need to
answer `--help`) does not load TensorFlow.
"""

import importlib

__all__ = ["Config", "DotAttention", "EncoderDecoder", "Trainer"]
__version__ = "0.1.0"

_MODULES = {
    "Config": "keras_attention.config",
    "DotAttention": "keras_attention.layers.dot_attention",
    "EncoderDecoder": "keras_attention.models.encoder_decoder",
    "Trainer": "keras_attention.trainer",
}


def __getattr__(name):
    if name in _MODULES:
        value = getattr(importlib.import_module(_MODULES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_attention' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
