import pytest

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.data.bundled_corpus import NOTE_TRANSLATION
from keras_attention.data.sentence_pair import SentencePair
from keras_attention.data.sentence_pair import read_pairs

NOTE_ALIGNMENT = "0-0 1-6 1-7 2-4 2-5 3-2 3-3 4-1 5-8"


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("나는 학생 입니다.\tI am a student.", "expected 3"),
        ("나는 학생 입니다.\tI am a student.\t0-0 1-x", "bad alignment"),
        ("나는 학생 입니다.\tI am a student.\t0-0 9-1", "out of range"),
        ("\tI am a student.\t0-0", "empty"),
    ],
)
def test_read_pairs_errors_name_file_and_line(tmp_path, bad_line, message):
    path = tmp_path / "bad.tsv"
    good = f"{NOTE_SENTENCE}\t{NOTE_TRANSLATION}\t{NOTE_ALIGNMENT}"
    path.write_text(f"{good}\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        read_pairs(path)
    assert str(info.value).startswith(f"{path}:2: ")


def test_sentence_pair():
    pair = SentencePair("나는 학생 입니다.", "I am a student.", ((0, 0),))
    assert pair.alignment_string() == "0-0"
    with pytest.raises(AttributeError):
        pair.source = "x"
