"""The malformed-file suite: every reader names file, line and problem."""

import pathlib
import re

import pytest

from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.reader_factory import create_reader
from keras_attention.data.reader_factory import reader_from_config
from keras_attention.data.tsv_reader import TsvReader

# (id, format, {file name: bytes}, reader options, file, line, problem).
# For "aligned" the files are train.ko and train.en.
MALFORMED = [
    ("tsv-utf8", "tsv", {"c.tsv": b"a\tb\nc\xff\td\n"}, {}, "c.tsv", 2,
     r"invalid UTF-8 \(invalid start byte at byte 2 of the line\)"),
    ("tsv-fewer-columns", "tsv", {"c.tsv": b"a\tb\nc\n"}, {}, "c.tsv", 2,
     r"expected 2 tab-separated columns \(as on line 1\), found 1"),
    ("tsv-more-columns", "tsv", {"c.tsv": b"a\tb\nc\td\te\n"}, {}, "c.tsv",
     2, r"expected 2 tab-separated columns \(as on line 1\), found 3"),
    ("tsv-one-column", "tsv", {"c.tsv": b"abc\n"}, {}, "c.tsv", 1,
     r"expected at least 2 tab-separated columns, found 1"),
    ("tsv-empty-source", "tsv", {"c.tsv": b"a\tb\n \tc\n"}, {}, "c.tsv", 2,
     r"empty source sentence \(column 1\)"),
    ("tsv-empty-target", "tsv", {"c.tsv": b"a\tb\r\nc\t  \r\n"}, {},
     "c.tsv", 2, r"empty target sentence \(column 2\)"),
    ("tsv-blank-line", "tsv", {"c.tsv": b"a\tb\n\nc\td\n"}, {}, "c.tsv", 2,
     r"empty line"),
    ("tsv-empty-file", "tsv", {"c.tsv": b""}, {}, "c.tsv", None,
     r"the file has no sentence pairs \(it is empty\)"),
    ("tsv-only-bom", "tsv", {"c.tsv": b"\xef\xbb\xbf\n"}, {}, "c.tsv", 1,
     r"empty line"),
    ("csv-utf8", "csv", {"c.csv": b'a,b\n"c\xfe",d\n'}, {}, "c.csv", 2,
     r"invalid UTF-8"),
    ("csv-field-count", "csv", {"c.csv": b"a,b\nc,d,e\n"}, {}, "c.csv", 2,
     r"expected 2 fields \(as on line 1\), found 3"),
    ("csv-empty-side", "csv", {"c.csv": b'a,b\n"",d\n'}, {}, "c.csv", 2,
     r"empty source sentence \(field 1\)"),
    ("csv-open-quote", "csv", {"c.csv": b'a,b\n"c,d\n'}, {}, "c.csv", 2,
     r"CSV: unexpected end of data"),
    # The record on lines 2-3 holds a line break: the next one is line 4.
    ("csv-after-multiline", "csv", {"c.csv": b'a,b\n"x\ny",z\nq\n'}, {},
     "c.csv", 4, r"expected 2 fields \(as on line 1\), found 1"),
    ("csv-empty-file", "csv", {"c.csv": b""}, {}, "c.csv", None,
     r"it is empty"),
    ("anki-four-columns", "anki", {"k.txt": "Hi.\t안녕.\tCC\tx\n".encode()},
     {}, "k.txt", 1, r"expected 2 or 3 tab-separated columns, found 4"),
    ("anki-one-column", "anki", {"k.txt": "Hi.\t안녕.\nHello.\n".encode()},
     {}, "k.txt", 2, r"expected 2 or 3 tab-separated columns, found 1"),
    ("anki-empty-english", "anki", {"k.txt": "\t안녕.\tCC\n".encode()}, {},
     "k.txt", 1, r"empty target sentence \(column 1\)"),
    ("aligned-source-shorter", "aligned",
     {"train.ko": b"a\nb\n", "train.en": b"A\nB\nC\n"}, {}, "train.ko", 3,
     r"line missing: train\.ko has 2 lines but train\.en has 3; .*train\.ko "
     r"is the shorter file and .*train\.en:3 is the first line without"),
    ("aligned-target-shorter", "aligned",
     {"train.ko": b"a\nb\nc\nd\n", "train.en": b"A\n"}, {}, "train.en", 2,
     r"train\.en has 1 lines but train\.ko has 4; .*train\.en is the "
     r"shorter file"),
    ("aligned-empty-line", "aligned",
     {"train.ko": b"a\nb\n", "train.en": b"A\n\r\n"}, {}, "train.en", 2,
     r"empty target sentence \(empty line\)"),
    ("aligned-utf8", "aligned",
     {"train.ko": b"a\n\xc3(\n", "train.en": b"A\nB\n"}, {}, "train.ko", 2,
     r"invalid UTF-8 \(invalid continuation byte at byte 1"),
    ("aligned-empty-file", "aligned",
     {"train.ko": b"", "train.en": b"A\n"}, {}, "train.ko", None,
     r"it is empty"),
]  # fmt: skip


def open_files_under(directory):
    """Paths under `directory` that this process holds open (Linux)."""
    targets = (
        path.resolve() for path in pathlib.Path("/proc/self/fd").iterdir()
    )
    return [str(t) for t in targets if t.is_relative_to(directory)]


def make_reader(tmp_path, corpus_format, files, options, **extra):
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    if corpus_format == "aligned":
        path = tmp_path / "train"
        extra.update(source_language="ko", target_language="en")
    else:
        [name] = files
        path = tmp_path / name
    return create_reader(corpus_format, path, **options, **extra)


def test_the_suite_covers_every_format():
    assert len(MALFORMED) == 23
    assert {case[1] for case in MALFORMED} == {"tsv", "csv", "anki", "aligned"}


@pytest.mark.parametrize(
    "corpus_format, files, options, file, line, problem",
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_bad_data_names_file_line_and_problem(
    tmp_path, corpus_format, files, options, file, line, problem
):
    reader = make_reader(tmp_path, corpus_format, files, options)
    with pytest.raises(CorpusError) as caught:
        reader.read()
    error = caught.value
    assert error.path == str(tmp_path / file)
    assert error.line == line
    assert re.search(problem, error.problem), error.problem
    where = f"{tmp_path / file}:{line}" if line else str(tmp_path / file)
    assert str(error).startswith(f"{where}: ")
    # A ValueError, as `read_parallel_tsv` always raised.
    assert isinstance(error, ValueError)
    # The traceback still holds the readers' frames: their files are
    # closed all the same, not left to the garbage collector.
    assert open_files_under(tmp_path) == []


def test_skip_bad_lines_counts_and_reports(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_bytes(
        b"a\tb\nc\n\xff\tx\n\td\ne\tf\tg\nh\ti\n\n"  # 2 good, 5 bad lines
    )
    reader = TsvReader(path, skip_bad_lines=True)
    assert reader.read() == (["a", "h"], ["b", "i"])
    report = reader.report()
    assert report["pairs"] == 2
    assert report["skipped_lines"] == 5
    assert [p.split(": ", 1)[0] for p in report["problems"]] == [
        f"{path}:{line}" for line in (2, 3, 4, 5, 7)
    ]
    # A second pass counts afresh instead of accumulating.
    reader.read()
    assert reader.skipped_lines == 5


def test_skip_bad_lines_never_hides_whole_file_problems(tmp_path):
    (tmp_path / "train.ko").write_bytes(b"a\nb\nc\n")
    (tmp_path / "train.en").write_bytes(b"A\nB\n")
    aligned = create_reader(
        "aligned",
        tmp_path / "train",
        source_language="ko",
        target_language="en",
        skip_bad_lines=True,
    )
    with pytest.raises(CorpusError, match="train.en has 2 lines"):
        aligned.read()
    (tmp_path / "empty.tsv").write_bytes(b"")
    with pytest.raises(CorpusError, match="it is empty"):
        TsvReader(tmp_path / "empty.tsv", skip_bad_lines=True).read()
    (tmp_path / "bad.tsv").write_bytes(b"x\n\ty\n")
    with pytest.raises(
        CorpusError, match=r"no sentence pairs \(2 bad lines skipped\)"
    ):
        TsvReader(tmp_path / "bad.tsv", skip_bad_lines=True).read()


def test_readers_stream_line_by_line(tmp_path):
    # The first pair comes out before the bad last line is read.
    path = tmp_path / "big.tsv"
    with path.open("wb") as f:
        f.writelines(b"source %d\ttarget %d\n" % (i, i) for i in range(20000))
        f.write(b"\xff\n")
    pairs = iter(TsvReader(path))
    assert next(pairs) == ("source 0", "target 0")
    with pytest.raises(CorpusError, match=":20001: invalid UTF-8"):
        list(pairs)


def test_create_dispatches_on_format(tmp_path):
    (tmp_path / "p.tsv").write_text("a\tb\n", encoding="utf-8")
    (tmp_path / "p.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "p.txt").write_text("Hi.\t안녕.\tCC\n", encoding="utf-8")
    (tmp_path / "p.ko").write_text("안녕.\n", encoding="utf-8")
    (tmp_path / "p.en").write_text("Hi.\n", encoding="utf-8")
    create = create_reader
    assert create("tsv", tmp_path / "p.tsv").read() == (["a"], ["b"])
    assert create("csv", tmp_path / "p.csv").read() == (["a"], ["b"])
    assert create("anki", tmp_path / "p.txt").read() == (["안녕."], ["Hi."])
    assert create(
        "anki", tmp_path / "p.txt", source_column=0, target_column=1
    ).read() == (["Hi."], ["안녕."])
    aligned = create(
        "aligned", tmp_path / "p", source_language="ko", target_language="en"
    )
    assert aligned.read() == (["안녕."], ["Hi."])
    assert aligned.report()["files"] == [
        str(tmp_path / "p.ko"),
        str(tmp_path / "p.en"),
    ]
    with pytest.raises(ValueError, match="needs source_language"):
        create("aligned", tmp_path / "p")
    with pytest.raises(ValueError, match="corpus_format must be one of"):
        create("xml", tmp_path / "p.tsv")
    with pytest.raises(FileNotFoundError, match="no such corpus file"):
        create("tsv", tmp_path / "missing.tsv")


def test_from_config_uses_the_config_fields(tmp_path):
    from keras_attention.config import Config

    (tmp_path / "train.ko").write_text("가\n\n나\n", encoding="utf-8")
    (tmp_path / "train.en").write_text("A\nB\nC\n", encoding="utf-8")
    config = Config().replace(
        train=str(tmp_path / "train"),
        valid=str(tmp_path / "train"),
        corpus_format="aligned",
        source_language="ko",
        target_language="en",
        skip_bad_lines=True,
    )
    reader = reader_from_config(config, "train")
    assert reader.read() == (["가", "나"], ["A", "C"])
    assert reader.skipped_lines == 1
