"""Every GRU/LSTM layer of `EncoderDecoder` can run on cuDNN on a GPU.

Keras 3 runs a `GRU`/`LSTM` layer with cuDNN when a GPU is visible and
`use_cudnn="auto"`, `activation="tanh"`, `recurrent_activation="sigmoid"`,
`unroll=False`, `use_bias=True`, `recurrent_dropout=0` and, for the GRU,
`reset_after=True` (Keras' defaults, which the model keeps; dropout is
applied between layers, not inside the RNN), and the mask is right-padded
with no fully masked row (checked per batch; such batches fall back to the
generic kernel, which gives the same results). The seed decoder steps a
custom attention cell and always uses the generic kernel.
"""

import importlib

import keras
import numpy as np
import pytest

from keras_attention.models.encoder_decoder import EncoderDecoder

# Keras' own cuDNN conditions (the package re-exports a function `rnn`
# under the module's name, hence the import by path).
tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")


def recurrent_layers(model):
    for layer in model._flatten_layers():
        if isinstance(layer, (keras.layers.GRU, keras.layers.LSTM)):
            yield layer


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("decoder", ["seed", "luong"])
def test_recurrent_layers_meet_cudnn_conditions(cell, decoder):
    model = EncoderDecoder(
        20,
        30,
        embedding_dim=8,
        units=8,
        num_layers=2,
        cell=cell,
        bidirectional=True,
        dropout=0.1,
        decoder=decoder,
    )
    layers = list(recurrent_layers(model))
    # Two bidirectional encoder layers (forward and backward), plus two
    # decoder layers for luong.
    assert len(layers) == (6 if decoder == "luong" else 4)
    for layer in layers:
        assert layer.use_cudnn == "auto"
        assert layer.recurrent_dropout == 0 and layer.dropout == 0
        if cell == "gru":
            assert tf_rnn._do_gru_arguments_support_cudnn(
                layer.cell.activation,
                layer.cell.recurrent_activation,
                layer.unroll,
                layer.cell.use_bias,
                layer.cell.reset_after,
            ), layer.name
        else:
            assert tf_rnn._do_lstm_arguments_support_cudnn(
                layer.cell.activation,
                layer.cell.recurrent_activation,
                layer.unroll,
                layer.cell.use_bias,
            ), layer.name


def test_source_masks_are_right_padded():
    # The pipeline pads on the right (id 0), which cuDNN's kernel needs.
    ids = np.array([[4, 5, 6, 0, 0], [7, 0, 0, 0, 0], [3, 3, 3, 3, 3]])
    mask = ids != 0
    assert bool(tf_rnn._is_sequence_right_padded(mask))
    assert not bool(tf_rnn._has_fully_masked_sequence(mask))
