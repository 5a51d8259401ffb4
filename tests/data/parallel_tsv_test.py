import pytest

from keras_attention.data.parallel_tsv import read_parallel_tsv


def test_extra_columns_may_vary_as_before(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("a\tb\nc\td\tcredit\te\n", encoding="utf-8")
    assert read_parallel_tsv(path) == (["a", "c"], ["b", "d"])
    assert read_parallel_tsv(path, source_column=1, target_column=0) == (
        ["b", "d"],
        ["a", "c"],
    )


def test_errors_are_value_errors_with_the_line(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("a\tb\nc\n", encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=r"pairs.tsv:2: expected at least 2 tab-separated columns, "
        r"found 1",
    ):
        read_parallel_tsv(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="the file has no sentence pairs"):
        read_parallel_tsv(path)
