"""Greedy and beam search on every model variant, against teacher forcing.

`tiny_run` covers the default model (GRU, seed decoder, one layer,
unidirectional, dot score). Here LSTM `[h, c]` states, two layers, the
bidirectional bridges, the luong decoder and the general score go through
both searches (`model_variant`, see `tests/conftest.py`), and every result
is checked against the model run over the whole sequence at once: a state
gathered from the wrong beam, or a decode step that differs from training,
changes these numbers.
"""

import numpy as np
import tensorflow as tf


def generated_steps(result, end_id):
    """Steps each sentence generated: its tokens, plus 1 for the end token."""
    ids = result["token_ids"].numpy()
    lengths = result["lengths"].numpy()
    ended = [
        length < ids.shape[1] and ids[i, length] == end_id
        for i, length in enumerate(lengths)
    ]
    return lengths + np.asarray(ended, dtype=lengths.dtype)


def teacher_forced(variant, sources, token_ids):
    """Log-probabilities and attention of `token_ids` under teacher forcing.

    Returns `(log_probs, attention, chosen)`: `(batch, T, vocabulary)`,
    `(batch, T, Ts)`, and `(batch, T)` the log-probability of each token of
    `token_ids`.
    """
    tokenizer = variant.target_tokenizer
    token_ids = tf.convert_to_tensor(token_ids, tf.int32)
    start = tf.fill([token_ids.shape[0], 1], tokenizer.start_token_id)
    inputs = {
        "encoder_token_ids": variant.source_tokenizer.tokenize(
            tf.constant(sources)
        ).to_tensor(),
        "decoder_token_ids": tf.concat([start, token_ids[:, :-1]], axis=1),
    }
    logits, attention = variant.model.call_with_attention(inputs)
    log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32)).numpy()
    chosen = np.take_along_axis(log_probs, token_ids.numpy()[..., None], -1)
    return log_probs, np.asarray(attention), chosen[..., 0]


def test_step_by_step_decoding_equals_teacher_forcing(model_variant):
    """`encode` + `decode_step` (what both searches run) equal `call`."""
    variant = model_variant
    sources = variant.sources[:8]
    translator = variant.translator()
    greedy = translator.translate(tf.constant(sources))
    token_ids = greedy["token_ids"].numpy()
    source_ids = variant.source_tokenizer.tokenize(tf.constant(sources))
    model = variant.model
    memory, memory_mask, states = model.encode(source_ids.to_tensor())
    ids = tf.fill([len(sources)], variant.target_tokenizer.start_token_id)
    step_logits, step_attention = [], []
    for t in range(token_ids.shape[1]):
        logits, states, weights = model.decode_step(
            ids, states, memory, memory_mask
        )
        step_logits.append(np.asarray(logits))
        step_attention.append(np.asarray(weights))
        ids = tf.constant(token_ids[:, t])
    start = tf.fill([len(sources), 1], variant.target_tokenizer.start_token_id)
    logits, attention = model.call_with_attention(
        {
            "encoder_token_ids": source_ids.to_tensor(),
            "decoder_token_ids": tf.concat([start, token_ids[:, :-1]], axis=1),
        }
    )
    np.testing.assert_allclose(np.stack(step_logits, 1), logits, atol=1e-5)
    np.testing.assert_allclose(
        np.stack(step_attention, 1), attention, atol=1e-5
    )


def test_greedy_is_the_argmax_of_teacher_forced_logits(model_variant):
    variant = model_variant
    sources = variant.sources
    translator = variant.translator()
    greedy = translator.translate(tf.constant(sources))
    token_ids = greedy["token_ids"].numpy()
    log_probs, attention, chosen = teacher_forced(variant, sources, token_ids)
    steps = generated_steps(greedy, variant.target_tokenizer.end_token_id)
    assert steps.min() >= 1 and token_ids.shape[1] > 1
    for i, n in enumerate(steps):
        np.testing.assert_array_equal(
            log_probs[i, :n].argmax(-1), token_ids[i, :n]
        )
        np.testing.assert_allclose(
            greedy["attention"].numpy()[i, :n],
            attention[i, :n, : attention.shape[2]],
            atol=1e-5,
        )
    expected = [chosen[i, :n].sum() for i, n in enumerate(steps)]
    np.testing.assert_allclose(greedy["scores"], expected, atol=1e-4)


def test_beam_of_width_one_is_greedy(model_variant):
    variant = model_variant
    translator = variant.translator(beam_width=1, length_penalty=0.6)
    texts = tf.constant(variant.sources)
    greedy = translator.translate(texts)
    beam = translator.translate_beam(texts)
    assert beam["translation"].numpy().tolist() == (
        greedy["translation"].numpy().tolist()
    )
    for key in ("token_ids", "lengths", "source_lengths"):
        np.testing.assert_array_equal(beam[key], greedy[key], err_msg=key)
    np.testing.assert_allclose(beam["scores"], greedy["scores"], atol=1e-6)
    np.testing.assert_allclose(
        beam["attention"], greedy["attention"], atol=1e-6
    )


def test_beam_hypotheses_score_as_teacher_forcing_scores_them(model_variant):
    """Beam states gathered from the right beams: each returned hypothesis
    has the log-probability and attention the model gives it directly."""
    variant = model_variant
    translator = variant.translator()
    assert (translator.beam_width, translator.length_penalty) == (4, 0.6)
    texts = tf.constant(variant.sources)
    beam = translator.translate_beam(texts)
    greedy = translator.translate(texts)
    token_ids = beam["token_ids"].numpy()
    _, attention, chosen = teacher_forced(variant, variant.sources, token_ids)
    steps = generated_steps(beam, variant.target_tokenizer.end_token_id)
    expected = [chosen[i, :n].sum() for i, n in enumerate(steps)]
    np.testing.assert_allclose(beam["scores"], expected, atol=1e-4)
    for i, n in enumerate(steps):
        np.testing.assert_allclose(
            beam["attention"].numpy()[i, :n], attention[i, :n], atol=1e-5
        )
    # The beam found other hypotheses than greedy, or this proves little.
    assert beam["translation"].numpy().tolist() != (
        greedy["translation"].numpy().tolist()
    )
