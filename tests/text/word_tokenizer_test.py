import pytest
import tensorflow as tf

from keras_attention.text.word_tokenizer import RESERVED_TOKENS
from keras_attention.text.word_tokenizer import WordTokenizer


def test_from_texts_streams_a_generator():
    def texts():
        for i in range(5000):
            yield f"나는 학생 {i % 3} 입니다."

    tokenizer = WordTokenizer.from_texts(texts())
    assert tokenizer.vocabulary == list(RESERVED_TOKENS) + [
        ".",
        "나는",
        "입니다",
        "학생",
        "0",
        "1",
        "2",
    ]
    ids = tokenizer.tokenize(tf.constant(["나는 학생 1 입니다."]))
    assert tokenizer.detokenize(ids).numpy().tolist() == [
        "나는 학생 1 입니다.".encode()
    ]


def test_nfkc_normalization_is_an_option():
    tokenizer = WordTokenizer.from_texts(["ﬁne"], normalization="NFKC")
    assert tokenizer.vocabulary[4:] == ["fine"]
    assert tokenizer.split(tf.constant(["ﬁne"])).numpy().tolist() == [[b"fine"]]


def test_special_ids_are_where_the_vocabulary_has_them(tmp_path):
    vocabulary = ["[PAD]", "a", "[END]", "b", "[START]", "[UNK]"]
    tokenizer = WordTokenizer(vocabulary)
    assert (
        tokenizer.pad_token_id,
        tokenizer.unknown_token_id,
        tokenizer.start_token_id,
        tokenizer.end_token_id,
    ) == (0, 5, 4, 2)
    ids = tokenizer.tokenize(tf.constant(["a b c"]))
    assert ids.to_list() == [[1, 3, 5]]
    assert tokenizer.detokenize(tf.constant([[4, 1, 3, 2, 0]])).numpy() == [
        b"a b"
    ]
    # The ids travel with the saved vocabulary.
    tokenizer.save_vocabulary(tmp_path / "vocabulary.txt")
    loaded = WordTokenizer.from_vocabulary_file(tmp_path / "vocabulary.txt")
    assert (loaded.start_token_id, loaded.end_token_id) == (4, 2)


def test_a_vocabulary_without_special_tokens_is_refused():
    with pytest.raises(ValueError, match=r"missing \['\[END\]'\]"):
        WordTokenizer(["[PAD]", "[UNK]", "[START]", "a"])
    with pytest.raises(ValueError, match="first"):
        WordTokenizer(["a", "[PAD]", "[UNK]", "[START]", "[END]"])


def test_detokenize_joins_apostrophes_and_hyphens_inside_words():
    # Regression: "I'm" came back as "i ' m", which sacreBLEU's 13a
    # tokenizer scores as three tokens that match nothing.
    texts = ["I'm sure it's well-known.", "Tom's 3-day trip - fine!"]
    tokenizer = WordTokenizer.from_texts(texts)
    ids = tokenizer.tokenize(tf.constant(texts))
    assert tokenizer.split(tf.constant(texts[:1])).to_list() == [
        [
            b"I",
            b"'",
            b"m",
            b"sure",
            b"it",
            b"'",
            b"s",
            b"well",
            b"-",
            b"known",
            b".",
        ]
    ]
    assert tokenizer.detokenize(ids).numpy().tolist() == [
        b"I'm sure it's well-known.",
        # Words do not record spacing: a spaced dash comes back joined.
        b"Tom's 3-day trip-fine!",
    ]
