import numpy as np
import pytest
import tensorflow as tf

from keras_attention.decoding.translation_memory import TranslationMemory


def lookup(memory, texts):
    match = memory.lookup(tf.constant(texts))
    return (
        [t.decode("utf-8") for t in match["target"].numpy()],
        match["similarity"].numpy(),
        match["index"].numpy(),
    )


def test_similarity_is_the_jaccard_of_character_trigrams():
    # " abc " has {" ab", "abc", "bc "}; " abd " has {" ab", "abd", "bd "}:
    # one in common of five.
    memory = TranslationMemory(["abc", "abd"], ["first", "second"])
    targets, similarity, index = lookup(memory, ["abc", "abd", "xyz"])
    assert targets[:2] == ["first", "second"]
    np.testing.assert_allclose(similarity, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(index[:2], [0, 1])
    _, similarity, _ = lookup(TranslationMemory(["abd"], ["x"]), ["abc"])
    np.testing.assert_allclose(similarity, [1 / 5])


def test_ngrams_are_a_set_and_text_is_normalised():
    # Repeated trigrams count once: " aaaa " and " aaaaaaa " are both
    # {" aa", "aaa", "aa "}. Case, white space and NFC do not matter.
    jamo = "\u1102\u1161\u1102\u1173\u11ab"  # 나는, decomposed
    memory = TranslationMemory(["aaaa", "Tom est là", "나는"], ["a", "b", "c"])
    _, similarity, index = lookup(
        memory, ["aaaaaaa", "\ufefftom\u00a0EST  là ", jamo]
    )
    np.testing.assert_allclose(similarity, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(index, [0, 1, 2])


def test_any_string_is_answered():
    memory = TranslationMemory(["나는 학생 입니다."], ["I am a student."])
    texts = ["", " ", b"\xff\xfe\x00", "학" * 100_000, "\u200b"]
    targets, similarity, index = lookup(memory, texts)
    assert targets == ["I am a student."] * len(texts)
    assert np.all((similarity >= 0) & (similarity <= 1))
    np.testing.assert_allclose(similarity[[0, 1, 2, 4]], 0.0)
    np.testing.assert_array_equal(index, [0] * len(texts))
    empty = memory.lookup(tf.constant([], tf.string))
    assert [value.shape for value in empty.values()] == [(0,)] * 3


def test_lookup_runs_in_a_graph_and_batches_agree():
    sources = ["나는 학생 입니다.", "톰은 의사야.", "비가 와요."]
    memory = TranslationMemory(sources, ["A", "B", "C"])
    graph = tf.function(
        memory.lookup, input_signature=[tf.TensorSpec([None], tf.string)]
    )
    queries = ["톰은 의사입니다.", "비가 와.", "나는 학생이야."]
    batch = graph(tf.constant(queries))
    for i, query in enumerate(queries):
        one = graph(tf.constant([query]))
        assert one["target"].numpy()[0] == batch["target"].numpy()[i]
        assert one["similarity"].numpy()[0] == batch["similarity"].numpy()[i]
    assert [t.decode() for t in batch["target"].numpy()] == ["B", "C", "A"]


def test_save_and_from_file_round_trip(tmp_path):
    memory = TranslationMemory(["abc", "학생"], ["x", "y"], ngram_width=2)
    memory.save(tmp_path / "memory.json")
    loaded = TranslationMemory.from_file(tmp_path / "memory.json")
    assert loaded.ngram_width == 2
    assert loaded.sources == ["abc", "학생"]
    expected = lookup(memory, ["abd", "학교"])
    actual = lookup(loaded, ["abd", "학교"])
    assert expected[0] == actual[0]
    np.testing.assert_array_equal(expected[1], actual[1])


@pytest.mark.parametrize(
    "sources, targets, kwargs, message",
    [
        (["a"], [], {}, "same length"),
        ([], [], {}, "at least one pair"),
        (["a"], ["b"], {"ngram_width": 0}, "ngram_width must be >= 1"),
    ],
)
def test_bad_arguments_are_refused(sources, targets, kwargs, message):
    with pytest.raises(ValueError, match=message):
        TranslationMemory(sources, targets, **kwargs)
