import unicodedata

import tensorflow as tf

from benchmarks import decoding_vs_tutorial
from benchmarks import tutorial_model


def test_standardization_keeps_korean_and_spaces_punctuation():
    [text] = tutorial_model.tf_lower_and_split_punct(
        tf.constant(["Tom's  CAT, 고양이다!"])
    ).numpy()
    # NFKD splits the Hangul syllables into their letters (jamo), which
    # are kept; the apostrophe goes, as in the tutorial.
    expected = "[START] toms  cat ,  " + "고양이다" + " ! [END]"
    assert text.decode("utf-8") == unicodedata.normalize("NFKD", expected)


def test_a_bad_line_is_one_error_naming_the_file_and_line(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("하나\tone\n둘 two\n", encoding="utf-8")
    try:
        tutorial_model.read_pairs(path)
    except SystemExit as error:
        assert str(error) == f"error: {path}:2: expected source<TAB>target"
    else:
        raise AssertionError("no error")


def test_trains_in_its_budget_and_translates_a_batch(tmp_path):
    pairs = [
        ("나는 학생 입니다.", "I am a student."),
        ("그는 의사 입니다.", "He is a doctor."),
        ("나는 의사 입니다.", "I am a doctor."),
        ("그는 학생 입니다.", "He is a student."),
    ] * 16
    train = tmp_path / "train.tsv"
    train.write_text("".join(f"{s}\t{t}\n" for s, t in pairs), "utf-8")
    model, translate, report = tutorial_model.train(
        train, train, seconds=0, verbose=0
    )
    # A zero budget stops after the first batch.
    assert report["epochs"] == 1 and report["steps"] == 1
    # "", [UNK], [START], [END] and i am a student . he is doctor
    assert report["target_vocabulary"] == 12
    batches = decoding_vs_tutorial.batches_of([s for s, _ in pairs[:5]], 2)
    assert [int(b.shape[0]) for b in batches] == [2, 2, 1]
    seconds, texts = decoding_vs_tutorial.timed(translate, batches)
    assert len(texts) == 5 and seconds > 0
    assert all(isinstance(t, str) for t in texts)
