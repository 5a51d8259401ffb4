import itertools

import pytest

from keras_attention.data.grammar import hangul_morphology as hm


def test_batchim_and_syllables():
    assert hm.has_batchim("학생")
    assert hm.has_batchim("학생들")
    assert not hm.has_batchim("의사")
    assert hm.compose_syllable(18, 0, 4) == "한"  # ㅎ ㅏ ㄴ
    assert hm.compose_syllable(0, 0) == "가"
    with pytest.raises(ValueError, match="Hangul"):
        hm.has_batchim("abc")


@pytest.mark.parametrize(
    "noun, topic, subject, obj",
    [
        ("학생", "학생은", "학생이", "학생을"),
        ("의사", "의사는", "의사가", "의사를"),
        ("선생님", "선생님은", "선생님이", "선생님을"),
        ("사과", "사과는", "사과가", "사과를"),
        ("물", "물은", "물이", "물을"),
        ("학생들", "학생들은", "학생들이", "학생들을"),
        ("컴퓨터", "컴퓨터는", "컴퓨터가", "컴퓨터를"),
    ],
)
def test_particles(noun, topic, subject, obj):
    assert hm.with_particle(noun, "topic") == topic
    assert hm.with_particle(noun, "subject") == subject
    assert hm.with_particle(noun, "object") == obj


# Order: (tense, polite, negative) for tense in present/past/future,
# polite then plain, affirmative then negative.
CONJUGATIONS = {
    ("먹", "먹었"): [
        "먹습니다",
        "먹지 않습니다",
        "먹는다",
        "먹지 않는다",
        "먹었습니다",
        "먹지 않았습니다",
        "먹었다",
        "먹지 않았다",
        "먹을 것입니다",
        "먹지 않을 것입니다",
        "먹을 것이다",
        "먹지 않을 것이다",
    ],
    ("공부하", "공부했"): [
        "공부합니다",
        "공부하지 않습니다",
        "공부한다",
        "공부하지 않는다",
        "공부했습니다",
        "공부하지 않았습니다",
        "공부했다",
        "공부하지 않았다",
        "공부할 것입니다",
        "공부하지 않을 것입니다",
        "공부할 것이다",
        "공부하지 않을 것이다",
    ],
    ("보", "봤"): [
        "봅니다",
        "보지 않습니다",
        "본다",
        "보지 않는다",
        "봤습니다",
        "보지 않았습니다",
        "봤다",
        "보지 않았다",
        "볼 것입니다",
        "보지 않을 것입니다",
        "볼 것이다",
        "보지 않을 것이다",
    ],
    ("마시", "마셨"): [
        "마십니다",
        "마시지 않습니다",
        "마신다",
        "마시지 않는다",
        "마셨습니다",
        "마시지 않았습니다",
        "마셨다",
        "마시지 않았다",
        "마실 것입니다",
        "마시지 않을 것입니다",
        "마실 것이다",
        "마시지 않을 것이다",
    ],
    ("닫", "닫았"): [
        "닫습니다",
        "닫지 않습니다",
        "닫는다",
        "닫지 않는다",
        "닫았습니다",
        "닫지 않았습니다",
        "닫았다",
        "닫지 않았다",
        "닫을 것입니다",
        "닫지 않을 것입니다",
        "닫을 것이다",
        "닫지 않을 것이다",
    ],
}
GRID = list(
    itertools.product(("present", "past", "future"), (True, False), (0, 1))
)


@pytest.mark.parametrize("stems", list(CONJUGATIONS))
def test_verb_conjugation(stems):
    stem, past_stem = stems
    got = [
        hm.conjugate(stem, past_stem, tense, polite, bool(negative))
        for tense, polite, negative in GRID
    ]
    assert got == CONJUGATIONS[stems]


def test_adjective_conjugation():
    got = [
        hm.conjugate("친절하", "친절했", t, p, bool(n), adjective=True)
        for t, p, n in GRID
    ]
    assert got == [
        "친절합니다",
        "친절하지 않습니다",
        "친절하다",
        "친절하지 않다",
        "친절했습니다",
        "친절하지 않았습니다",
        "친절했다",
        "친절하지 않았다",
        "친절할 것입니다",
        "친절하지 않을 것입니다",
        "친절할 것이다",
        "친절하지 않을 것이다",
    ]
    assert hm.relative_form("친절하", "past") == "친절한"


def test_relative_forms_and_copula():
    forms = {
        stem: [hm.relative_form(stem, t) for t in ("present", "past", "future")]
        for stem in ("공부하", "먹", "보", "사", "읽")
    }
    assert forms == {
        "공부하": ["공부하는", "공부한", "공부할"],
        "먹": ["먹는", "먹은", "먹을"],
        "보": ["보는", "본", "볼"],
        "사": ["사는", "산", "살"],
        "읽": ["읽는", "읽은", "읽을"],
    }
    assert hm.copula("학생") == "입니다"
    assert hm.copula("학생", polite=False) == "이다"
    assert hm.copula("학생", "past") == "이었습니다"
    assert hm.copula("학생", "past", polite=False) == "이었다"
    assert hm.copula("의사", "past") == "였습니다"
    assert hm.copula("의사", "past", polite=False) == "였다"
