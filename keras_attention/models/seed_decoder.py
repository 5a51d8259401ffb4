"""The "seed" decoder over a whole target sequence."""

import keras
from keras import ops

from keras_attention.models.seed_decoder_cell import STEP_ARGUMENTS
from keras_attention.models.seed_decoder_cell import SeedDecoderCell


@keras.saving.register_keras_serializable(package="keras_attention")
class SeedDecoder(keras.layers.Layer):
    """Runs `SeedDecoderCell` over a sequence of target embeddings.

    Teacher forcing: `inputs[:, t]` is the embedding of the reference token
    `y_{t-1}`. The loop is `keras.layers.RNN`'s (a `tf.while_loop` with a
    maximum iteration count on TensorFlow), so its gradient compiles under
    `jit_compile=True`.

    Args:
        units: int. Size of the recurrent states and of the memory.
        cell, num_layers, score_mode, use_scale, combine: as for
            `SeedDecoderCell`.
        **kwargs: base layer keyword arguments.

    Subclasses run another step cell with the same contract by setting
    `cell_class` (see `InputFeedingDecoder`).

    Call arguments:
        inputs: `(batch_size, Tq, embedding_dim)` target embeddings.
        initial_state: list of recurrent states, `(batch_size, units)` each
            (per layer `[h]` for a GRU, `[h, c]` for an LSTM).
        memory: `(batch_size, Tv, units)` encoder states.
        memory_mask: `(batch_size, Tv)` boolean, `False` at source padding.

    Returns:
        `(outputs, attention)`: the top hidden states
        `(batch_size, Tq, units)` and the attention weights of every step
        `(batch_size, Tq, Tv)`. Padded target positions are not masked:
        the loss masks them through `sample_weight`.
    """

    cell_class = SeedDecoderCell

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
        self.step = self.cell_class(
            units,
            cell=cell,
            num_layers=num_layers,
            score_mode=score_mode,
            use_scale=use_scale,
            combine=combine,
            name="step",
            dtype=self.dtype_policy,
        )
        self.rnn = keras.layers.RNN(
            self.step,
            return_sequences=True,
            name="rnn",
            dtype=self.dtype_policy,
        )

    def build(self, inputs_shape, *args, **kwargs):
        self.step.build((inputs_shape[0], inputs_shape[-1]))
        self.rnn.built = True

    def call(self, inputs, initial_state, memory, memory_mask, training=False):
        mask = ops.cast(memory_mask, memory.dtype)
        outputs = self.rnn(
            inputs,
            initial_state=list(initial_state) + [memory, mask],
            training=training,
        )
        return outputs[..., : self.units], outputs[..., self.units :]

    def compute_output_spec(self, inputs, initial_state, memory, *args, **kw):
        batch_size, target_steps = inputs.shape[0], inputs.shape[1]
        return (
            keras.KerasTensor(
                (batch_size, target_steps, self.units),
                dtype=self.compute_dtype,
            ),
            keras.KerasTensor(
                (batch_size, target_steps, memory.shape[1]),
                dtype=self.compute_dtype,
            ),
        )

    def get_config(self):
        step_config = self.step.get_config()
        config = {name: step_config[name] for name in STEP_ARGUMENTS}
        return {**super().get_config(), **config}
