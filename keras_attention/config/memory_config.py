"""The `memory` section: the translation memory's rule."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class MemoryConfig(Section):
    """Whether a `TranslationMemory` answers sentences seen in training.

    Fields:
        match: `"off"` or `"exact"`: a sentence that is a training source
            gets its training translation (`TranslationMemory`).
    """

    NAME = "memory"

    match: str = option("off", choices=("off", "exact"))
