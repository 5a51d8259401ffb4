import pytest

from keras_attention.config import Config
from keras_attention.data.anki_reader import AnkiReader
from keras_attention.data.concatenated_reader import ConcatenatedReader
from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.corpus_splits import CorpusSplits
from keras_attention.data.reader_factory import corpus_files
from keras_attention.data.reader_factory import reader_from_config
from keras_attention.data.tsv_reader import TsvReader


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return {
        "tsv": write(tmp_path / "a" / "train.tsv", "가\tA\n나\tB\n다\tC\n"),
        # Anki: English first, then Korean, then the attribution.
        "anki": write(tmp_path / "b" / "kor.txt", "D\t라\tCC\nE\t마\tCC\n"),
        "valid": write(tmp_path / "a" / "valid.tsv", "바\tF\n"),
    }


def test_files_are_read_in_order_each_by_its_own_reader(files):
    reader = ConcatenatedReader(
        [TsvReader(files["tsv"]), AnkiReader(files["anki"])],
        ["a", "b"],
    )
    assert reader.read() == (["가", "나", "다", "라", "마"], list("ABCDE"))
    assert reader.pairs_per_file == [3, 2]
    report = reader.report()
    assert (report["pairs"], report["skipped_lines"]) == (5, 0)
    assert [
        (f["name"], f["format"], f["pairs"]) for f in report["files_read"]
    ] == [("a", "tsv", 3), ("b", "anki", 2)]
    assert reader.split_by_file(list("vwxyz")) == {
        "a": ["v", "w", "x"],
        "b": ["y", "z"],
    }
    with pytest.raises(ValueError, match="Expected 5 items"):
        reader.split_by_file(["v"])
    # A second pass counts afresh.
    assert len(list(reader)) == 5 and reader.pairs_per_file == [3, 2]


def test_a_bad_line_names_its_own_file_or_is_counted_there(tmp_path, files):
    bad = write(tmp_path / "c" / "train.tsv", "사\tG\n\n아\tH\n")
    with pytest.raises(CorpusError, match=r"c/train\.tsv:2: empty line"):
        ConcatenatedReader(
            [TsvReader(files["tsv"]), TsvReader(bad)], ["a", "c"]
        ).read()
    reader = ConcatenatedReader(
        [TsvReader(files["tsv"]), TsvReader(bad, skip_bad_lines=True)],
        ["a", "c"],
    )
    assert len(reader.read()[0]) == 5
    report = reader.report()
    assert (report["skipped_lines"], len(report["problems"])) == (1, 1)
    assert [f["skipped_lines"] for f in report["files_read"]] == [0, 1]
    empty = write(tmp_path / "d" / "train.tsv", "")
    with pytest.raises(CorpusError, match=r"d/train\.tsv: the file has no"):
        ConcatenatedReader(
            [TsvReader(files["tsv"]), TsvReader(empty)], ["a", "d"]
        ).read()


def test_names_must_be_unique_and_one_per_reader(files):
    with pytest.raises(ValueError, match="one name per reader"):
        ConcatenatedReader([TsvReader(files["tsv"])], ["a", "b"])
    with pytest.raises(ValueError, match="must be unique"):
        ConcatenatedReader(
            [TsvReader(files["tsv"]), TsvReader(files["valid"])], ["a", "a"]
        )


def test_a_config_list_gets_one_reader_per_file(files):
    config = Config().replace(
        train=[
            str(files["tsv"]),
            {"path": str(files["anki"]), "corpus_format": "anki"},
        ],
        valid=str(files["valid"]),
    )
    assert [
        (f["name"], f["corpus_format"]) for f in corpus_files(config, "train")
    ] == [("a/train.tsv", "tsv"), ("b/kor.txt", "anki")]
    train = reader_from_config(config, "train")
    assert isinstance(train, ConcatenatedReader)
    assert train.read()[0] == ["가", "나", "다", "라", "마"]
    # A single path keeps its plain reader.
    assert type(reader_from_config(config, "valid")) is TsvReader
    # Another file instead of the split's: the config's own format.
    other = reader_from_config(config, "train", files["valid"])
    assert type(other) is TsvReader


def test_splits_score_a_list_per_file_and_a_single_file_not(files):
    config = Config().replace(
        train=str(files["tsv"]),
        valid=[str(files["tsv"]), str(files["valid"])],
    )
    splits = CorpusSplits.from_config(config, None)
    assert splits.by_file("valid", list("pqrs")) == {
        "a/train.tsv": ["p", "q", "r"],
        "a/valid.tsv": ["s"],
    }
    assert splits.by_file("train", list("pqr")) is None
