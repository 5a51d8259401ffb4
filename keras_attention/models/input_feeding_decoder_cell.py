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

    Feeding `h~_{t-1}` to the next input tells the decoder what it
    attended to before (Luong et al., 2015, §3.3), at the price of running
    step by step in training too. With `num_layers > 1` the cells are
    stacked and the top one's output is the query.

    It shares `SeedDecoderCell`'s layers, arguments and config and
    differs in the order of the step. As there, the memory and its float
    mask travel through `keras.layers.RNN` as two extra states returned
    unchanged, and
    `h~_{t-1}` is one more state, so nothing is stored on the layer.

    Args:
        units: int. Size of every recurrent state, of the memory and of
            `h~`.
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        num_layers: int. Number of stacked recurrent cells. Defaults to `1`.
        score_mode: str. Passed to `DotAttention`. Defaults to `"dot"`.
        use_scale: bool. Passed to `DotAttention`. Defaults to `False`.
        combine: str. `AttentionCombine` mode. Defaults to `"add_norm"`.
        **kwargs: base layer keyword arguments.

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

    def __init__(
        self,
        units,
        cell="gru",
        num_layers=1,
        score_mode="dot",
        use_scale=False,
        combine="add_norm",
        **kwargs,
    ):
        super().__init__(
            units,
            cell=cell,
            num_layers=num_layers,
            score_mode=score_mode,
            use_scale=use_scale,
            combine=combine,
            **kwargs,
        )
        # Recurrent states, then h~ before the memory and mask placeholders.
        self.state_size = self.state_size[:-2] + [units] + self.state_size[-2:]

    def build(self, inputs_shape):
        # The first cell reads [e(y_{t-1}); h~_{t-1}].
        super().build((*inputs_shape[:-1], inputs_shape[-1] + self.units))

    def call(self, inputs, states, training=False):
        n = self.states_per_layer
        feed, memory, memory_mask = states[-3], states[-2], states[-1]
        x = ops.concatenate([inputs, feed], axis=-1)
        new_states = []
        for i, cell in enumerate(self.cells):
            cell_states = list(states[i * n : (i + 1) * n])
            x, cell_states = cell(x, cell_states, training=training)
            new_states.extend(cell_states)
        context, weights = self.attention(
            [ops.expand_dims(x, 1), memory],
            mask=[None, ops.greater(memory_mask, 0.5)],
            return_attention_scores=True,
        )
        context = ops.squeeze(context, 1)
        weights = ops.squeeze(weights, 1)
        h_tilde = self.attention_combine([context, x])
        output = ops.concatenate(
            [h_tilde, ops.cast(weights, h_tilde.dtype)], axis=-1
        )
        return output, new_states + [h_tilde, memory, memory_mask]
