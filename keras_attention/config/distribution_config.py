"""The `distribution` section: backend, strategy and precision."""

import dataclasses

from keras_attention.backend import BACKENDS
from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class DistributionConfig(Section):
    """Where and in which precision `model.fit` runs.

    Fields:
        strategy: `"auto"`, `"mirrored"`, `"multi_worker"` or
            `"one_device"`: the `tf.distribute` strategy (see
            `Distribution`); `training.batch_size` is the global batch
            over all replicas.
        mixed_precision: `"none"`, `"mixed_float16"` or `"mixed_bfloat16"`.
        backend: the Keras backend of `model.fit` (`"tensorflow"`, `"jax"`
            or `"torch"`; `None`: `KERAS_BACKEND`, else TensorFlow), set
            before Keras is imported (see `keras_attention.backend`).
    """

    NAME = "distribution"
    STRATEGIES = ("auto", "mirrored", "multi_worker", "one_device")
    PRECISIONS = ("none", "mixed_float16", "mixed_bfloat16")

    strategy: str = option("auto", choices=STRATEGIES)
    mixed_precision: str = option("none", choices=PRECISIONS)
    backend: str | None = option(None, choices=BACKENDS)
