"""The `decoding` section: the search of `Translator` and the export."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class DecodingConfig(Section):
    """The search arguments of `Translator` and `SavedModelExporter`.

    `Translator(model, source_tokenizer, target_tokenizer,
    **config.decoding.to_dict())`; the trainer's and `training.evaluate`'s
    scoring use them too, and `training.export` flags override them.

    Fields:
        max_decode_length: hard cap on generated target tokens (per
            sentence `min(max_decode_length, 2 * source_length + 10)`).
        beam_width: hypotheses kept by beam search (`translate_beam`, the
            exported `serving_default`).
        length_penalty: GNMT length penalty `alpha` (`0`: none; 0.6, the
            GNMT paper's, scored best over four trained models:
            benchmarks/RESULTS-quality.md, "Decoding options").
        beam_stopping: `"exact"` (never changes the result) or
            `"heuristic"` (stop once the best finished hypothesis beats
            every open one at the current length; faster): `BeamSearch`'s
            `stopping`.
        max_source_length: source tokens beyond this are dropped before
            decoding, which bounds the cost of hostile inputs (`None`:
            keep every token).
    """

    NAME = "decoding"
    STOPPINGS = ("exact", "heuristic")

    max_decode_length: int = option(64, minimum=1)
    beam_width: int = option(4, minimum=1)
    length_penalty: float = option(0.6, minimum=0)
    beam_stopping: str = option("exact", choices=STOPPINGS)
    max_source_length: int | None = option(256, minimum=1)
