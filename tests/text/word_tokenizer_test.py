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
