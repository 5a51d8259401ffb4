import pytest

from keras_attention.data.anki_reader import AnkiReader

ANKI = (
    "Go.\t가.\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM)\n"
    "I'm a student.\t나는 학생이에요.\tCC-BY 2.0 (France) Attribution: x\n"
    "Hi.\t안녕.\n"  # older files have no attribution column
)


def test_the_other_language_is_the_source_by_default(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text(ANKI, encoding="utf-8")
    assert AnkiReader(path).read() == (
        ["가.", "나는 학생이에요.", "안녕."],
        ["Go.", "I'm a student.", "Hi."],
    )


def test_english_can_be_the_source(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text(ANKI, encoding="utf-8")
    sources, targets = AnkiReader(path, source_column=0, target_column=1).read()
    assert sources[1] == "I'm a student."
    assert targets[1] == "나는 학생이에요."


def test_the_attribution_is_never_a_side(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text(ANKI, encoding="utf-8")
    with pytest.raises(ValueError, match="must be 0 and 1 in some order"):
        AnkiReader(path, source_column=2, target_column=0)
