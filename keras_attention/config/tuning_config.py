"""The `tuning` section: the Keras Tuner search space."""

import dataclasses

from keras_attention.config.section import Section


@dataclasses.dataclass
class TuningConfig(Section):
    """What `training.tune` searches.

    Fields:
        search_space: `{field: values}`, Keras Tuner ranges overriding
            `SearchSpace.DEFAULTS` field by field (`None`: the defaults);
            `SearchSpace` checks it when a search builds it.
    """

    NAME = "tuning"

    search_space: dict | None = None
