"""Models: `EncoderDecoder` and the step-by-step decoders it can use."""

from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.models.input_feeding_decoder import InputFeedingDecoder
from keras_attention.models.input_feeding_decoder_cell import (
    InputFeedingDecoderCell,
)
from keras_attention.models.seed_decoder import SeedDecoder
from keras_attention.models.seed_decoder_cell import SeedDecoderCell

__all__ = [
    "EncoderDecoder",
    "InputFeedingDecoder",
    "InputFeedingDecoderCell",
    "SeedDecoder",
    "SeedDecoderCell",
]
