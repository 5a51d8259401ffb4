"""One step of the Luong decoder with input feeding (Luong et al. §3.3)."""

import keras
from keras import ops

from keras_attention.models.seed_decoder_cell import SeedDecoderCell


@keras.saving.register_keras_serializable(package="keras_attention")
class InputFeedingDecoderCell(SeedDecoderCell):
    """One step of the `"luong"` decoder with input feeding.

    At step t, with the previous attentional vector `h~_{t-1}` (zeros at
    the first step):

        s_t  = RNNCell([e(y_{t-1}); h~_{t-1}], state=s_{t-1})
        c_t  = DotAttention(query=s_t, value=memory)
        h~_t = combine(c_t, s_t)                 # feeds the output layer
                                                  # and the next step

    Feeding `h~_{t-1}` tells the decoder what it attended to before, at the
    price of running step by step in training too. Layers, arguments and
    config are `SeedDecoderCell`'s; `h~_{t-1}` is one more state.

    Args:
        units: int. Size of every recurrent state, of the memory and of
            `h~`.
        **kwargs: `SeedDecoderCell`'s arguments (`cell`, `num_layers`,
            `score_mode`, `use_scale`, `combine`) and base layer keyword
            arguments.

    Call arguments:
        inputs: `(batch_size, embedding_dim)`, the embedding of `y_{t-1}`.
        states: list of the recurrent states (per layer `[h]` for a GRU,
            `[h, c]` for an LSTM, each `(batch_size, units)`), then
            `h~_{t-1}` `(batch_size, units)`, the memory
            `(batch_size, Tv, units)` and its float mask `(batch_size, Tv)`
            (1.0 for real tokens, 0.0 for padding).

    Returns:
        `(output, new_states)`: `output` is `[h~_t; a_t]` concatenated,
        `(batch_size, units + Tv)`, and `new_states` has the structure of
        `states` (with `h~_t` in place of `h~_{t-1}`).

    References:
        - [Luong et al., 2015](https://arxiv.org/abs/1508.04025), §3.3.
    """

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        # Recurrent states, then h~ before the memory and mask placeholders.
        self.state_size = self.state_size[:-2] + [units] + self.state_size[-2:]

    def build(self, inputs_shape):
        # The first cell reads [e(y_{t-1}); h~_{t-1}].
        super().build((*inputs_shape[:-1], inputs_shape[-1] + self.units))

    def call(self, inputs, states, training=False):
        layer_states, memory, memory_mask = self.split_states(states)
        x = ops.concatenate([inputs, states[-3]], axis=-1)
        x, new_states = self._run_cells(x, layer_states, training)
        h_tilde, weights = self._attend(x, memory, memory_mask)
        output = ops.concatenate(
            [h_tilde, ops.cast(weights, h_tilde.dtype)], axis=-1
        )
        return output, new_states + [h_tilde, memory, memory_mask]
