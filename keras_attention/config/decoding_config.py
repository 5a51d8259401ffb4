"""The `decoding` section: the search of `Translator` and the export."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class DecodingConfig(Section):
    """The search arguments of `Translator` and `SavedModelExporter`.

    `Translator(model, source_tokenizer, target_tokenizer,
    **config.decoding.to_dict())` documents each field.
    """

    NAME = "decoding"
    STOPPINGS = ("exact", "heuristic")

    max_decode_length: int = option(64, minimum=1)
    beam_width: int = option(4, minimum=1)
    length_penalty: float = option(0.6, minimum=0)
    beam_stopping: str = option("exact", choices=STOPPINGS)
    max_source_length: int | None = option(256, minimum=1)
