"""Models: `EncoderDecoder` and the seed decoder it can use."""

from keras_attention.models.encoder_decoder import EncoderDecoder
from keras_attention.models.seed_decoder import SeedDecoder
from keras_attention.models.seed_decoder_cell import SeedDecoderCell

__all__ = ["EncoderDecoder", "SeedDecoder", "SeedDecoderCell"]
