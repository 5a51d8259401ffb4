import numpy as np
import pytest
import tensorflow as tf

from benchmarks import seed_ensemble
from keras_attention.task.loaded_model import LoadedModel
from keras_attention.text.word_tokenizer import WordTokenizer

SENTENCES = ["나는 학생 입니다.", "그는 책을 읽는다.", "우리는 물을 마신다."]


def test_a_one_model_ensemble_predicts_the_model_log_probabilities(tiny_run):
    model = tiny_run.model
    ensemble = seed_ensemble.Ensemble([model])
    ids = tiny_run.source_tokenizer.tokenize(tf.constant(SENTENCES))
    ids = ids.to_tensor()
    memory, mask, states = model.encode(ids)
    start = tf.fill([len(SENTENCES)], tiny_run.target_tokenizer.start_token_id)
    logits, _, attention = model.decode_step(start, states, memory, mask)
    e_memory, e_mask, e_states = ensemble.encode(ids)
    e_logits, e_states, e_attention = ensemble.decode_step(
        start, e_states, e_memory, e_mask
    )
    np.testing.assert_allclose(e_logits, tf.nn.log_softmax(logits), atol=1e-5)
    np.testing.assert_allclose(e_attention, attention, atol=1e-6)
    assert len(e_states) == 1


def test_two_copies_translate_as_the_model_alone(tiny_run):
    member = LoadedModel.load(tiny_run.run.path)
    alone = seed_ensemble.translator([member])
    twice = seed_ensemble.translator([member, member])
    for beam in (False, True):
        expected = alone.translate_texts(SENTENCES, beam=beam)
        assert twice.translate_texts(SENTENCES, beam=beam) == expected


def test_members_with_other_vocabularies_are_refused(tiny_run):
    member = LoadedModel.load(tiny_run.run.path)
    other = LoadedModel.load(tiny_run.run.path)
    vocabulary = list(other.target_tokenizer.vocabulary)
    vocabulary[-1] = vocabulary[-1] + "x"
    other.target_tokenizer = WordTokenizer(vocabulary)
    with pytest.raises(ValueError, match="target vocabulary differs"):
        seed_ensemble.check_vocabularies([member, other])
