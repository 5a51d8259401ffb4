from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.text.word_splitter import split_words


def test_split_words():
    assert split_words(NOTE_SENTENCE) == [
        "나는",
        "인공지능을",
        "공부하는",
        "학생",
        "입니다",
        ".",
    ]
    assert split_words("Yes, I am!  Are you?") == [
        "Yes",
        ",",
        "I",
        "am",
        "!",
        "Are",
        "you",
        "?",
    ]
    assert split_words("") == []
