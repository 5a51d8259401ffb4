import unicodedata

import pytest
import tensorflow as tf

from keras_attention.text.text_cleaning import INVISIBLE
from keras_attention.text.text_cleaning import SPACES
from keras_attention.text.text_cleaning import clean_string
from keras_attention.text.text_cleaning import clean_text

# (raw, cleaned): byte-order mark, no-break and ideographic spaces, zero-
# width and bidirectional marks, control characters, and the neighbours of
# each case.
TABLE = [
    ("\ufeff나는\u00a0학생\u3000입니다.\u200b", "나는 학생 입니다."),
    ("나는\x00학생 입니다.", "나는 학생 입니다."),  # NUL: a space, not an end
    ("\x00\x00\x00", ""),
    ("a\u200cb\u200dc\u200ed\u200fe", "abcde"),
    ("a\u200bb", "a b"),  # the zero-width *space* separates words
    ("\u202eשלום\u202c 나는", "שלום 나는"),
    ("\u202a\u202b\u202c\u202d\u202ex", "x"),
    ("\u2066x\u2069 \u2060y\u2064", "x y"),
    ("\x01\x02\x1b[31m red \x7f\x85", "[31m red"),
    ("\x80\x9f|\x9f", "|"),  # C1 controls
    ("  a  b \t\n", "a b"),
    ("a\u2028b\u2029c\u0085d\x0b\x0ce\x1cf", "a b c d e f"),
    ("a\u2000\u2001\u200a\u202f\u205f\u1680b", "a b"),
    ("co\u00adoperate", "cooperate"),
    ("\u180e\u061c\ufeff", ""),
    ("👨\u200d👩\u200d👧", "👨👩👧"),
    ("", ""),
    (" \u3000 ", ""),
    ("\ufffd\ue000\U0010fffd", "\ufffd\ue000\U0010fffd"),
    ("e\u0301 ﬁ ①", "e\u0301 ﬁ ①"),  # normalisation is not cleaning
    ("나는 학생 입니다.", "나는 학생 입니다."),
]


def graph_clean(texts):
    result = clean_text(tf.constant([t.encode() for t in texts])).numpy()
    return [text.decode("utf-8") for text in result]


def test_the_table():
    raw = [raw for raw, _ in TABLE]
    expected = [cleaned for _, cleaned in TABLE]
    assert [clean_string(text) for text in raw] == expected
    assert graph_clean(raw) == expected


def test_cleaning_twice_changes_nothing():
    cleaned = [cleaned for _, cleaned in TABLE]
    assert [clean_string(text) for text in cleaned] == cleaned
    assert graph_clean(cleaned) == cleaned


def test_graph_and_python_agree_on_every_code_point():
    # Each scalar value between two letters, and alone: 2 x 1,112,064.
    code_points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"a{chr(c)}b" for c in code_points] + [chr(c) for c in code_points]
    python = [clean_string(text) for text in texts]
    graph = graph_clean(texts)
    differ = [
        hex(code_points[i % len(code_points)])
        for i in range(len(texts))
        if python[i] != graph[i]
    ]
    assert differ == []
    # Everything Python calls white space is a space here too.
    spaces = {c for a, b in SPACES for c in range(a, b + 1)}
    assert {c for c in code_points if chr(c).isspace()} <= spaces
    # Exactly the listed characters change a string (a lone space does,
    # "a b" does not).
    changed = sum(p != t for p, t in zip(python, texts))
    removed = {c for a, b in INVISIBLE + SPACES for c in range(a, b + 1)}
    assert changed == 2 * len(removed) - 1  # " " alone changes, "a b" not


def test_invalid_utf8_is_replaced_in_the_graph():
    result = clean_text(tf.constant([b"\xff a\xc0\xaf", b"\xed\xa0\x80"]))
    assert [t.decode("utf-8") for t in result.numpy()] == [
        "\ufffd a\ufffd\ufffd",
        "\ufffd\ufffd\ufffd",
    ]


def test_runs_in_tf_data_and_a_tf_function_on_any_shape():
    texts = tf.constant([["\u00a0a\u200b", "b\x00c"], ["\ufeff", " d "]])
    expected = [[b"a", b"b c"], [b"", b"d"]]
    assert tf.function(clean_text)(texts).numpy().tolist() == expected
    dataset = tf.data.Dataset.from_tensor_slices(texts).map(clean_text)
    assert [row.tolist() for row in dataset.as_numpy_iterator()] == expected


@pytest.mark.parametrize("form", ["NFC", "NFKC"])
def test_normalisation_adds_nothing_the_cleaning_removes(form):
    # So the normalizer (clean, lowercase, normalise) needs no second
    # cleaning, except for the spaces NFKC's compatibility mappings make.
    removed = {c for a, b in INVISIBLE + SPACES for c in range(a, b + 1)}
    removed.discard(0x20)
    made = set()
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        text = clean_string(chr(c))
        for variant in (text, text.lower()):
            normalized = unicodedata.normalize(form, variant)
            made.update(ord(ch) for ch in normalized if ord(ch) in removed)
            if form == "NFC" and " " in normalized:
                made.add(0x20)
    assert made == set()
