from keras_attention.data.aligned_reader import AlignedReader


def test_line_i_pairs_with_line_i(tmp_path):
    (tmp_path / "train.ko").write_bytes(
        "\ufeff나는 학생 입니다.\r\n 안녕 \r\n".encode("utf-8")
    )
    (tmp_path / "train.en").write_bytes(b"I am a student.\nHello\t\n")
    reader = AlignedReader(tmp_path / "train.ko", tmp_path / "train.en")
    assert reader.read() == (
        ["나는 학생 입니다.", "안녕"],
        ["I am a student.", "Hello"],
    )
    assert reader.report()["format"] == "aligned"


def test_skipping_an_empty_line_skips_its_pair(tmp_path):
    (tmp_path / "a.ko").write_text("가\n나\n\n라\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("A\n\nC\nD\n", encoding="utf-8")
    reader = AlignedReader(
        tmp_path / "a.ko", tmp_path / "a.en", skip_bad_lines=True
    )
    assert reader.read() == (["가", "라"], ["A", "D"])
    assert reader.skipped_lines == 2
    assert reader.problems[0].startswith(f"{tmp_path / 'a.en'}:2: ")
    assert reader.problems[1].startswith(f"{tmp_path / 'a.ko'}:3: ")
