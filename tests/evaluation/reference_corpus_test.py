import pytest

from keras_attention.evaluation.reference_corpus import ReferenceCorpus


def test_bundled_format_keeps_alignments(tmp_path):
    path = tmp_path / "test.tsv"
    path.write_text(
        "나는 학생 입니다.\tI am a student.\t0-0 1-2 1-3 2-1 3-4\n"
        "그는 의사 입니다.\tHe is a doctor.\t0-0 1-2 1-3 2-1 3-4\n",
        encoding="utf-8",
    )
    corpus = ReferenceCorpus.read(path)
    assert len(corpus) == 2
    assert corpus.sources[1] == "그는 의사 입니다."
    assert corpus.targets[0] == "I am a student."
    assert corpus.alignments[0] == ((0, 0), (1, 2), (1, 3), (2, 1), (3, 4))
    assert corpus.path == path


def test_attribution_column_is_not_an_alignment(tmp_path):
    path = tmp_path / "tatoeba.tsv"
    path.write_text(
        "안녕.\tHi.\tCC-BY 2.0 (France) Attribution: tatoeba.org #1\n",
        encoding="utf-8",
    )
    corpus = ReferenceCorpus.read(path)
    assert (corpus.sources, corpus.targets) == (["안녕."], ["Hi."])
    assert corpus.alignments is None


def test_two_columns_and_errors(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("\ufeff안녕.\tHi.\r\n고마워.\tThanks.\n", encoding="utf-8")
    corpus = ReferenceCorpus.read(path)
    assert corpus.sources == ["안녕.", "고마워."]
    assert corpus.alignments is None
    bad = tmp_path / "bad.tsv"
    bad.write_text("안녕.\tHi.\n혼자\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:2: expected at least 2"):
        ReferenceCorpus.read(bad)
    # An alignment index past the sentence is reported with its line.
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("안녕.\tHi.\t0-0 1-1 2-0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="wrong.tsv:1: alignment '2-0'"):
        ReferenceCorpus.read(wrong)


def config_for(corpus_format, **fields):
    from keras_attention.config import Config

    return Config().replace(
        train="train", valid="valid", corpus_format=corpus_format, **fields
    )


def test_a_runs_config_picks_the_reader_and_the_direction(tmp_path):
    anki = tmp_path / "kor.txt"
    anki.write_text(
        "Hi.\t안녕.\tCC-BY 2.0\nThanks.\t고마워.\tCC-BY 2.0\n", "utf-8"
    )
    corpus = ReferenceCorpus.read(anki, config=config_for("anki"))
    # Anki files hold English first; the model translated Korean → English.
    assert (corpus.sources, corpus.targets) == (
        ["안녕.", "고마워."],
        ["Hi.", "Thanks."],
    )
    # The same file read as plain TSV goes the wrong way round.
    assert ReferenceCorpus.read(anki).sources == ["Hi.", "Thanks."]

    csv = tmp_path / "test.csv"
    csv.write_text('ko,en\n"안녕, 친구.",Hi friend.\n', "utf-8")
    corpus = ReferenceCorpus.read(
        csv, config=config_for("csv", corpus_header=True)
    )
    assert (corpus.sources, corpus.targets) == (["안녕, 친구."], ["Hi friend."])

    (tmp_path / "test.ko").write_text("안녕.\n", "utf-8")
    (tmp_path / "test.en").write_text("Hi.\n", "utf-8")
    aligned = config_for("aligned", source_language="ko", target_language="en")
    corpus = ReferenceCorpus.read(tmp_path / "test", config=aligned)
    assert (corpus.sources, corpus.targets, corpus.alignments) == (
        ["안녕."],
        ["Hi."],
        None,
    )

    tsv = config_for("tsv", source_column=1, target_column=0)
    corpus = ReferenceCorpus.read(anki, config=tsv)
    assert corpus.targets == ["Hi.", "Thanks."]
