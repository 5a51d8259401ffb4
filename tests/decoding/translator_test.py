import numpy as np
import pytest
import tensorflow as tf

from keras_attention.decoding.translator import Translator

KEYS = {
    "translation",
    "token_ids",
    "lengths",
    "scores",
    "attention",
    "source_lengths",
}


def make_translator(tiny_run, **kwargs):
    return Translator(
        tiny_run.model,
        tiny_run.source_tokenizer,
        tiny_run.target_tokenizer,
        max_decode_length=tiny_run.config.decoding.max_decode_length,
        **kwargs,
    )


@pytest.fixture(scope="module")
def translator(tiny_run):
    return make_translator(tiny_run)


def test_beam_returns_what_greedy_returns(tiny_run, translator):
    sources = tiny_run.splits["test"][0][:8]
    greedy = translator.translate(tf.constant(sources))
    beam = translator.translate_beam(tf.constant(sources))
    assert set(greedy) == set(beam) == KEYS
    np.testing.assert_array_equal(
        beam["source_lengths"], greedy["source_lengths"]
    )
    batch, steps = beam["token_ids"].shape
    assert batch == 8
    assert beam["attention"].shape == (8, steps, max(greedy["source_lengths"]))
    lengths = beam["lengths"].numpy()
    assert np.all(lengths <= 2 * greedy["source_lengths"].numpy() + 10)
    # Each attention row of a real step is a distribution over the source.
    for row, length in zip(beam["attention"].numpy(), lengths):
        np.testing.assert_allclose(row[:length].sum(-1), 1.0, atol=1e-5)


def test_beam_scores_at_least_greedy_on_average(tiny_run, translator):
    # Not guaranteed sentence by sentence (the greedy path can be pruned),
    # but a beam that keeps finished hypotheses wins on average.
    wide = make_translator(tiny_run, beam_width=4, length_penalty=0.0)
    sources = tf.constant(tiny_run.splits["test"][0][:64])
    greedy = wide.translate(sources)["scores"].numpy()
    beam = wide.translate_beam(sources)["scores"].numpy()
    assert beam.mean() >= greedy.mean()
    assert np.mean(beam >= greedy - 1e-5) >= 0.9


def test_score_pairs_is_the_searchs_own_score(tiny_run, translator):
    sources = list(tiny_run.splits["test"][0][:32])
    outputs = translator.translate(tf.constant(sources))
    translations = [t.decode() for t in outputs["translation"].numpy()]
    lengths = outputs["lengths"].numpy()
    ids = tiny_run.target_tokenizer.tokenize(tf.constant(translations))
    # Rows that ended before the length cap and whose text tokenizes back
    # to the searched ids: their teacher-forced score is the search's.
    same = [
        i
        for i, row in enumerate(ids.to_list())
        if row == outputs["token_ids"].numpy()[i, : lengths[i]].tolist()
        and lengths[i] < translator.max_decode_length
    ]
    assert len(same) >= 16
    scores = translator.score_pairs(
        [sources[i] for i in same], [translations[i] for i in same]
    )
    np.testing.assert_allclose(
        scores, outputs["scores"].numpy()[same], rtol=1e-4, atol=1e-4
    )
    assert scores.shape == (len(same),)
    assert np.all(scores < 0)


def test_control_characters_and_invalid_utf8_are_cleaned(translator):
    texts = tf.constant(
        [
            "나는 학생 입니다.".encode(),
            "나는\x00 학생\t입니다.".encode(),
            b"\xff\xfe",
        ]
    )
    result = translator.translate(texts)
    translations = result["translation"].numpy()
    # NUL no longer cuts the sentence short in the tokenizer.
    assert translations[1] == translations[0]
    np.testing.assert_array_equal(result["source_lengths"], [4, 4, 1])
    # Invalid UTF-8 is one U+FFFD per bad byte: one unknown token.
    split = translator.source_tokenizer.split(texts).numpy()
    assert [word.decode("utf-8") for word in split[2]] == ["\ufffd\ufffd"]


def test_max_source_length_truncates(tiny_run):
    truncating = make_translator(tiny_run, max_source_length=3)
    result = truncating.translate_beam(tf.constant(["가 " * 50, "나는"]))
    np.testing.assert_array_equal(result["source_lengths"], [3, 1])
    assert result["token_ids"].shape[1] <= 2 * 3 + 10


@pytest.mark.parametrize("method", ["translate", "translate_beam"])
@pytest.mark.parametrize("texts", [[], [""], ["", " "]])
def test_empty_batches_and_sentences(translator, method, texts):
    result = getattr(translator, method)(tf.constant(texts, tf.string))
    assert result["translation"].shape == (len(texts),)
    np.testing.assert_array_equal(result["source_lengths"], [0] * len(texts))
    # An empty source still decodes (up to 10 tokens), never NaN.
    assert np.all(result["lengths"].numpy() <= 10)
    assert not np.any(np.isnan(result["attention"].numpy()))


def test_invalid_max_source_length(tiny_run):
    with pytest.raises(ValueError, match="max_source_length must be"):
        make_translator(tiny_run, max_source_length=0)


class _ScriptedModel:
    """`encode`/`decode_step` whose next token depends on the previous one.

    After `[START]` (id 4) comes `b` (3), then `a` (1), then `[END]` (2):
    the ids of a tokenizer that does not put its special tokens at 0-3.
    """

    NEXT = {4: 3, 3: 1, 1: 2}

    def __init__(self, vocabulary_size):
        table = np.full((vocabulary_size, vocabulary_size), -10.0, np.float32)
        for previous, following in self.NEXT.items():
            table[previous, following] = 10.0
        self.table = tf.constant(table)

    def encode(self, source_ids):
        mask = source_ids != 0
        memory = tf.cast(mask, tf.float32)[:, :, None]
        return memory, mask, [tf.zeros([tf.shape(source_ids)[0], 1])]

    def decode_step(self, ids, states, memory, memory_mask):
        attention = tf.cast(memory_mask, tf.float32)
        attention /= tf.maximum(tf.reduce_sum(attention, -1, keepdims=True), 1)
        return tf.gather(self.table, ids), states, attention


def test_decoding_asks_the_tokenizer_for_its_special_ids():
    from keras_attention.text.word_tokenizer import WordTokenizer

    tokenizer = WordTokenizer(["[PAD]", "a", "[END]", "b", "[START]", "[UNK]"])
    translator = Translator(_ScriptedModel(6), tokenizer, tokenizer)
    for method in (translator.translate, translator.translate_beam):
        result = method(tf.constant(["a", "a b"]))
        assert result["translation"].numpy().tolist() == [b"b a", b"b a"]
        np.testing.assert_array_equal(result["lengths"], [2, 2])
        np.testing.assert_array_equal(result["token_ids"], [[3, 1, 2]] * 2)
