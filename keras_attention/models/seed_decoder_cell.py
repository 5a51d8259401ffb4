"""The design note's decoder step: attend with the previous state first."""

import keras
from keras import ops

from keras_attention.layers.attention_combine import AttentionCombine
from keras_attention.layers.dot_attention import DotAttention


def _recurrent_cell(cell, units, name, dtype):
    if cell == "gru":
        return keras.layers.GRUCell(units, name=name, dtype=dtype)
    if cell == "lstm":
        return keras.layers.LSTMCell(units, name=name, dtype=dtype)
    raise ValueError(
        f"Expected cell to be one of {{'gru', 'lstm'}}. Received: cell={cell}"
    )


@keras.saving.register_keras_serializable(package="keras_attention")
class SeedDecoderCell(keras.layers.Layer):
    """One step of the "seed" decoder (docs/model.md), for `keras.layers.RNN`.

    At step t, with the top layer's previous hidden state `s_{t-1}` as the
    query:

        c_t = DotAttention(query=s_{t-1}, value=memory)
        s~  = combine(c_t, s_{t-1})           # `AttentionCombine`
        s_t = RNNCell(e(y_{t-1}), state=s~)    # s~ replaces s_{t-1}

    With `num_layers > 1` the cells are stacked; attention reads and `s~`
    replaces the top layer's hidden state (for an LSTM, `h`; `c` is kept).

    Keras 3's `RNN` has no `constants=` argument, so the encoder states
    (the memory) and their padding mask travel through the loop as two extra
    states that the cell returns unchanged. Nothing is stored on the layer
    between calls, so the cell exports like any other Keras layer.

    Args:
        units: int. Size of every recurrent state, of the memory and of the
            context vector.
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        num_layers: int. Number of stacked recurrent cells. Defaults to `1`.
        score_mode: str. Passed to `DotAttention`. Defaults to `"dot"`.
        use_scale: bool. Passed to `DotAttention`. Defaults to `False`.
        combine: str. `AttentionCombine` mode, `"add_norm"` (`LayerNorm(s +
            c)`) or `"tanh"` (`tanh(W_c [c; s])`). Defaults to `"add_norm"`.
        **kwargs: base layer keyword arguments.

    Call arguments:
        inputs: `(batch_size, embedding_dim)`, the embedding of `y_{t-1}`.
        states: list of the recurrent states (per layer: `[h]` for a GRU,
            `[h, c]` for an LSTM, each `(batch_size, units)`), followed by
            the memory `(batch_size, Tv, units)` and its float mask
            `(batch_size, Tv)` (1.0 for real tokens, 0.0 for padding).

    Returns:
        `(output, new_states)`: `output` is `[s_t; a_t]` concatenated, of
        shape `(batch_size, units + Tv)` (the new top hidden state and the
        attention weights, which `keras.layers.RNN` can only carry as one
        tensor), and `new_states` has the structure of `states`.
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
        super().__init__(**kwargs)
        self.units = units
        self.cell = cell
        self.num_layers = num_layers
        self.score_mode = score_mode
        self.use_scale = use_scale
        self.combine = combine
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
        self.attention_combine = AttentionCombine(
            units,
            mode=combine,
            name="attention_combine",
            dtype=self.dtype_policy,
        )
        # The last two "sizes" are placeholders for the memory and its mask:
        # they are always given as initial states, never created.
        self.state_size = [units] * (self.states_per_layer * num_layers) + [
            units,
            1,
        ]

    def build(self, inputs_shape):
        batch_size = inputs_shape[0]
        input_dim = inputs_shape[-1]
        for cell in self.cells:
            cell.build((batch_size, input_dim))
            input_dim = self.units
        self.attention.build(
            [(batch_size, 1, self.units), (batch_size, None, self.units)]
        )
        self.attention_combine.build(
            [(batch_size, self.units), (batch_size, self.units)]
        )

    def split_states(self, states):
        """Splits `states` into per-layer recurrent states and the memory."""
        n = self.states_per_layer
        layer_states = [
            list(states[i * n : (i + 1) * n]) for i in range(self.num_layers)
        ]
        memory, memory_mask = states[-2], states[-1]
        return layer_states, memory, memory_mask

    def call(self, inputs, states, training=False):
        layer_states, memory, memory_mask = self.split_states(states)
        query = layer_states[-1][0]
        context, weights = self.attention(
            [ops.expand_dims(query, 1), memory],
            mask=[None, ops.greater(memory_mask, 0.5)],
            return_attention_scores=True,
        )
        context = ops.squeeze(context, 1)
        weights = ops.squeeze(weights, 1)
        s_tilde = self.attention_combine([context, query])
        layer_states[-1] = [s_tilde] + layer_states[-1][1:]
        x = inputs
        new_states = []
        for cell, cell_states in zip(self.cells, layer_states):
            x, cell_states = cell(x, cell_states, training=training)
            new_states.extend(cell_states)
        output = ops.concatenate([x, ops.cast(weights, x.dtype)], axis=-1)
        return output, new_states + [memory, memory_mask]

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "cell": self.cell,
            "num_layers": self.num_layers,
            "score_mode": self.score_mode,
            "use_scale": self.use_scale,
            "combine": self.combine,
        }
        return {**base_config, **config}
