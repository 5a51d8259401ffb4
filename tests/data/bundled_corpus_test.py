import collections
import hashlib
import itertools
import random

import pytest

from keras_attention.data import bundled_corpus as bc
from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.data.bundled_corpus import NOTE_TRANSLATION
from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.bundled_corpus import SentencePair
from keras_attention.data.bundled_corpus import read_pairs
from keras_attention.data.bundled_corpus import split_tokens

NOTE_ALIGNMENT = "0-0 1-6 1-7 2-4 2-5 3-2 3-3 4-1 5-8"

N, V, A, P = bc._NOUN, bc._VERB, bc._ADJECTIVE, bc._PRONOUN
Phrase, Relative = bc._Phrase, bc._Relative


@pytest.fixture(scope="module")
def corpus():
    return BundledCorpus()


def all_pairs(corpus):
    return corpus.train + corpus.valid + corpus.test


# -- tokens and Hangul ------------------------------------------------------


def test_split_tokens():
    assert split_tokens(NOTE_SENTENCE) == [
        "나는",
        "인공지능을",
        "공부하는",
        "학생",
        "입니다",
        ".",
    ]
    assert split_tokens("Yes, I am!  Are you?") == [
        "Yes",
        ",",
        "I",
        "am",
        "!",
        "Are",
        "you",
        "?",
    ]
    assert split_tokens("") == []


def test_batchim_and_syllables():
    assert bc.has_batchim("학생")
    assert bc.has_batchim("학생들")
    assert not bc.has_batchim("의사")
    assert bc.compose_syllable(18, 0, 4) == "한"  # ㅎ ㅏ ㄴ
    assert bc.compose_syllable(0, 0) == "가"
    with pytest.raises(ValueError, match="Hangul"):
        bc.has_batchim("abc")


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
    assert bc.with_particle(noun, "topic") == topic
    assert bc.with_particle(noun, "subject") == subject
    assert bc.with_particle(noun, "object") == obj


def test_pronouns_take_the_topic_particle():
    forms = [
        bc.with_particle(p.korean, "topic")
        for p in bc._PERSON_PRONOUNS + bc._THING_PRONOUNS
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
        bc.conjugate(stem, past_stem, tense, polite, bool(negative))
        for tense, polite, negative in GRID
    ]
    assert got == CONJUGATIONS[stems]


def test_lexicon_verbs_conjugate_like_their_stems():
    verb = V["기다리다"]
    assert (verb.stem, verb.past_stem) == ("기다리", "기다렸")
    assert bc.conjugate(verb.stem, verb.past_stem, "present") == "기다립니다"
    verb = V["가져오다"]
    assert bc.conjugate(verb.stem, verb.past_stem, "past") == "가져왔습니다"
    assert bc.conjugate(verb.stem, verb.past_stem, "present", False) == (
        "가져온다"
    )


def test_adjective_conjugation():
    got = [
        bc.conjugate("친절하", "친절했", t, p, bool(n), adjective=True)
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
    assert A["친절하다"].attributive == "친절한"
    assert bc.relative_form("친절하", "past") == "친절한"


def test_relative_forms_and_copula():
    forms = {
        stem: [bc.relative_form(stem, t) for t in ("present", "past", "future")]
        for stem in ("공부하", "먹", "보", "사", "읽")
    }
    assert forms == {
        "공부하": ["공부하는", "공부한", "공부할"],
        "먹": ["먹는", "먹은", "먹을"],
        "보": ["보는", "본", "볼"],
        "사": ["사는", "산", "살"],
        "읽": ["읽는", "읽은", "읽을"],
    }
    assert bc.copula("학생") == "입니다"
    assert bc.copula("학생", polite=False) == "이다"
    assert bc.copula("학생", "past") == "이었습니다"
    assert bc.copula("학생", "past", polite=False) == "이었다"
    assert bc.copula("의사", "past") == "였습니다"
    assert bc.copula("의사", "past", polite=False) == "였다"


def test_english_morphology():
    articles = {
        w: bc.indefinite_article(w)
        for w in (
            "engineer",
            "old",
            "kind",
            "honest",
            "useful",
            "university",
            "umbrella",
            "student",
            "hour",
        )
    }
    assert articles == {
        "engineer": "an",
        "old": "an",
        "kind": "a",
        "honest": "an",
        "useful": "a",
        "university": "a",
        "umbrella": "an",
        "student": "a",
        "hour": "an",
    }
    plurals = [
        bc.pluralize(w)
        for w in (
            "child",
            "man",
            "woman",
            "person",
            "mouse",
            "goose",
            "fish",
            "box",
            "bus",
            "story",
            "key",
            "knife",
            "police officer",
            "potato",
        )
    ]
    assert plurals == [
        "children",
        "men",
        "women",
        "people",
        "mice",
        "geese",
        "fish",
        "boxes",
        "buses",
        "stories",
        "keys",
        "knives",
        "police officers",
        "potatoes",
    ]


# -- hand-built sentences ---------------------------------------------------


G = bc._grammar()


def transitive(subject, obj, verb, tense="present", polite=True, neg=False):
    pair = G.transitive(subject, obj, verb, tense, polite, neg).to_pair()
    return pair.source, pair.target


def copula(subject, predicate, tense="present", polite=True):
    pair = G.copula_sentence(subject, predicate, tense, polite).to_pair()
    return pair.source, pair.target


def adjective(subject, adj, tense="present", polite=True, neg=False):
    pair = G.adjective_sentence(subject, adj, tense, polite, neg).to_pair()
    return pair.source, pair.target


def test_note_pair_and_alignment():
    pair, lemmas = G.note_pair()
    assert pair.source == NOTE_SENTENCE
    assert pair.target == NOTE_TRANSLATION
    assert pair.alignment_string() == NOTE_ALIGNMENT
    assert pair.alignment == (
        (0, 0),
        (1, 6),
        (1, 7),
        (2, 4),
        (2, 5),
        (3, 2),
        (3, 3),
        (4, 1),
        (5, 8),
    )
    assert sorted(lemmas) == sorted(
        ["나", "인공지능", "공부하다", "학생", "이다"]
    )


def test_transitive_sentences():
    assert transitive(P["그"], Phrase(N["사과"]), V["먹다"]) == (
        "그는 사과를 먹습니다.",
        "He eats an apple.",
    )
    old_book = Phrase(N["책"], adjective=A["오래되다"])
    assert transitive(P["나"], old_book, V["읽다"], "past", False) == (
        "나는 오래된 책을 읽었다.",
        "I read an old book.",
    )
    children = Phrase(N["아이"], plural=True, particle="subject")
    assert transitive(children, Phrase(N["물"]), V["마시다"], neg=True) == (
        "아이들이 물을 마시지 않습니다.",
        "The children do not drink water.",
    )
    student = Phrase(N["학생"])
    assert transitive(student, Phrase(N["물"]), V["마시다"], neg=True) == (
        "학생은 물을 마시지 않습니다.",
        "The student does not drink water.",
    )
    men = Phrase(N["남자"], plural=True)
    books = Phrase(N["책"], plural=True)
    assert transitive(men, books, V["읽다"], "future", False, True) == (
        "남자들은 책들을 읽지 않을 것이다.",
        "The men will not read books.",
    )
    assert transitive(
        P["그녀"], Phrase(N["엔지니어"]), V["기다리다"], "future"
    ) == (
        "그녀는 엔지니어를 기다릴 것입니다.",
        "She will wait for an engineer.",
    )
    these = Phrase(N["우산"], plural=True, determiner="이")
    assert transitive(P["너"], these, V["찾다"], polite=False) == (
        "너는 이 우산들을 찾는다.",
        "You find these umbrellas.",
    )
    women = Phrase(N["여자"], plural=True, determiner="그")
    assert transitive(women, Phrase(N["대학교"]), V["방문하다"], "past") == (
        "그 여자들은 대학교를 방문했습니다.",
        "The women visited a university.",
    )
    assert transitive(P["그들"], Phrase(N["쥐"], plural=True), V["키우다"]) == (
        "그들은 쥐들을 키웁니다.",
        "They raise mice.",
    )
    assert transitive(P["우리"], Phrase(N["거위"], plural=True), V["보다"]) == (
        "우리는 거위들을 봅니다.",
        "We watch geese.",
    )
    assert transitive(P["그"], Phrase(N["개"]), V["가지다"], neg=True) == (
        "그는 개를 가지지 않습니다.",
        "He does not have a dog.",
    )
    assert transitive(
        P["나"], Phrase(N["개"]), V["가지다"], "past", neg=True
    ) == (
        "나는 개를 가지지 않았습니다.",
        "I did not have a dog.",
    )
    reader = Phrase(
        N["학생"], relative=Relative(V["읽다"], "present", Phrase(N["소설"]))
    )
    assert transitive(reader, Phrase(N["커피"]), V["마시다"]) == (
        "소설을 읽는 학생은 커피를 마십니다.",
        "The student who reads a novel drinks coffee.",
    )


def test_transitive_alignment():
    men = Phrase(N["남자"], plural=True)
    books = Phrase(N["책"], plural=True)
    pair = G.transitive(men, books, V["읽다"], "future", False, True)
    pair = pair.to_pair()
    assert pair.target == "The men will not read books."
    # 남자들은 책들을 읽지 않을 것이다 . / The men will not read books .
    assert pair.alignment_string() == "0-0 0-1 1-5 2-4 3-3 4-2 5-6"


def test_copula_sentences():
    math = Relative(V["공부하다"], "present", Phrase(N["수학"]))
    students = Phrase(N["학생"], plural=True, relative=math)
    assert copula(P["우리"], students) == (
        "우리는 수학을 공부하는 학생 입니다.",
        "We are students who study mathematics.",
    )
    student = Phrase(N["학생"], relative=math)
    assert copula(P["너"], student, "past") == (
        "너는 수학을 공부하는 학생 이었습니다.",
        "You were a student who studies mathematics.",
    )
    women = Phrase(N["여자"], plural=True, particle="subject")
    doctors = Phrase(N["의사"], plural=True, adjective=A["정직하다"])
    assert copula(women, doctors, "past") == (
        "여자들이 정직한 의사 였습니다.",
        "The women were honest doctors.",
    )
    translated = Relative(V["번역하다"], "past", Phrase(N["문장"], plural=True))
    program = Phrase(N["프로그램"], relative=translated)
    assert copula(P["이것"], program) == (
        "이것은 문장들을 번역한 프로그램 입니다.",
        "This is a program that translated sentences.",
    )
    teacher = Phrase(
        N["학생"], relative=Relative(V["가르치다"], "future", Phrase(N["영어"]))
    )
    assert copula(P["그"], teacher, polite=False) == (
        "그는 영어를 가르칠 학생 이다.",
        "He is a student who will teach English.",
    )
    engineer = Phrase(N["엔지니어"], adjective=A["친절하다"])
    assert copula(P["그녀"], engineer) == (
        "그녀는 친절한 엔지니어 입니다.",
        "She is a kind engineer.",
    )
    assert copula(P["나"], Phrase(N["엔지니어"])) == (
        "나는 엔지니어 입니다.",
        "I am an engineer.",
    )
    assert copula(P["이것"], Phrase(N["책"], adjective=A["유용하다"])) == (
        "이것은 유용한 책 입니다.",
        "This is a useful book.",
    )
    assert copula(P["그들"], Phrase(N["아이"], plural=True)) == (
        "그들은 아이 입니다.",
        "They are children.",
    )


def test_adjective_sentences():
    students = Phrase(N["학생"], plural=True)
    assert adjective(students, A["친절하다"], "past", neg=True) == (
        "학생들은 친절하지 않았습니다.",
        "The students were not kind.",
    )
    assert adjective(Phrase(N["학생"]), A["친절하다"]) == (
        "학생은 친절합니다.",
        "The student is kind.",
    )
    assert adjective(P["나"], A["행복하다"], "future") == (
        "나는 행복할 것입니다.",
        "I will be happy.",
    )
    assert adjective(P["너"], A["피곤하다"], polite=False, neg=True) == (
        "너는 피곤하지 않다.",
        "You are not tired.",
    )
    assert adjective(Phrase(N["수학"]), A["중요하다"], "future", neg=True) == (
        "수학은 중요하지 않을 것입니다.",
        "Mathematics will not be important.",
    )
    pair = G.adjective_sentence(
        Phrase(N["물"]), A["깨끗하다"], "future", True, True
    ).to_pair()
    assert pair.target == "The water will not be clean."
    # 물은 깨끗하지 않을 것입니다 . / The water will not be clean .
    assert pair.alignment_string() == "0-0 0-1 1-4 1-5 2-3 3-2 4-6"


# -- the corpus -------------------------------------------------------------


def test_split_sizes_and_disjointness(corpus):
    assert (len(corpus.train), len(corpus.valid), len(corpus.test)) == (
        32400,
        1800,
        1800,
    )
    train = {p.source for p in corpus.train}
    valid = {p.source for p in corpus.valid}
    test = {p.source for p in corpus.test}
    assert len(train) + len(valid) + len(test) == 36000
    assert not train & valid and not train & test and not valid & test


def test_note_sentence_is_only_in_test(corpus):
    note = [p for p in corpus.test if p.source == NOTE_SENTENCE]
    assert len(note) == 1
    assert note[0].target == NOTE_TRANSLATION
    assert note[0].alignment_string() == NOTE_ALIGNMENT
    for pair in corpus.train + corpus.valid:
        assert pair.source != NOTE_SENTENCE
        assert pair.target != NOTE_TRANSLATION


def test_korean_to_english_is_a_function(corpus):
    targets = collections.defaultdict(set)
    for pair in all_pairs(corpus):
        targets[pair.source].add(pair.target)
    # Raw draws, before deduplication, must agree as well.
    rng = random.Random(99)
    for _ in range(20000):
        pair, _ = G.sample(rng)
        targets[pair.source].add(pair.target)
    assert all(len(t) == 1 for t in targets.values())
    # Many-to-one does happen (polite/plain, 은/는 vs 이/가).
    assert len({p.target for p in all_pairs(corpus)}) < 36000


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

    for noun in bc._NOUNS:
        for base in (noun.korean, noun.korean + "들"):
            claim(base, noun)
            for kind in ("topic", "subject", "object"):
                claim(bc.with_particle(base, kind), noun)
    for verb in bc._VERBS:
        for tense, polite, negative in GRID:
            words = bc.conjugate(verb.stem, verb.past_stem, tense, polite)
            words += " " + bc.conjugate(
                verb.stem, verb.past_stem, tense, polite, bool(negative)
            )
            for word in words.split():
                claim(word, verb)
        for tense in tenses:
            claim(bc.relative_form(verb.stem, tense), verb)
    for adj in bc._ADJECTIVES:
        claim(adj.attributive, adj)
        if adj.predicative:
            for tense, polite, negative in GRID:
                words = bc.conjugate(
                    adj.stem, adj.past_stem, tense, polite, bool(negative), True
                )
                for word in words.split():
                    claim(word, adj)
    for pronoun in bc._PERSON_PRONOUNS + bc._THING_PRONOUNS:
        claim(bc.with_particle(pronoun.korean, "topic"), pronoun)
    for determiner in ("이", "그"):
        claim(determiner, ("determiner", determiner))
    for form in ("입니다", "이다", "이었습니다", "였습니다", "이었다", "였다"):
        claim(form, ("copula",))


def test_every_token_is_aligned(corpus):
    for pair in all_pairs(corpus):
        source, target = pair.source_tokens(), pair.target_tokens()
        assert list(pair.alignment) == sorted(set(pair.alignment))
        assert {s for s, _ in pair.alignment} == set(range(len(source)))
        assert {t for _, t in pair.alignment} == set(range(len(target)))
        assert source[-1] == target[-1] == "."
        assert (len(source) - 1, len(target) - 1) in pair.alignment
        assert target[0][0].isupper()


def test_sentence_lengths(corpus):
    lengths = [
        (len(p.source_tokens()), len(p.target_tokens()))
        for p in all_pairs(corpus)
    ]
    assert min(min(pair) for pair in lengths) >= 3
    assert max(max(pair) for pair in lengths) <= 14
    mean_target = sum(t for _, t in lengths) / len(lengths)
    assert 5 < mean_target < 9


def test_lemmas_are_many_and_frequent(corpus):
    lemmas = bc.korean_lemmas()
    assert len(lemmas) >= 250
    assert len(bc._VERBS) >= 40 and len(bc._ADJECTIVES) >= 25
    assert {"인공지능", "수학", "음악", "물", "먹다", "읽다", "배우다"} <= set(
        lemmas
    )
    counts = corpus.lemma_counts
    rare = {lemma: counts[lemma] for lemma in lemmas if counts[lemma] < 30}
    assert rare == {}


def test_linguistic_coverage(corpus):
    """The corpus exercises the phenomena the grammar promises."""
    targets = " ".join(p.target for p in corpus.train)
    sources = " ".join(p.source for p in corpus.train)
    for phrase in (
        " who study ",
        " who studies ",
        " that ",
        " an ",
        " does not ",
        " do not ",
        " did not ",
        " will not ",
        " will be ",
        " were ",
        " was ",
        " children",
        " women",
        " men ",
        "I am ",
        "You are ",
        "He is ",
        "These are ",
    ):
        assert phrase in targets, phrase
    for ending in (
        "습니다.",
        "ㅂ니다",
        "는다.",
        "것입니다.",
        "것이다.",
        " 이다.",
    ):
        if ending == "ㅂ니다":
            assert "합니다." in sources
        else:
            assert ending in sources, ending


def test_determinism():
    a = BundledCorpus(num_pairs=2000, seed=7)
    b = BundledCorpus(num_pairs=2000, seed=7)
    c = BundledCorpus(num_pairs=2000, seed=8)
    assert (a.train, a.valid, a.test) == (b.train, b.valid, b.test)
    assert a.train != c.train
    assert {p.source for p in a.train} != {p.source for p in c.train}
    assert any(p.source == NOTE_SENTENCE for p in c.test)


def test_write_and_read_round_trip(tmp_path):
    corpus = BundledCorpus(num_pairs=600, seed=3)
    paths = corpus.write(tmp_path / "out")
    assert set(paths) == {"train", "valid", "test"}
    for name, path in paths.items():
        assert path == tmp_path / "out" / f"{name}.tsv"
        assert read_pairs(path) == getattr(corpus, name)
    line = paths["test"].read_text(encoding="utf-8").splitlines()[0]
    pair = corpus.test[0]
    assert line == f"{pair.source}\t{pair.target}\t{pair.alignment_string()}"
    again = BundledCorpus(num_pairs=600, seed=3).write(tmp_path / "again")
    assert paths["train"].read_bytes() == again["train"].read_bytes()


# sha256 of the written train/valid/test files (sentences and alignments)
# and of the sorted train lemma counts, recorded from the single-module
# generator before it was split by job (commit 4016093). The split must not
# change one byte for the same seed.
CHECKSUMS = {
    (36000, 1234): (
        "81fd83e9571dd4973a875a4f7d66a1faed40fcd42719a90ca846e453d391e86e",
        "7e48bed0280abdf27e2a0a86b7cea4d445edaa03f151184a3cdc55d516bd5382",
        "ed10c585d406d6d631492f98a69dae0802e55453f1730709e147d93dad39a433",
        "1c018259908763eec0e8376e2cf63a2e95ca02b0777e9352c44c74da0300f118",
    ),
    (2000, 7): (
        "700d5195bbfce7481c90df7f5733bf5a169ab963fa597100bb5fcbce21f1d831",
        "502a578ad03f532545d8015519aa20ae4b1bd051dadc1c3d229b07d6891e036b",
        "8901195f3259445003a2398c8ee9534a60b4c192e058a9dc6d0e72678937b83b",
        "85a96130be3bfaeea03956416e34eeb162234fd66bd65cdd4d029042337d0130",
    ),
    (600, 3): (
        "d4b71082412e8f0df38d595a70791f4bd7ca3b488860e7eab3e573b8633926d1",
        "48efb72ef6891add11dec9a681863f3a9eab7db226f86efd634091cd9f36c757",
        "0c8ec6a882c14b3f8f7da50b469417e2c91c06bef0563b9fb0e2c732e234bbad",
        "50ea80ac334d25ae8cfe459dad3f9b96d969b44cb756522996a2b222c241de0e",
    ),
}


@pytest.mark.parametrize("num_pairs, seed", list(CHECKSUMS))
def test_written_corpus_is_byte_identical(tmp_path, corpus, num_pairs, seed):
    if (num_pairs, seed) == (36000, 1234):
        generated = corpus  # the default corpus, built once for the module
    else:
        generated = BundledCorpus(num_pairs=num_pairs, seed=seed)
    paths = generated.write(tmp_path)
    lemmas = repr(sorted(generated.lemma_counts.items())).encode()
    got = tuple(
        hashlib.sha256(paths[name].read_bytes()).hexdigest()
        for name in ("train", "valid", "test")
    ) + (hashlib.sha256(lemmas).hexdigest(),)
    assert got == CHECKSUMS[num_pairs, seed]


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("나는 학생 입니다.\tI am a student.", "expected 3"),
        ("나는 학생 입니다.\tI am a student.\t0-0 1-x", "bad alignment"),
        ("나는 학생 입니다.\tI am a student.\t0-0 9-1", "out of range"),
        ("\tI am a student.\t0-0", "empty"),
    ],
)
def test_read_pairs_errors_name_file_and_line(tmp_path, bad_line, message):
    path = tmp_path / "bad.tsv"
    good = f"{NOTE_SENTENCE}\t{NOTE_TRANSLATION}\t{NOTE_ALIGNMENT}"
    path.write_text(f"{good}\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        read_pairs(path)
    assert str(info.value).startswith(f"{path}:2: ")


def test_sentence_pair():
    pair = SentencePair("나는 학생 입니다.", "I am a student.", ((0, 0),))
    assert pair.alignment_string() == "0-0"
    with pytest.raises(AttributeError):
        pair.source = "x"


def test_bad_arguments():
    with pytest.raises(ValueError, match="test_fraction"):
        BundledCorpus(num_pairs=100, test_fraction=0)
    with pytest.raises(ValueError, match="no training pairs"):
        BundledCorpus(num_pairs=10, valid_fraction=0.5, test_fraction=0.5)


def test_too_many_pairs_raises(monkeypatch):
    pair = SentencePair("그는 학생 입니다.", "He is a student.", ())
    monkeypatch.setattr(bc._Grammar, "sample", lambda self, rng: (pair, []))
    monkeypatch.setattr(BundledCorpus, "_MAX_FAILED_DRAWS", 100)
    with pytest.raises(ValueError, match="only 2 distinct"):
        BundledCorpus(num_pairs=50)


def test_ambiguity_is_detected(monkeypatch):
    pairs = itertools.cycle(
        [
            SentencePair("그는 학생 입니다.", "He is a student.", ()),
            SentencePair("그는 학생 입니다.", "He was a student.", ()),
        ]
    )
    monkeypatch.setattr(
        bc._Grammar, "sample", lambda self, rng: (next(pairs), [])
    )
    with pytest.raises(RuntimeError, match="Ambiguous"):
        BundledCorpus(num_pairs=50)
