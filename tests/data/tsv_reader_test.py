import pytest

from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.tsv_reader import TsvReader


def test_bom_crlf_and_surrounding_space_are_removed(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_bytes(
        "\ufeff나는 학생 입니다.  \tI am a student. \tCC-BY #1\r\n"
        " 안녕\tHello\tCC-BY #2\r\n".encode("utf-8")
    )
    reader = TsvReader(path)
    assert reader.read() == (
        ["나는 학생 입니다.", "안녕"],
        ["I am a student.", "Hello"],
    )
    assert reader.report() == {
        "format": "tsv",
        "files": [str(path)],
        "pairs": 2,
        "skipped_lines": 0,
        "problems": [],
    }


def test_sentences_are_cleaned_as_the_graph_cleans_them(tmp_path):
    # Unicode white space (str.strip's, and U+200B, which it keeps),
    # invisible format characters and controls: see text_cleaning_test.py.
    path = tmp_path / "pairs.tsv"
    path.write_bytes(
        "\u00a0나는\u3000학생\u200b입니다.\u202c\tI\x00am \ufeffa student.\n"
        "\u200b\u200e\u3000\tonly invisible characters\n"
        "\u00a0\t\u2028\n"
        "안녕\tHello\n".encode("utf-8")
    )
    reader = TsvReader(path, skip_bad_lines=True)
    assert reader.read() == (
        ["나는 학생 입니다.", "안녕"],
        ["I am a student.", "Hello"],
    )
    assert reader.problems == [
        f"{path}:2: empty source sentence (column 1)",
        f"{path}:3: empty line",
    ]


def test_columns_and_header_are_choices(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("en\tid\tko\nHello\t1\t안녕\n", encoding="utf-8")
    reader = TsvReader(path, source_column=2, target_column=0, header=True)
    assert reader.read() == (["안녕"], ["Hello"])


def test_column_arguments_are_validated(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must differ"):
        TsvReader(path, source_column=1, target_column=1)
    with pytest.raises(ValueError, match="source_column must be an int >= 0"):
        TsvReader(path, source_column=-1)


def test_allowed_columns_accepts_a_set_of_counts(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("a\tb\nc\td\te\nf\n", encoding="utf-8")
    reader = TsvReader(path, allowed_columns=(2, 3))
    with pytest.raises(CorpusError, match=":3: expected 2 or 3 tab-sep"):
        reader.read()


@pytest.mark.parametrize(
    "bad_line, message",
    [
        (b"\xff\xfe broken\tbytes\n", "invalid UTF-8"),
        (b"three\tcolumns\there\n", "columns"),
    ],
)
def test_one_bad_line_in_a_million_is_reported_by_number(
    tmp_path, bad_line, message
):
    path = tmp_path / "big.tsv"
    good = b"source sentence\ttarget sentence\n"
    with path.open("wb") as f:
        f.write(good * 500_000)
        f.write(bad_line)
        f.write(good * 499_999)
    with pytest.raises(CorpusError, match=rf"big\.tsv:500001: .*{message}"):
        TsvReader(path).read()
