"""The Luong decoder with input feeding over a whole target sequence."""

import keras

from keras_attention.models.input_feeding_decoder_cell import (
    InputFeedingDecoderCell,
)
from keras_attention.models.seed_decoder import SeedDecoder


@keras.saving.register_keras_serializable(package="keras_attention")
class InputFeedingDecoder(SeedDecoder):
    """Runs `InputFeedingDecoderCell` over a sequence of target embeddings.

    Same loop, arguments and outputs as `SeedDecoder` (teacher forcing,
    `keras.layers.RNN`), except that `initial_state` ends with the first
    fed vector `h~_0` `(batch_size, units)` (zeros, see
    `EncoderDecoder.encode`) and the outputs are the attentional vectors
    `h~_t` `(batch_size, Tq, units)` with the attention weights
    `(batch_size, Tq, Tv)`.

    References:
        - [Luong et al., 2015](https://arxiv.org/abs/1508.04025), §3.3.
    """

    cell_class = InputFeedingDecoderCell
