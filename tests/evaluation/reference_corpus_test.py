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
