import numpy as np
import pytest
import tensorflow as tf

from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.evaluation.attention_aligner import AttentionAligner
from keras_attention.text.word_tokenizer import WordTokenizer

SOURCES = ["나는 학생 입니다.", "그는 친절한 의사 입니다."]
TARGETS = ["I am a student.", "He is a kind doctor."]
# Gold links (source word, target word) over split_words.
GOLD = [
    {(0, 0), (2, 1), (1, 2), (1, 3), (3, 4)},
    {(0, 0), (3, 1), (2, 2), (1, 3), (2, 4), (4, 5)},
]


class ScriptedModel:
    """Puts all attention of row t on the source word of target token t.

    Row t of a teacher-forced decoder predicts label t, the target token
    at decoder input t + 1. The last row (predicting [END]) points at the
    first source word: an aligner that kept it would add a wrong link.
    """

    def __init__(self, source_tokenizer, target_tokenizer):
        self.links = {}
        for source, target, gold in zip(SOURCES, TARGETS, GOLD):
            src = source_tokenizer.tokenize([source])[0].numpy()
            tgt = target_tokenizer.tokenize([target])[0].numpy()
            for s, t in gold:
                self.links[tuple(src), int(tgt[t])] = s

    def call_with_attention(self, inputs):
        source_ids = inputs["encoder_token_ids"].numpy()
        decoder_ids = inputs["decoder_token_ids"].numpy()
        batch, rows = decoder_ids.shape
        attention = np.zeros((batch, rows, source_ids.shape[1]), np.float32)
        for b in range(batch):
            source = tuple(i for i in source_ids[b] if i)
            for t in range(rows):
                label = decoder_ids[b, t + 1] if t + 1 < rows else 0
                if label == 0:  # the [END] row, then padding
                    attention[b, t, 0] = 1.0
                    continue
                attention[b, t, self.links[source, int(label)]] = 1.0
        return None, tf.constant(attention)


@pytest.fixture
def aligner():
    source_tokenizer = WordTokenizer.from_texts(SOURCES)
    target_tokenizer = WordTokenizer.from_texts(TARGETS)
    model = ScriptedModel(source_tokenizer, target_tokenizer)
    return AttentionAligner(model, source_tokenizer, target_tokenizer)


def test_row_t_is_target_token_t_and_the_end_row_is_dropped(aligner):
    result = aligner.evaluate(SOURCES, TARGETS, GOLD, threshold=0.3)
    for rule in ("argmax", "thresholded"):
        assert result[rule]["aer"] == 0.0, rule
        assert result[rule]["predicted_links"] == 11
        assert result[rule]["sure_links"] == 11


def test_shifted_attention_would_be_caught(aligner):
    # The same scripted attention read one row late is mostly wrong.
    matrices = aligner.word_attention(SOURCES, TARGETS)
    shifted = [np.roll(m, 1, axis=0) for m in matrices]
    links = [AttentionAligner.argmax_links(m) for m in shifted]
    assert sum(len(link & gold) for link, gold in zip(links, GOLD)) < 5


def test_word_attention_shapes_follow_split_words(aligner):
    matrices = aligner.word_attention(SOURCES, TARGETS)
    assert [m.shape for m in matrices] == [(5, 4), (6, 5)]
    np.testing.assert_allclose([m.sum(axis=1) for m in matrices][0], 1.0)


def test_link_rules():
    matrix = np.array([[0.6, 0.35, 0.05], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
    assert AttentionAligner.argmax_links(matrix) == {(0, 0), (2, 1), (2, 2)}
    assert AttentionAligner.threshold_links(matrix, 0.3) == {
        (0, 0),
        (1, 0),
        (2, 1),
        (0, 2),
        (1, 2),
        (2, 2),
    }
    assert AttentionAligner.threshold_links(matrix, 0.65) == {(2, 1)}


def test_lengths_must_agree(aligner):
    with pytest.raises(ValueError, match="2 sources, 2 targets and 1"):
        aligner.evaluate(SOURCES, TARGETS, GOLD[:1])


def test_teacher_forced_rows_equal_the_greedy_decoding_steps(tiny_run):
    # Feeding the model's own greedy output under teacher forcing must
    # reproduce the attention of every greedy step: row t of
    # call_with_attention is the step that produced token t.
    sources = tiny_run.splits["test"][0][:8]
    translator = tiny_run.translator()
    result = translator.translate(tf.constant(sources))
    translations = [t.decode("utf-8") for t in result["translation"].numpy()]
    aligner = AttentionAligner(
        tiny_run.model, tiny_run.source_tokenizer, tiny_run.target_tokenizer
    )
    forced = aligner.token_attention(sources, translations)
    for i, (src, tgt, attention) in enumerate(forced):
        length = int(result["lengths"][i])
        assert len(tgt) == length
        greedy = result["attention"][i, :length, : len(src)].numpy()
        np.testing.assert_allclose(attention, greedy, atol=1e-5)


def test_aer_of_a_trained_model_counts_its_links(tiny_run):
    corpus = BundledCorpus(num_pairs=3000)
    pairs = corpus.test[:32]
    aligner = AttentionAligner(
        tiny_run.model, tiny_run.source_tokenizer, tiny_run.target_tokenizer
    )
    result = aligner.evaluate(
        [p.source for p in pairs],
        [p.target for p in pairs],
        [p.alignment for p in pairs],
        threshold=0.3,
    )
    argmax = result["argmax"]
    # Argmax gives exactly one link per target word, as many as gold has.
    words = sum(len(p.target_tokens()) for p in pairs)
    assert argmax["predicted_links"] == words
    assert argmax["sure_links"] == sum(len(p.alignment) for p in pairs)
    # AER with sure links only: 1 - 2 |A & S| / (|A| + |S|), from the
    # links of each rule counted here.
    gold = [set(p.alignment) for p in pairs]
    matrices = aligner.word_attention(
        [p.source for p in pairs], [p.target for p in pairs]
    )
    rules = {
        "argmax": aligner.argmax_links,
        "thresholded": lambda m: aligner.threshold_links(m, 0.3),
    }
    for rule, links in rules.items():
        predicted = [links(matrix) for matrix in matrices]
        hits = sum(len(a & s) for a, s in zip(predicted, gold))
        total = sum(map(len, predicted)) + sum(map(len, gold))
        assert result[rule]["aer"] == pytest.approx(
            1 - 2 * hits / total, abs=1e-4
        ), rule
    # A 2-epoch seed model attends one step early (its query is the
    # previous state), so its AER is high (0.98 with pad_to_multiple 2);
    # it still finds gold links, and it is not perfect.
    assert 0.05 < argmax["aer"] < 1.0
