from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.data.bundled_corpus import NOTE_TRANSLATION
from keras_attention.data.grammar.lexicon import Lexicon
from keras_attention.data.grammar.sentence_grammar import Phrase
from keras_attention.data.grammar.sentence_grammar import Relative
from keras_attention.data.grammar.sentence_grammar import SentenceGrammar

NOTE_ALIGNMENT = "0-0 1-6 1-7 2-4 2-5 3-2 3-3 4-1 5-8"

LEXICON = Lexicon.bundled()
N, V, A, P = LEXICON.noun, LEXICON.verb, LEXICON.adjective, LEXICON.pronoun

G = SentenceGrammar()


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
    assert transitive(P("그"), Phrase(N("사과")), V("먹다")) == (
        "그는 사과를 먹습니다.",
        "He eats an apple.",
    )
    old_book = Phrase(N("책"), adjective=A("오래되다"))
    assert transitive(P("나"), old_book, V("읽다"), "past", False) == (
        "나는 오래된 책을 읽었다.",
        "I read an old book.",
    )
    children = Phrase(N("아이"), plural=True, particle="subject")
    assert transitive(children, Phrase(N("물")), V("마시다"), neg=True) == (
        "아이들이 물을 마시지 않습니다.",
        "The children do not drink water.",
    )
    student = Phrase(N("학생"))
    assert transitive(student, Phrase(N("물")), V("마시다"), neg=True) == (
        "학생은 물을 마시지 않습니다.",
        "The student does not drink water.",
    )
    men = Phrase(N("남자"), plural=True)
    books = Phrase(N("책"), plural=True)
    assert transitive(men, books, V("읽다"), "future", False, True) == (
        "남자들은 책들을 읽지 않을 것이다.",
        "The men will not read books.",
    )
    assert transitive(
        P("그녀"), Phrase(N("엔지니어")), V("기다리다"), "future"
    ) == (
        "그녀는 엔지니어를 기다릴 것입니다.",
        "She will wait for an engineer.",
    )
    these = Phrase(N("우산"), plural=True, determiner="이")
    assert transitive(P("너"), these, V("찾다"), polite=False) == (
        "너는 이 우산들을 찾는다.",
        "You find these umbrellas.",
    )
    women = Phrase(N("여자"), plural=True, determiner="그")
    assert transitive(women, Phrase(N("대학교")), V("방문하다"), "past") == (
        "그 여자들은 대학교를 방문했습니다.",
        "The women visited a university.",
    )
    assert transitive(P("그들"), Phrase(N("쥐"), plural=True), V("키우다")) == (
        "그들은 쥐들을 키웁니다.",
        "They raise mice.",
    )
    assert transitive(P("우리"), Phrase(N("거위"), plural=True), V("보다")) == (
        "우리는 거위들을 봅니다.",
        "We watch geese.",
    )
    assert transitive(P("그"), Phrase(N("개")), V("가지다"), neg=True) == (
        "그는 개를 가지지 않습니다.",
        "He does not have a dog.",
    )
    assert transitive(
        P("나"), Phrase(N("개")), V("가지다"), "past", neg=True
    ) == (
        "나는 개를 가지지 않았습니다.",
        "I did not have a dog.",
    )
    reader = Phrase(
        N("학생"), relative=Relative(V("읽다"), "present", Phrase(N("소설")))
    )
    assert transitive(reader, Phrase(N("커피")), V("마시다")) == (
        "소설을 읽는 학생은 커피를 마십니다.",
        "The student who reads a novel drinks coffee.",
    )


def test_transitive_alignment():
    men = Phrase(N("남자"), plural=True)
    books = Phrase(N("책"), plural=True)
    pair = G.transitive(men, books, V("읽다"), "future", False, True)
    pair = pair.to_pair()
    assert pair.target == "The men will not read books."
    # 남자들은 책들을 읽지 않을 것이다 . / The men will not read books .
    assert pair.alignment_string() == "0-0 0-1 1-5 2-4 3-3 4-2 5-6"


def test_copula_sentences():
    math = Relative(V("공부하다"), "present", Phrase(N("수학")))
    students = Phrase(N("학생"), plural=True, relative=math)
    assert copula(P("우리"), students) == (
        "우리는 수학을 공부하는 학생 입니다.",
        "We are students who study mathematics.",
    )
    student = Phrase(N("학생"), relative=math)
    assert copula(P("너"), student, "past") == (
        "너는 수학을 공부하는 학생 이었습니다.",
        "You were a student who studies mathematics.",
    )
    women = Phrase(N("여자"), plural=True, particle="subject")
    doctors = Phrase(N("의사"), plural=True, adjective=A("정직하다"))
    assert copula(women, doctors, "past") == (
        "여자들이 정직한 의사 였습니다.",
        "The women were honest doctors.",
    )
    translated = Relative(V("번역하다"), "past", Phrase(N("문장"), plural=True))
    program = Phrase(N("프로그램"), relative=translated)
    assert copula(P("이것"), program) == (
        "이것은 문장들을 번역한 프로그램 입니다.",
        "This is a program that translated sentences.",
    )
    teacher = Phrase(
        N("학생"), relative=Relative(V("가르치다"), "future", Phrase(N("영어")))
    )
    assert copula(P("그"), teacher, polite=False) == (
        "그는 영어를 가르칠 학생 이다.",
        "He is a student who will teach English.",
    )
    engineer = Phrase(N("엔지니어"), adjective=A("친절하다"))
    assert copula(P("그녀"), engineer) == (
        "그녀는 친절한 엔지니어 입니다.",
        "She is a kind engineer.",
    )
    assert copula(P("나"), Phrase(N("엔지니어"))) == (
        "나는 엔지니어 입니다.",
        "I am an engineer.",
    )
    assert copula(P("이것"), Phrase(N("책"), adjective=A("유용하다"))) == (
        "이것은 유용한 책 입니다.",
        "This is a useful book.",
    )
    assert copula(P("그들"), Phrase(N("아이"), plural=True)) == (
        "그들은 아이 입니다.",
        "They are children.",
    )


def test_adjective_sentences():
    students = Phrase(N("학생"), plural=True)
    assert adjective(students, A("친절하다"), "past", neg=True) == (
        "학생들은 친절하지 않았습니다.",
        "The students were not kind.",
    )
    assert adjective(Phrase(N("학생")), A("친절하다")) == (
        "학생은 친절합니다.",
        "The student is kind.",
    )
    assert adjective(P("나"), A("행복하다"), "future") == (
        "나는 행복할 것입니다.",
        "I will be happy.",
    )
    assert adjective(P("너"), A("피곤하다"), polite=False, neg=True) == (
        "너는 피곤하지 않다.",
        "You are not tired.",
    )
    assert adjective(Phrase(N("수학")), A("중요하다"), "future", neg=True) == (
        "수학은 중요하지 않을 것입니다.",
        "Mathematics will not be important.",
    )
    pair = G.adjective_sentence(
        Phrase(N("물")), A("깨끗하다"), "future", True, True
    ).to_pair()
    assert pair.target == "The water will not be clean."
    # 물은 깨끗하지 않을 것입니다 . / The water will not be clean .
    assert pair.alignment_string() == "0-0 0-1 1-4 1-5 2-3 3-2 4-6"
