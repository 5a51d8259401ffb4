import unicodedata

import pytest
import tensorflow as tf

from keras_attention.text.normalizer import Normalizer

NOTE = "나는 인공지능을 공부하는 학생 입니다."


def normalize(texts, **kwargs):
    result = Normalizer(**kwargs)(tf.constant(texts)).numpy()
    return [text.decode("utf-8") for text in result]


def test_nfc_composes_hangul_jamo():
    decomposed = unicodedata.normalize("NFD", NOTE)
    assert len(decomposed) == 47  # 16 syllables, 2 or 3 jamo each
    assert normalize([decomposed]) == [NOTE]
    assert len(NOTE) == 21


def test_nfkc_folds_compatibility_characters():
    texts = ["ﬁne ① Ａ㎏"]
    assert normalize(texts) == texts  # NFC leaves them
    assert normalize(texts, form="NFKC") == ["fine 1 Akg"]


def test_decomposing_forms_are_refused():
    for form in ("NFD", "NFKD"):
        with pytest.raises(ValueError, match="splits every Hangul syllable"):
            Normalizer(form)
    with pytest.raises(ValueError, match="form must be one of"):
        Normalizer("nfc")


def test_lowercase_is_unicode_aware_and_keeps_hangul():
    assert normalize(["Die STRAẞE, ÉSTA, ΣΟΦΙΑ 나는"], lowercase=True) == [
        "die straße, ésta, σοφια 나는"
    ]


def test_text_is_cleaned_first():
    # White space is Unicode's (RE2's \s is ASCII only), runs become one
    # space, invisible format characters go: see text_cleaning_test.py.
    assert normalize(["  a  b \t\n", "\ufeffa\u00a0\u200bb\u3000"]) == [
        "a b",
        "a b",
    ]
    assert normalize([b"\xffa\x00b"]) == ["\ufffda b"]


def test_nfkc_spaces_are_tidied():
    # NFKC maps "¨" to " ̈" (space, combining diaeresis): no space is left
    # at an end or doubled.
    assert normalize(["¨", "a ¨"], form="NFKC") == ["\u0308", "a \u0308"]


def test_runs_in_a_tf_function_on_any_shape():
    normalizer = Normalizer()
    traced = tf.function(normalizer)
    texts = tf.constant([["A\u0308", "b"], ["c", " d"]])
    assert traced(texts).numpy().tolist() == [
        ["Ä".encode(), b"b"],
        [b"c", b"d"],
    ]
