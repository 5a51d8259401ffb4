"""The `tuning` section: the Keras Tuner search space."""

import dataclasses

from keras_attention.config.section import Section


@dataclasses.dataclass
class TuningConfig(Section):
    """What `training.tune` searches.

    Fields:
        search_space: `{field: values}` overriding `SearchSpace.DEFAULTS`
            (`None`: the defaults), checked by `SearchSpace`.
    """

    NAME = "tuning"

    search_space: dict | None = None
