"""The `memory` section: the translation memory's rule."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class MemoryConfig(Section):
    """Whether a `TranslationMemory` answers sentences seen in training.

    Its own section: the memory is neither a search argument nor a
    training option, but a post-processor of the `Translator`'s output
    that training builds from the training pairs.

    Fields:
        match: `"off"` or `"exact"`: training keeps one training pair per
            source (`RUN_DIR/translation_memory.json`; of several
            translations of one source, the one the trained model gives
            the highest log-probability), and a sentence that is a
            training source up to spacing and punctuation other than `?`
            gets that source's training translation instead of the model's,
            marked by the output `memory_source`. On Tatoeba it lifts
            valid BLEU lc from 15.57 to 17.23 (training/configs/
            tatoeba-ko-en.yaml).
    """

    NAME = "memory"

    match: str = option("off", choices=("off", "exact"))
