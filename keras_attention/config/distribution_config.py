"""The `distribution` section: backend, strategy and precision."""

import dataclasses

from keras_attention.backend import BACKENDS
from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class DistributionConfig(Section):
    """Where and in which precision `model.fit` runs.

    Fields:
        strategy: the `tf.distribute` strategy (`Distribution`).
        mixed_precision: the Keras dtype policy (`"none"`: float32).
        backend: the Keras backend (`None`: `KERAS_BACKEND`, else
            TensorFlow; see `keras_attention.backend`).
    """

    NAME = "distribution"
    STRATEGIES = ("auto", "mirrored", "multi_worker", "one_device")
    PRECISIONS = ("none", "mixed_float16", "mixed_bfloat16")

    strategy: str = option("auto", choices=STRATEGIES)
    mixed_precision: str = option("none", choices=PRECISIONS)
    backend: str | None = option(None, choices=BACKENDS)
