import keras
import numpy as np
import pytest

from keras_attention.models.encoder_decoder import EncoderDecoder

ENCODER_IDS = np.array([[5, 6, 7, 8, 0], [3, 4, 0, 0, 0]], dtype="int32")
DECODER_IDS = np.array([[2, 9, 10, 11], [2, 12, 13, 14]], dtype="int32")
INPUTS = {"encoder_token_ids": ENCODER_IDS, "decoder_token_ids": DECODER_IDS}

VARIANTS = [
    dict(decoder=decoder, cell=cell, bidirectional=bi, num_layers=layers)
    for decoder in ("seed", "luong")
    for cell, bi, layers in (("gru", False, 1), ("lstm", True, 2))
]


def small_model(**kwargs):
    keras.utils.set_random_seed(0)
    return EncoderDecoder(
        source_vocabulary_size=20,
        target_vocabulary_size=24,
        embedding_dim=8,
        units=16,
        **kwargs,
    )


@pytest.mark.parametrize("kwargs", VARIANTS, ids=str)
def test_step_by_step_equals_teacher_forced(kwargs):
    model = small_model(**kwargs)
    logits, attention = model.call_with_attention(INPUTS)
    memory, memory_mask, states = model.encode(ENCODER_IDS)
    step_logits, step_attention = [], []
    for t in range(DECODER_IDS.shape[1]):
        out, states, weights = model.decode_step(
            DECODER_IDS[:, t], states, memory, memory_mask
        )
        step_logits.append(np.asarray(out))
        step_attention.append(np.asarray(weights))
    np.testing.assert_allclose(np.stack(step_logits, 1), logits, atol=1e-5)
    np.testing.assert_allclose(
        np.stack(step_attention, 1), attention, atol=1e-6
    )


@pytest.mark.parametrize("decoder", ["seed", "luong"])
def test_shapes_and_source_padding_gets_no_attention(decoder):
    model = small_model(decoder=decoder)
    logits, attention = model.call_with_attention(INPUTS)
    assert logits.shape == (2, 4, 24)
    assert attention.shape == (2, 4, 5)
    attention = np.asarray(attention)
    np.testing.assert_array_equal(attention[0, :, 4], 0.0)
    np.testing.assert_array_equal(attention[1, :, 2:], 0.0)
    np.testing.assert_allclose(attention.sum(-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(model(INPUTS), logits, atol=1e-6)


@pytest.mark.parametrize("decoder", ["seed", "luong"])
def test_source_padding_does_not_change_the_output(decoder):
    model = small_model(decoder=decoder)
    short = {
        "encoder_token_ids": ENCODER_IDS[1:, :2],
        "decoder_token_ids": DECODER_IDS[1:],
    }
    padded = {
        "encoder_token_ids": ENCODER_IDS[1:],
        "decoder_token_ids": DECODER_IDS[1:],
    }
    np.testing.assert_allclose(model(short), model(padded), atol=1e-5)


def test_decoder_starts_from_the_encoder_final_state():
    model = small_model(decoder="luong")
    memory, memory_mask, states = model.encode(ENCODER_IDS)
    # The last real encoder output of a GRU is its final state.
    np.testing.assert_allclose(states[0][0], memory[0, 3], atol=1e-6)
    np.testing.assert_allclose(states[0][1], memory[1, 1], atol=1e-6)


@pytest.mark.parametrize("kwargs", VARIANTS, ids=str)
def test_keras_file_round_trip(tmp_path, kwargs):
    model = small_model(score_mode="general", use_scale=True, **kwargs)
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert restored.get_config() == model.get_config()
    np.testing.assert_array_equal(model(INPUTS), restored(INPUTS))


def test_named_inputs():
    model = small_model()
    assert sorted(x.name for x in model.inputs) == [
        "decoder_token_ids",
        "encoder_token_ids",
    ]


def test_fit_reduces_the_loss_with_jit_compile():
    model = small_model(decoder="seed")
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    labels = np.roll(DECODER_IDS, -1, axis=1)
    history = model.fit(INPUTS, labels, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(decoder="bahdanau"), "decoder=bahdanau"),
        (dict(cell="rnn"), "cell=rnn"),
        (dict(num_layers=0), "at least 1"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        small_model(**kwargs)
