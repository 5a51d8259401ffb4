import itertools

import pytest

from keras_attention.data.grammar.hangul_morphology import conjugate
from keras_attention.data.grammar.hangul_morphology import relative_form
from keras_attention.data.grammar.hangul_morphology import with_particle
from keras_attention.data.grammar.lexicon import Lexicon

LEXICON = Lexicon.bundled()
GRID = list(
    itertools.product(("present", "past", "future"), (True, False), (0, 1))
)


def test_pronouns_take_the_topic_particle():
    forms = [
        with_particle(p.korean, "topic")
        for p in LEXICON.person_pronouns + LEXICON.thing_pronouns
    ]
    assert forms == [
        "나는",
        "너는",
        "너희는",
        "우리는",
        "그는",
        "그녀는",
        "그들은",
        "이것은",
        "그것은",
        "이것들은",
        "그것들은",
    ]


# Order: (tense, polite, negative) for tense in present/past/future,


def test_lexicon_verbs_conjugate_like_their_stems():
    verb = LEXICON.verb("기다리다")
    assert (verb.stem, verb.past_stem) == ("기다리", "기다렸")
    assert conjugate(verb.stem, verb.past_stem, "present") == "기다립니다"
    verb = LEXICON.verb("가져오다")
    assert conjugate(verb.stem, verb.past_stem, "past") == "가져왔습니다"
    assert conjugate(verb.stem, verb.past_stem, "present", False) == (
        "가져온다"
    )


def test_surface_forms_are_unambiguous():
    """No Korean word form belongs to two different lexical entries."""
    owner = {}
    tenses = ("present", "past", "future")
    auxiliaries = {
        "않습니다",
        "않는다",
        "않다",
        "않았습니다",
        "않았다",
        "않을",
        "것입니다",
        "것이다",
    }

    def claim(form, entry):
        if form in auxiliaries:
            entry = ("auxiliary",)
        assert owner.setdefault(form, entry) == entry, (form, owner[form])

    for noun in LEXICON.nouns:
        for base in (noun.korean, noun.korean + "들"):
            claim(base, noun)
            for kind in ("topic", "subject", "object"):
                claim(with_particle(base, kind), noun)
    for verb in LEXICON.verbs:
        for tense, polite, negative in GRID:
            words = conjugate(verb.stem, verb.past_stem, tense, polite)
            words += " " + conjugate(
                verb.stem, verb.past_stem, tense, polite, bool(negative)
            )
            for word in words.split():
                claim(word, verb)
        for tense in tenses:
            claim(relative_form(verb.stem, tense), verb)
    for adj in LEXICON.adjectives:
        claim(adj.attributive, adj)
        if adj.predicative:
            for tense, polite, negative in GRID:
                words = conjugate(
                    adj.stem, adj.past_stem, tense, polite, bool(negative), True
                )
                for word in words.split():
                    claim(word, adj)
    for pronoun in LEXICON.person_pronouns + LEXICON.thing_pronouns:
        claim(with_particle(pronoun.korean, "topic"), pronoun)
    for determiner in ("이", "그"):
        claim(determiner, ("determiner", determiner))
    for form in ("입니다", "이다", "이었습니다", "였습니다", "이었다", "였다"):
        claim(form, ("copula",))


def test_bundled_lexicon_sizes_and_entries():
    assert len(LEXICON.nouns) == 182
    assert len({noun.word_class for noun in LEXICON.nouns}) == 17
    assert (len(LEXICON.verbs), len(LEXICON.adjectives)) == (50, 46)
    assert len(LEXICON.korean_lemmas()) == 292
    assert LEXICON.noun("경찰관").plural == "police officers"
    assert LEXICON.noun("물").mass and not LEXICON.noun("물").bare
    assert LEXICON.noun("수학").bare and LEXICON.noun("수학").mass
    assert LEXICON.noun("사과").adjective_group == "F"
    verb = LEXICON.verb("기다리다")
    assert (verb.base, verb.third, verb.past) == (
        "wait for",
        "waits for",
        "waited for",
    )
    assert verb.subjects == ("PERSON", "ANIMAL")
    adjective = LEXICON.adjective("친절하다")
    assert (adjective.attributive, adjective.groups) == ("친절한", ("P",))
    assert adjective.predicative and not LEXICON.adjective("크다").predicative
    assert (adjective.stem, adjective.past_stem) == ("친절하", "친절했")
    these = LEXICON.pronoun("이것들")
    assert (these.english, these.person, these.lemma) == (
        "these",
        "3pl",
        "이것",
    )
    assert not these.human and LEXICON.pronoun("나").human
    assert LEXICON.determiners == {
        "이": ("this", "these"),
        "그": ("the", "the"),
    }
    assert LEXICON.function_lemmas == ("이다", "않다", "것", "들")
    assert Lexicon.bundled() is LEXICON


def test_lexicon_is_package_data():
    """`pip install .` ships the YAML: setup.cfg lists it as package data."""
    import configparser
    import pathlib

    assert LEXICON.path.name == "lexicon.yaml"
    assert LEXICON.path.parent.name == "grammar"
    root = pathlib.Path(__file__).parents[3]
    setup = configparser.ConfigParser()
    setup.read(root / "setup.cfg")
    patterns = setup["options.package_data"]["*"].split()
    assert any(LEXICON.path.match(pattern) for pattern in patterns)


GOOD = """
noun_classes:
  PERSON: {adjective_group: P}
nouns:
  PERSON:
    - [학생, student]
verbs:
  - lemma: 만나다
    past_stem: 만났
    english: [meet, meets, met]
    subjects: [PERSON]
    objects: [PERSON]
adjectives:
  - {lemma: 친절하다, attributive: 친절한, english: kind, groups: [P]}
pronouns:
  people:
    - {korean: 나, english: I, person: 1sg}
determiners:
  그: [the, the]
function_lemmas: [이다]
"""


def test_a_small_lexicon_file(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(GOOD, encoding="utf-8")
    lexicon = Lexicon(path)
    assert lexicon.noun("학생").plural == "students"
    assert lexicon.thing_pronouns == ()
    assert lexicon.korean_lemmas() == [
        "그",
        "나",
        "만나다",
        "이다",
        "친절하다",
        "학생",
    ]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("objects: [PERSON]", "objects: [ROBOT]", "unknown noun classes"),
        ("- [학생, student]", "- [학생, no]", "expected a list of strings"),
        ("- [학생, student]", "- [학생]", "expected 2 strings"),
        ("groups: [P]", "groups: [Q]", "groups must be in PATFK"),
        ("person: 1sg", "person: 4sg", "person must be one of"),
        ("english: kind,", "english: kind, color: red,", "unknown fields"),
        ("lemma: 만나다", "lemma: 만나", "a lemma ending in 다"),
        (
            "- [학생, student]",
            "- [학생, student]\n    - [학생, pupil]",
            "'학생' appears twice",
        ),
        ("function_lemmas: [이다]", "", "function_lemmas: expected"),
    ],
)
def test_bad_lexicon_files_name_the_entry(tmp_path, old, new, message):
    path = tmp_path / "lexicon.yaml"
    assert old in GOOD
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        Lexicon(path)
    assert str(info.value).startswith(f"{path}: ")
