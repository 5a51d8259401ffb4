"""One step of the Luong decoder with input feeding (Luong et al. §3.3)."""

import keras
from keras import ops

from keras_attention.layers.dot_attention import DotAttention
from keras_attention.models.seed_decoder_cell import _recurrent_cell


@keras.saving.register_keras_serializable(package="keras_attention")
class InputFeedingDecoderCell(keras.layers.Layer):
    """One step of the `"luong"` decoder with input feeding.

    At step t, with the previous attentional vector `h~_{t-1}` (zeros at
    the first step):

        s_t  = RNNCell([e(y_{t-1}); h~_{t-1}], state=s_{t-1})
        c_t  = DotAttention(query=s_t, value=memory)
        h~_t = tanh(W_c [c_t; s_t])              # feeds the output layer
                                                  # and the next step

    Feeding `h~_{t-1}` to the next input tells the decoder what it
    attended to before (Luong et al., 2015, §3.3), at the price of running
    step by step in training too. With `num_layers > 1` the cells are
    stacked and the top one's output is the query.

    As in `SeedDecoderCell`, the memory and its float mask travel through
    `keras.layers.RNN` as two extra states returned unchanged, and
    `h~_{t-1}` is one more state, so nothing is stored on the layer.

    Args:
        units: int. Size of every recurrent state, of the memory and of
            `h~`.
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        num_layers: int. Number of stacked recurrent cells. Defaults to `1`.
        score_mode: str. Passed to `DotAttention`. Defaults to `"dot"`.
        use_scale: bool. Passed to `DotAttention`. Defaults to `False`.
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
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units
        self.cell = cell
        self.num_layers = num_layers
        self.score_mode = score_mode
        self.use_scale = use_scale
        self.states_per_layer = 2 if cell == "lstm" else 1
        self.cells = [
            _recurrent_cell(cell, units, f"{cell}_cell_{i}", self.dtype_policy)
            for i in range(num_layers)
        ]
        self.attention = DotAttention(
            score_mode=score_mode,
            use_scale=use_scale,
            name="attention",
            dtype=self.dtype_policy,
        )
        self.attention_combine = keras.layers.Dense(
            units,
            activation="tanh",
            name="attention_combine",
            dtype=self.dtype_policy,
        )
        # Recurrent states, h~, then placeholders for the memory and its
        # mask (always given as initial states, never created).
        self.state_size = [units] * (self.states_per_layer * num_layers) + [
            units,
            units,
            1,
        ]

    def build(self, inputs_shape):
        batch_size = inputs_shape[0]
        input_dim = inputs_shape[-1] + self.units
        for cell in self.cells:
            cell.build((batch_size, input_dim))
            input_dim = self.units
        self.attention.build(
            [(batch_size, 1, self.units), (batch_size, None, self.units)]
        )
        self.attention_combine.build((batch_size, 2 * self.units))

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
        h_tilde = self.attention_combine(ops.concatenate([context, x], axis=-1))
        output = ops.concatenate(
            [h_tilde, ops.cast(weights, h_tilde.dtype)], axis=-1
        )
        return output, new_states + [h_tilde, memory, memory_mask]

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "cell": self.cell,
            "num_layers": self.num_layers,
            "score_mode": self.score_mode,
            "use_scale": self.use_scale,
        }
        return {**base_config, **config}
