import numpy as np
import pytest

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.evaluation.token_words import pool_to_words
from keras_attention.evaluation.token_words import token_word_indices
from keras_attention.text.word_splitter import split_words


def test_word_tokens_map_one_to_one():
    words = split_words(NOTE_SENTENCE)
    assert token_word_indices(words, words) == [0, 1, 2, 3, 4, 5]


def test_wordpiece_pieces_map_to_their_word():
    words = ["나는", "인공지능을", "공부하는", "학생", "입니다", "."]
    tokens = ["나", "##는", "인공", "##지능", "##을", "공부", "##하는"]
    tokens += ["학생", "입니다", "."]
    assert token_word_indices(tokens, words) == [0, 0, 1, 1, 1, 2, 2, 3, 4, 5]


def test_sentencepiece_word_markers_are_ignored():
    words = ["I", "am", "a", "student", "."]
    tokens = ["▁I", "▁am", "▁a", "▁stu", "dent", "▁", "."]
    assert token_word_indices(tokens, words) == [0, 1, 2, 3, 3, 4, 4]


def test_case_and_tokenizer_punctuation_splits():
    # A lowercasing tokenizer that also splits the apostrophe off.
    words = ["Don't", "go", "."]
    tokens = ["don", "'", "t", "go", "."]
    assert token_word_indices(tokens, words) == [0, 0, 0, 1, 2]


def test_unknown_tokens_take_the_word_they_stand_for():
    words = ["나는", "우주비행사", "입니다", "."]
    tokens = ["나는", "[UNK]", "입니다", "."]
    assert token_word_indices(tokens, words) == [0, 1, 2, 3]
    # At the end of the sentence too.
    assert token_word_indices(["나는", "[UNK]"], ["나는", "학생"]) == [0, 1]


def test_a_token_absent_from_the_words_is_an_error():
    with pytest.raises(ValueError, match="'cat' is not in the words"):
        token_word_indices(["the", "cat"], ["the", "dog"])


def test_pool_adds_source_pieces_and_averages_target_pieces():
    attention = np.array(
        [
            [0.1, 0.2, 0.7],  # target word 0, piece 1
            [0.3, 0.4, 0.3],  # target word 0, piece 2
            [1.0, 0.0, 0.0],  # target word 1
        ]
    )
    # Source tokens 0 and 1 are one word.
    pooled = pool_to_words(attention, [0, 0, 1], [0, 0, 1])
    np.testing.assert_allclose(pooled, [[0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_allclose(pooled.sum(axis=1), 1.0)


def test_pool_is_identity_for_word_tokens_and_pads_missing_words():
    attention = np.array([[0.25, 0.75], [0.6, 0.4]])
    np.testing.assert_allclose(
        pool_to_words(attention, [0, 1], [0, 1]), attention
    )
    padded = pool_to_words(attention, [0, 1], [0, 1], shape=(3, 2))
    np.testing.assert_allclose(padded[2], [0.0, 0.0])
    with pytest.raises(ValueError, match="expected \\(3, 2\\)"):
        pool_to_words(attention, [0, 1, 2], [0, 1])


def test_byte_pieces_cover_the_character_they_spell():
    # "😀" (4 UTF-8 bytes) has no piece of its own.
    words = ["나는", "😀", "입니다"]
    tokens = ["▁나는", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "▁입니다"]
    assert token_word_indices(tokens, words) == [0, 1, 1, 1, 1, 1, 2]


def test_a_real_sentencepiece_tokenizer_maps_every_pair(tmp_path):
    from keras_attention.data.bundled_corpus import BundledCorpus
    from keras_attention.text.sentencepiece_tokenizer import (
        SentencePieceTokenizer,
    )

    pairs = BundledCorpus(num_pairs=600, seed=3).train
    sources = [p.source for p in pairs] + ["나는 😀 학생 입니다."]
    tokenizer = SentencePieceTokenizer.from_texts(
        sources, vocabulary_size=800, model_path=tmp_path / "ko.model"
    )
    pieces = tokenizer.split(sources).to_list()
    subword_words = 0
    for source, row in zip(sources, pieces):
        tokens = [piece.decode("utf-8") for piece in row]
        words = split_words(source)
        indices = token_word_indices(tokens, words)
        assert len(indices) == len(tokens)
        assert indices == sorted(indices)
        # Every word has a token (a bare "▁" may precede its pieces).
        assert set(indices) == set(range(len(words))), (tokens, words)
        subword_words += len(tokens) > len(words)
    assert subword_words > len(sources) // 2  # really a subword split
