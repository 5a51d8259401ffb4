from keras_attention.data.csv_reader import CsvReader


def test_quoted_fields_with_commas_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes(
        "\ufeffid,english,korean\r\n"
        '1,"Hello, ""world"".",안녕 세상.\r\n'
        '2,"Two\r\nlines",두 줄\r\n'
        "3,  Spaces  ,공백  \r\n".encode("utf-8")
    )
    reader = CsvReader(path, source_column=2, target_column=1, header=True)
    assert reader.read() == (
        ["안녕 세상.", "두 줄", "공백"],
        # A line break inside a quoted field is white space: one space.
        ['Hello, "world".', "Two lines", "Spaces"],
    )


def test_skipped_lines_keep_record_numbering(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes(b'a,b\n\xff,x\n"m\nn",o\n,p\nq,r\n')
    reader = CsvReader(path, skip_bad_lines=True)
    assert reader.read() == (["a", "m n", "q"], ["b", "o", "r"])
    assert reader.skipped_lines == 2
    assert [p.split(": ")[0] for p in reader.problems] == [
        f"{path}:2",
        f"{path}:5",
    ]


def test_other_delimiters(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text('a;"b;c"\n', encoding="utf-8")
    assert CsvReader(path, delimiter=";").read() == (["a"], ["b;c"])
