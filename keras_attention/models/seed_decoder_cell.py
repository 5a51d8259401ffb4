"""The design note's decoder step: attend with the previous state first."""

import keras
from keras import ops

from keras_attention.layers.attention_combine import AttentionCombine
from keras_attention.layers.dot_attention import DotAttention

# The arguments shared by the step cells and the decoders that run them.
STEP_ARGUMENTS = (
    "units",
    "cell",
    "num_layers",
    "score_mode",
    "use_scale",
    "combine",
)


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
    Keras 3's `RNN` has no `constants=`, so the memory and its mask travel
    as two extra states returned unchanged.

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
        `(output, new_states)`: `output` is `[s_t; a_t]` concatenated,
        `(batch_size, units + Tv)` (`keras.layers.RNN` carries one output
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
        layer_sizes = [units] * (self.states_per_layer * num_layers)
        self.state_size = layer_sizes + [units, 1]

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

    def _attend(self, query, memory, memory_mask):
        """`(combine(c, query), weights)` for a `(batch_size, units)` query."""
        context, weights = self.attention(
            [ops.expand_dims(query, 1), memory],
            mask=[None, ops.greater(memory_mask, 0.5)],
            return_attention_scores=True,
        )
        combined = self.attention_combine([ops.squeeze(context, 1), query])
        return combined, ops.squeeze(weights, 1)

    def _run_cells(self, x, layer_states, training):
        """The stacked cells on `x`; returns `(top output, flat states)`."""
        new_states = []
        for cell, cell_states in zip(self.cells, layer_states):
            x, cell_states = cell(x, cell_states, training=training)
            new_states.extend(cell_states)
        return x, new_states

    def call(self, inputs, states, training=False):
        layer_states, memory, memory_mask = self.split_states(states)
        query = layer_states[-1][0]
        s_tilde, weights = self._attend(query, memory, memory_mask)
        layer_states[-1] = [s_tilde] + layer_states[-1][1:]
        x, new_states = self._run_cells(inputs, layer_states, training)
        output = ops.concatenate([x, ops.cast(weights, x.dtype)], axis=-1)
        return output, new_states + [memory, memory_mask]

    def get_config(self):
        config = {name: getattr(self, name) for name in STEP_ARGUMENTS}
        return {**super().get_config(), **config}
