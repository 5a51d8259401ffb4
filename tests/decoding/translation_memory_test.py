import json
import pathlib

import numpy as np
import pytest
import tensorflow as tf

from keras_attention.config import Config
from keras_attention.decoding.translation_memory import MAX_CHARACTERS
from keras_attention.decoding.translation_memory import TranslationMemory

ROOT = pathlib.Path(__file__).parents[2]
MINIMAL_PAIRS = pathlib.Path(__file__).with_name("minimal_pairs.tsv")


def read_minimal_pairs():
    """`[(kind, source_a, target_a, source_b, target_b)]` of the fixture."""
    lines = MINIMAL_PAIRS.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line[:1] != "#"]


def lookup(memory, texts):
    match = memory.lookup(tf.constant(texts, tf.string))
    return (
        [t.decode("utf-8") for t in match["target"].numpy()],
        [s.decode("utf-8") for s in match["source"].numpy()],
        match["similarity"].numpy(),
        match["index"].numpy(),
    )


def spacing_and_punctuation_variants(sentence):
    """Writings of `sentence` that differ only in spaces and punctuation."""
    bare = sentence.rstrip(".!?")
    end = sentence[len(bare) :]
    question = "？" if end == "?" else ""
    return [
        sentence,
        bare + end.replace(".", "!"),
        bare + question,
        bare.replace(" ", "") + end,
        "  " + bare.replace(" ", "\u00a0\u3000") + " " + end + " ",
        "\u201c" + bare + end + "\u201d",
        bare + "..." + end,
    ]


def test_the_key_drops_spacing_and_punctuation_but_keeps_question_marks():
    keys = TranslationMemory.keys_of(
        [
            "나는 학생 입니다.",
            " 나는\u3000학생입니다!! ",
            "커피를 좋아해요?",
            "커피를 좋아해요？？",
            "We’ll see, Tom.",
            "\u1102\u1161\u1102\u1173\u11ab",  # 나는, decomposed
            "Kommen Sie?",
            "...",
            "",
        ]
    )
    assert keys == [
        "나는학생입니다",
        "나는학생입니다",
        "커피를좋아해요?",
        "커피를좋아해요?",
        "We'llseeTom",
        "나는",
        "KommenSie?",
        "",
        "",
    ]


def test_minimal_pairs_get_no_translation_of_the_other_sentence():
    pairs = read_minimal_pairs()
    assert len(pairs) == 31
    for side, other in ((1, 3), (3, 1)):
        memory = TranslationMemory(
            [pair[side] for pair in pairs], [pair[side + 1] for pair in pairs]
        )
        targets, sources, similarity, index = lookup(
            memory, [pair[other] for pair in pairs]
        )
        substitutions = [
            (pair[other], target)
            for pair, target in zip(pairs, targets)
            if target
        ]
        assert substitutions == []
        assert sources == [""] * len(pairs)
        np.testing.assert_array_equal(similarity, 0.0)
        np.testing.assert_array_equal(index, -1)


def test_spacing_and_punctuation_variants_get_the_stored_translation():
    pairs = read_minimal_pairs()
    for side in (1, 3):
        memory = TranslationMemory(
            [pair[side] for pair in pairs], [pair[side + 1] for pair in pairs]
        )
        for i, pair in enumerate(pairs):
            variants = spacing_and_punctuation_variants(pair[side])
            targets, sources, similarity, index = lookup(memory, variants)
            assert targets == [pair[side + 1]] * len(variants), variants
            assert sources == [pair[side]] * len(variants)
            np.testing.assert_array_equal(similarity, 1.0)
            np.testing.assert_array_equal(index, i)


@pytest.mark.parametrize(
    "name", ["tatoeba-ko-en", "tatoeba-ko-en-large", "anki-es-en"]
)
def test_the_shipped_configs_make_no_substitution_in_the_minimal_pairs(name):
    config = Config.from_yaml(ROOT / "training" / "configs" / f"{name}.yaml")
    # The exact rule is the only memory there is.
    assert config.memory.match in ("off", "exact")
    pairs = read_minimal_pairs()
    memory = TranslationMemory(
        [pair[1] for pair in pairs], [pair[2] for pair in pairs]
    )
    targets, _, _, _ = lookup(memory, [pair[3] for pair in pairs])
    assert [t for t in targets if t] == []


def test_any_string_is_answered_and_none_matches_by_accident():
    memory = TranslationMemory(["나는 학생 입니다.", "!"], ["I am.", "x"])
    # "!" has an empty key: it is not stored.
    assert memory.sources == ["나는 학생 입니다."]
    texts = ["", " ", "...", b"\xff\xfe\x00", "학" * 100_000, "\u200b"]
    targets, sources, similarity, index = lookup(memory, texts)
    assert targets == [""] * len(texts)
    assert sources == [""] * len(texts)
    np.testing.assert_array_equal(similarity, 0.0)
    np.testing.assert_array_equal(index, -1)
    empty = memory.lookup(tf.constant([], tf.string))
    assert [value.shape for value in empty.values()] == [(0,)] * 4


def test_a_text_longer_than_the_limit_never_matches():
    longest = "가" * MAX_CHARACTERS
    memory = TranslationMemory([longest, longest + "나"], ["A", "B"])
    assert memory.sources == [longest]
    # The limit counts the cleaned text, punctuation included.
    targets, _, _, _ = lookup(memory, [longest, longest + "나", longest + "."])
    assert targets == ["A", "", ""]


def test_lookup_runs_in_a_graph_and_batches_agree():
    sources = ["나는 학생 입니다.", "톰은 의사야.", "비가 와요."]
    memory = TranslationMemory(sources, ["A", "B", "C"])
    graph = tf.function(
        memory.lookup, input_signature=[tf.TensorSpec([None], tf.string)]
    )
    queries = ["톰은 의사야", "비가 와.", "나는 학생이야.", "나는학생입니다"]
    batch = graph(tf.constant(queries))
    for i, query in enumerate(queries):
        one = graph(tf.constant([query]))
        for key in ("target", "source", "similarity", "index"):
            assert one[key].numpy()[0] == batch[key].numpy()[i]
    targets = [t.decode() for t in batch["target"].numpy()]
    assert targets == ["B", "", "", "A"]


def test_one_pair_per_key_the_first_or_the_best_scored():
    sources = ["톰은 의사야.", "톰은 의사야!", "비가 와요.", "톰은 의사야."]
    targets = ["Tom is a doctor.", "Tom's a doctor!", "It rains.", "Tom..."]
    first = TranslationMemory(sources, targets)
    assert first.sources == ["톰은 의사야.", "비가 와요."]
    assert first.targets == ["Tom is a doctor.", "It rains."]
    calls = []

    def score(batch_sources, batch_targets):
        calls.append(list(batch_targets))
        return [-len(target) for target in batch_targets]

    best = TranslationMemory.from_pairs(sources, targets, score=score)
    # Only the key with several translations is scored; the shortest wins.
    assert calls == [["Tom is a doctor.", "Tom's a doctor!", "Tom..."]]
    assert best.sources == ["비가 와요.", "톰은 의사야."]
    assert best.targets == ["It rains.", "Tom..."]
    assert lookup(best, ["톰은 의사야"])[0] == ["Tom..."]
    assert TranslationMemory.from_pairs(sources, targets).targets == (
        first.targets
    )


def test_save_and_from_file_round_trip(tmp_path):
    memory = TranslationMemory(["abc", "학생", "abc!"], ["x", "y", "z"])
    memory.save(tmp_path / "memory.json")
    saved = json.loads((tmp_path / "memory.json").read_text("utf-8"))
    assert saved == {
        "match": "exact",
        "sources": ["abc", "학생"],
        "targets": ["x", "y"],
    }
    loaded = TranslationMemory.from_file(tmp_path / "memory.json")
    assert lookup(loaded, ["abc.", "학 생"])[0] == ["x", "y"]


def test_a_file_of_the_similarity_memory_loads_as_exact(tmp_path):
    # Every training pair, duplicates included, and the n-gram width.
    path = tmp_path / "translation_memory.json"
    values = {
        "ngram_width": 3,
        "sources": ["저는 커피를 좋아해요.", "저는 커피를 좋아해요!"],
        "targets": ["i like coffee.", "i love coffee!"],
    }
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    memory = TranslationMemory.from_file(path)
    assert memory.targets == ["i like coffee."]
    assert lookup(memory, ["저는 차를 좋아해요."])[0] == [""]


@pytest.mark.parametrize(
    "sources, targets, message",
    [
        (["a"], [], "same length"),
        ([], [], "at least one pair"),
        (["...", " "], ["b", "c"], "non-empty key"),
    ],
)
def test_bad_arguments_are_refused(sources, targets, message):
    with pytest.raises(ValueError, match=message):
        TranslationMemory(sources, targets)
