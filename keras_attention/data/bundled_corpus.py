"""A Korean→English corpus generated from a small grammar, with alignments.

The corpus is never downloaded: `BundledCorpus` draws sentences from the
grammar below with `random.Random(seed)`, so the same seed always gives the
same files. Every Korean sentence has exactly one English translation (the
mapping is a function; many Korean variants such as polite/plain endings or
은/는 vs 이/가 share one English sentence), and every pair carries gold word
alignments.

Three sentence templates (Korean is SOV, English SVO):

1. Transitive, `SUBJ OBJ VERB.` → `SUBJ VERB OBJ.`: "학생은 사과를
   먹습니다." → "The student eats an apple." The subject is a pronoun with
   the topic particle (나는 I, 너는 you, 너희는 you, 우리는 we, 그는 he,
   그녀는 she, 그들은 they) or a noun phrase with 은/는 or 이/가; the object
   takes 을/를. The verb is present, past or future (-(으)ㄹ 것입니다),
   polite (-습니다/-ㅂ니다) or plain (-는다/-ㄴ다, past -다), affirmative or
   negated with the long form (-지 않습니다 → does/do/did/will not).
2. Copula, `SUBJ [REL] [ADJ] NOUN COP.` with the copula as a separate word
   (입니다/이다, past 이었습니다/였습니다/이었다/였다): "나는 인공지능을
   공부하는 학생 입니다." → "I am a student who studies artificial
   intelligence." Person subjects take person nouns; 이것은 this, 그것은 it,
   이것들은 these and 그것들은 they take things. The predicate noun is
   plural in English when the subject is plural.
3. Predicative 하다-adjective, `SUBJ ADJ.`: "학생들은 친절하지 않았습니다."
   → "The students were not kind." (is/are/was/were/will be).

Noun phrases are `[이|그] [ADJ] NOUN[들]`, or for objects and predicate
nouns also `OBJ REL-VERB NOUN` (a subject-gap relative clause, present
-는 → "who studies"/"who study", past -(으)ㄴ → "who studied", future
-(으)ㄹ → "who will study"; "who" for people, "that" for things). A subject
noun phrase with a relative clause is also possible. Articles follow a
fixed rule: subjects are definite ("the"), objects and predicate nouns are
indefinite ("a"/"an" by the sound of the next word, bare plurals and mass
nouns); the determiner 그 gives "the", 이 gives "this"/"these"; fields of
study and languages ("mathematics", "English") never take an article.
Korean 들 marks the plural; only people are plural or take 이/가 as
subjects, so rarer nouns keep few Korean forms. Particles after a final
consonant (batchim) are computed with Hangul arithmetic, and verb endings
are built by adding the final ㄴ/ㄹ/ㅂ to the stem's last syllable; each
verb stores its past stem. About 180 nouns in 17 classes, 50 transitive
verbs and 46 adjectives (292 Korean lemmas, see `korean_lemmas`) are
combined under loose class-based selectional restrictions.

Tokens are whitespace-separated words with `. , ? !` split off (see
`split_tokens`). Alignments are `(source_index, target_index)` pairs: a
noun's article aligns with the noun, "who" and the verb with the relative
verb, "does"/"did"/"not" with 않-, "will" with 것입니다, the English "be"
with the copula or the adjective; every token on either side is aligned.
Copula future and negated copula are not generated.

Example:

```python
corpus = BundledCorpus(num_pairs=36000, seed=1234)
pair = [p for p in corpus.test if p.source == NOTE_SENTENCE][0]
pair.target  # "I am a student who studies artificial intelligence."
pair.alignment_string()  # "0-0 1-6 1-7 2-4 2-5 3-2 3-3 4-1 5-8"
paths = corpus.write("runs/corpus")  # {"train": .../train.tsv, ...}
read_pairs(paths["test"])
```
"""

import collections
import dataclasses
import pathlib
import random
import re

from keras_attention.atomic_write import atomic_write

NOTE_SENTENCE = "나는 인공지능을 공부하는 학생 입니다."
NOTE_TRANSLATION = "I am a student who studies artificial intelligence."

_PUNCTUATION = ".,?!"
_TOKEN_PATTERN = re.compile(r"[.,?!]|[^.,?!]+")


def split_tokens(text):
    """Splits text on white space and separates the marks `. , ? !`.

    Args:
        text: str.

    Returns:
        list of str, e.g. `["나는", "학생", "입니다", "."]` for
        `"나는 학생 입니다."`.
    """
    tokens = []
    for chunk in text.split():
        tokens.extend(_TOKEN_PATTERN.findall(chunk))
    return tokens


@dataclasses.dataclass(frozen=True)
class SentencePair:
    """A Korean sentence, its English translation and word alignments.

    Args:
        source: str, the Korean sentence.
        target: str, the English sentence.
        alignment: tuple of `(source_index, target_index)` int pairs over
            `split_tokens(source)` and `split_tokens(target)`, sorted.
    """

    source: str
    target: str
    alignment: tuple[tuple[int, int], ...]

    def source_tokens(self):
        """Returns `split_tokens(self.source)`."""
        return split_tokens(self.source)

    def target_tokens(self):
        """Returns `split_tokens(self.target)`."""
        return split_tokens(self.target)

    def alignment_string(self):
        """Returns the alignment in Pharaoh format, e.g. `"0-0 1-6 1-7"`."""
        return " ".join(f"{s}-{t}" for s, t in self.alignment)


# ---------------------------------------------------------------------------
# Hangul arithmetic.

_HANGUL_FIRST = 0xAC00
_HANGUL_COUNT = 11172
_FINAL_N = 4  # ㄴ
_FINAL_L = 8  # ㄹ
_FINAL_B = 17  # ㅂ


def _syllable_index(char):
    code = ord(char) - _HANGUL_FIRST
    if not 0 <= code < _HANGUL_COUNT:
        raise ValueError(f"Not a Hangul syllable: {char!r}")
    return code


def has_batchim(word):
    """Whether the last syllable of `word` ends in a consonant (batchim).

    Args:
        word: str ending in a Hangul syllable.

    Returns:
        bool, e.g. `True` for "학생", `False` for "의사".
    """
    return _syllable_index(word[-1]) % 28 != 0


def compose_syllable(initial, medial, final=0):
    """Builds a Hangul syllable from jamo indices.

    Args:
        initial: int in `[0, 19)`.
        medial: int in `[0, 21)`.
        final: int in `[0, 28)`, `0` for no final consonant.

    Returns:
        str of one character, `chr(0xAC00 + (initial * 21 + medial) * 28 +
        final)`.
    """
    return chr(_HANGUL_FIRST + (initial * 21 + medial) * 28 + final)


def _add_final(stem, final):
    code = _syllable_index(stem[-1])
    if code % 28:
        raise ValueError(f"{stem!r} already ends in a final consonant.")
    initial, medial = code // 588, code % 588 // 28
    return stem[:-1] + compose_syllable(initial, medial, final)


_PARTICLES = {
    "topic": ("은", "는"),
    "subject": ("이", "가"),
    "object": ("을", "를"),
}


def particle(noun, kind):
    """Chooses 은/는, 이/가 or 을/를 for `noun`.

    Args:
        noun: str, a noun (possibly ending in 들).
        kind: one of `"topic"`, `"subject"`, `"object"`.

    Returns:
        str, the form after a final consonant or after a vowel.
    """
    after_consonant, after_vowel = _PARTICLES[kind]
    return after_consonant if has_batchim(noun) else after_vowel


def with_particle(noun, kind):
    """Returns `noun` followed by its particle, e.g. "학생을", "의사를"."""
    return noun + particle(noun, kind)


_TENSES = ("present", "past", "future")


def relative_form(stem, tense):
    """The attributive (relative-clause) form of a verb stem.

    Args:
        stem: str, the stem (dictionary form without 다).
        tense: `"present"` (-는), `"past"` (-(으)ㄴ) or `"future"` (-(으)ㄹ).

    Returns:
        str, e.g. "공부하는", "공부한", "공부할", "먹는", "먹은", "먹을".
    """
    if tense == "present":
        return stem + "는"
    if tense == "past":
        return stem + "은" if has_batchim(stem) else _add_final(stem, _FINAL_N)
    if tense == "future":
        return stem + "을" if has_batchim(stem) else _add_final(stem, _FINAL_L)
    raise ValueError(f"Unknown tense: {tense!r}")


_NEGATIVE_ENDINGS = {
    ("present", True): "않습니다",
    ("present", False): "않는다",
    ("past", True): "않았습니다",
    ("past", False): "않았다",
    ("future", True): "않을 것입니다",
    ("future", False): "않을 것이다",
}


def conjugate(
    stem, past_stem, tense, polite=True, negative=False, adjective=False
):
    """Conjugates a verb or 하다-adjective at the end of a sentence.

    Args:
        stem: str, e.g. "먹", "공부하", "친절하".
        past_stem: str, e.g. "먹었", "공부했", "친절했".
        tense: `"present"`, `"past"` or `"future"`.
        polite: bool, formal polite (-습니다) rather than plain (-다).
            Defaults to `True`.
        negative: bool, long negation with -지 않다. Defaults to `False`.
        adjective: bool, a descriptive verb (plain present -다 and 않다
            instead of -는다 and 않는다). Defaults to `False`.

    Returns:
        str, one to three space-separated words, e.g. "먹습니다",
        "공부한다", "먹지 않을 것입니다".
    """
    if tense not in _TENSES:
        raise ValueError(f"Unknown tense: {tense!r}")
    if negative:
        ending = _NEGATIVE_ENDINGS[tense, polite]
        if adjective and ending == "않는다":
            ending = "않다"
        return f"{stem}지 {ending}"
    if tense == "present":
        if polite:
            if has_batchim(stem):
                return stem + "습니다"
            return _add_final(stem, _FINAL_B) + "니다"
        if adjective:
            return stem + "다"
        if has_batchim(stem):
            return stem + "는다"
        return _add_final(stem, _FINAL_N) + "다"
    if tense == "past":
        return past_stem + ("습니다" if polite else "다")
    bound_noun = "것입니다" if polite else "것이다"
    return f"{relative_form(stem, 'future')} {bound_noun}"


def copula(noun, tense="present", polite=True):
    """The copula, written as a separate word after `noun`.

    Args:
        noun: str, the predicate noun (decides 이었- vs 였-).
        tense: `"present"` or `"past"`.
        polite: bool. Defaults to `True`.

    Returns:
        str: 입니다 / 이다, or 이었습니다 / 였습니다 / 이었다 / 였다.
    """
    if tense == "present":
        return "입니다" if polite else "이다"
    if tense == "past":
        stem = "이었" if has_batchim(noun) else "였"
        return stem + ("습니다" if polite else "다")
    raise ValueError(f"Unknown copula tense: {tense!r}")


# ---------------------------------------------------------------------------
# English morphology.

_AN_WORDS = frozenset({"honest", "hour", "honor", "heir"})
_A_PREFIXES = ("uni", "use", "usu", "eu", "one")

_IRREGULAR_PLURALS = {
    "child": "children",
    "man": "men",
    "woman": "women",
    "person": "people",
    "mouse": "mice",
    "goose": "geese",
    "fish": "fish",
    "sheep": "sheep",
    "knife": "knives",
    "wolf": "wolves",
    "potato": "potatoes",
    "tomato": "tomatoes",
}


def indefinite_article(word):
    """Returns "a" or "an" by the sound of `word` ("an hour", "a unit")."""
    word = word.lower()
    if word in _AN_WORDS:
        return "an"
    if word.startswith(_A_PREFIXES):
        return "a"
    return "an" if word[0] in "aeiou" else "a"


def pluralize(noun):
    """The English plural; the last word of a compound is inflected.

    Args:
        noun: str, e.g. "child", "box", "story", "police officer".

    Returns:
        str, e.g. "children", "boxes", "stories", "police officers".
    """
    head, _, last = noun.rpartition(" ")
    if last in _IRREGULAR_PLURALS:
        plural = _IRREGULAR_PLURALS[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


# ---------------------------------------------------------------------------
# Lexicon. Noun classes drive loose selectional restrictions.

_MASS_CLASSES = frozenset({"FOOD_MASS", "DRINK", "FIELD", "INFO"})
# Fields of study and languages never take an article or a determiner:
# "Mathematics is important.", not "The mathematics ...".
_BARE_CLASS = "FIELD"
# Adjective groups: P people, A animals, T things, F food, K knowledge.
_ADJECTIVE_GROUP = {
    "PERSON": "P",
    "ANIMAL": "A",
    "TECH": "T",
    "READ": "T",
    "VIEW": "T",
    "OBJECT": "T",
    "CLOTHES": "T",
    "VEHICLE": "T",
    "PLACE": "T",
    "PLANT": "T",
    "FOOD": "F",
    "FOOD_MASS": "F",
    "DRINK": "F",
    "FIELD": "K",
    "INFO": "K",
    "PROBLEM": "K",
    "IDEA": "K",
}

# "korean = english", one per line, under "[CLASS]" headers.
_NOUN_TABLE = """
[PERSON]
학생 = student
선생님 = teacher
의사 = doctor
간호사 = nurse
엔지니어 = engineer
과학자 = scientist
예술가 = artist
작가 = writer
가수 = singer
연기자 = actor
요리사 = cook
경찰관 = police officer
농부 = farmer
변호사 = lawyer
기자 = reporter
아이 = child
남자 = man
여자 = woman
친구 = friend
아기 = baby
소년 = boy
소녀 = girl
사람 = person
교수 = professor
연구원 = researcher
프로그래머 = programmer
디자이너 = designer
운전사 = driver
군인 = soldier
손님 = guest
이웃 = neighbor
음악가 = musician
화가 = painter
판사 = judge
직원 = employee
어머니 = mother
아버지 = father
왕 = king
여왕 = queen
통역사 = interpreter
발명가 = inventor
우주비행사 = astronaut
[ANIMAL]
고양이 = cat
개 = dog
토끼 = rabbit
물고기 = fish
양 = sheep
쥐 = mouse
거위 = goose
말 = horse
코끼리 = elephant
늑대 = wolf
원숭이 = monkey
부엉이 = owl
[TECH]
컴퓨터 = computer
로봇 = robot
프로그램 = program
모델 = model
기계 = machine
카메라 = camera
번역기 = translator
앱 = app
알고리즘 = algorithm
[READ]
책 = book
편지 = letter
신문 = newspaper
수필 = essay
소설 = novel
보고서 = report
논문 = paper
이메일 = email
메시지 = message
문장 = sentence
기사 = article
사전 = dictionary
[VIEW]
영화 = movie
사진 = photo
그림 = painting
드라마 = drama
경기 = match
공연 = performance
[OBJECT]
가방 = bag
우산 = umbrella
시계 = clock
의자 = chair
책상 = desk
창문 = window
문 = door
컵 = cup
접시 = plate
상자 = box
열쇠 = key
연필 = pencil
지도 = map
선물 = gift
공 = ball
장난감 = toy
피아노 = piano
칼 = knife
거울 = mirror
병 = bottle
[CLOTHES]
셔츠 = shirt
코트 = coat
드레스 = dress
재킷 = jacket
모자 = hat
교복 = uniform
[VEHICLE]
자동차 = car
버스 = bus
기차 = train
비행기 = airplane
자전거 = bicycle
택시 = taxi
[PLACE]
집 = house
건물 = building
학교 = school
병원 = hospital
도서관 = library
식당 = restaurant
대학교 = university
박물관 = museum
공원 = park
교회 = church
호텔 = hotel
사무실 = office
[PLANT]
꽃 = flower
나무 = tree
식물 = plant
[FOOD]
사과 = apple
오렌지 = orange
바나나 = banana
케이크 = cake
샌드위치 = sandwich
감자 = potato
토마토 = tomato
달걀 = egg
복숭아 = peach
딸기 = strawberry
[FOOD_MASS]
빵 = bread
밥 = rice
고기 = meat
치즈 = cheese
수프 = soup
[DRINK]
물 = water
커피 = coffee
우유 = milk
주스 = juice
녹차 = green tea
[FIELD]
인공지능 = artificial intelligence
수학 = mathematics
음악 = music
역사 = history
과학 = science
물리학 = physics
화학 = chemistry
생물학 = biology
경제학 = economics
철학 = philosophy
영어 = English
한국어 = Korean
일본어 = Japanese
중국어 = Chinese
미술 = art
문학 = literature
기계학습 = machine learning
통계학 = statistics
심리학 = psychology
의학 = medicine
[INFO]
데이터 = data
정보 = information
지식 = knowledge
[PROBLEM]
문제 = problem
질문 = question
퍼즐 = puzzle
과제 = assignment
시험 = exam
[IDEA]
아이디어 = idea
계획 = plan
이야기 = story
의견 = opinion
규칙 = rule
이론 = theory
"""

# "lemma past-stem = base / third-person / past", then an indented line
# "; subject classes ; object classes".
_VERB_TABLE = """
공부하다 공부했 = study / studies / studied
    ; PERSON ; FIELD
배우다 배웠 = learn / learns / learned
    ; PERSON ; FIELD
가르치다 가르쳤 = teach / teaches / taught
    ; PERSON ; FIELD
연구하다 연구했 = research / researches / researched
    ; PERSON ; FIELD ANIMAL PLANT
좋아하다 좋아했 = like / likes / liked
    ; PERSON ANIMAL ; PERSON ANIMAL FOOD DRINK FIELD VIEW PLANT
사랑하다 사랑했 = love / loves / loved
    ; PERSON ; PERSON ANIMAL FOOD DRINK FIELD PLANT
싫어하다 싫어했 = hate / hates / hated
    ; PERSON ANIMAL ; FOOD FOOD_MASS DRINK FIELD VIEW
먹다 먹었 = eat / eats / ate
    ; PERSON ANIMAL ; FOOD FOOD_MASS
마시다 마셨 = drink / drinks / drank
    ; PERSON ANIMAL ; DRINK
요리하다 요리했 = cook / cooks / cooked
    ; PERSON ; FOOD FOOD_MASS
주문하다 주문했 = order / orders / ordered
    ; PERSON ; FOOD FOOD_MASS DRINK OBJECT CLOTHES
사다 샀 = buy / buys / bought
    ; PERSON ; FOOD DRINK OBJECT CLOTHES READ TECH VEHICLE PLANT
원하다 원했 = want / wants / wanted
    ; PERSON ANIMAL ; FOOD DRINK OBJECT CLOTHES TECH VEHICLE
가지다 가졌 = have / has / had
    ; PERSON ; OBJECT ANIMAL TECH READ CLOTHES IDEA VEHICLE
읽다 읽었 = read / reads / read
    ; PERSON ; READ
번역하다 번역했 = translate / translates / translated
    ; PERSON TECH ; READ
요약하다 요약했 = summarize / summarizes / summarized
    ; PERSON TECH ; READ
작성하다 작성했 = write / writes / wrote
    ; PERSON TECH ; READ
보다 봤 = watch / watches / watched
    ; PERSON ANIMAL ; VIEW ANIMAL PERSON
그리다 그렸 = draw / draws / drew
    ; PERSON ; ANIMAL PERSON PLACE PLANT VEHICLE
찾다 찾았 = find / finds / found
    ; PERSON ANIMAL ; OBJECT ANIMAL PERSON PLACE CLOTHES READ
받다 받았 = receive / receives / received
    ; PERSON ; READ OBJECT
보내다 보냈 = send / sends / sent
    ; PERSON ; READ OBJECT
빌리다 빌렸 = borrow / borrows / borrowed
    ; PERSON ; READ OBJECT TECH VEHICLE
기다리다 기다렸 = wait for / waits for / waited for
    ; PERSON ANIMAL ; PERSON VEHICLE
운전하다 운전했 = drive / drives / drove
    ; PERSON ; VEHICLE
고치다 고쳤 = fix / fixes / fixed
    ; PERSON ; OBJECT TECH VEHICLE
사용하다 사용했 = use / uses / used
    ; PERSON TECH ; OBJECT TECH VEHICLE INFO
설명하다 설명했 = explain / explains / explained
    ; PERSON TECH READ ; PROBLEM IDEA FIELD
이해하다 이해했 = understand / understands / understood
    ; PERSON TECH ; PROBLEM IDEA FIELD PERSON READ
해결하다 해결했 = solve / solves / solved
    ; PERSON TECH ; PROBLEM
기억하다 기억했 = remember / remembers / remembered
    ; PERSON ANIMAL ; PERSON IDEA PLACE
만나다 만났 = meet / meets / met
    ; PERSON ; PERSON
도와주다 도와줬 = help / helps / helped
    ; PERSON TECH ; PERSON
초대하다 초대했 = invite / invites / invited
    ; PERSON ; PERSON
존경하다 존경했 = respect / respects / respected
    ; PERSON ; PERSON
소개하다 소개했 = introduce / introduces / introduced
    ; PERSON ; PERSON FOOD READ PLACE
믿다 믿었 = believe / believes / believed
    ; PERSON ; PERSON IDEA
방문하다 방문했 = visit / visits / visited
    ; PERSON ; PERSON PLACE
청소하다 청소했 = clean / cleans / cleaned
    ; PERSON TECH ; PLACE OBJECT VEHICLE
설계하다 설계했 = design / designs / designed
    ; PERSON TECH ; PLACE TECH OBJECT VEHICLE
개발하다 개발했 = develop / develops / developed
    ; PERSON ; TECH IDEA
분석하다 분석했 = analyze / analyzes / analyzed
    ; PERSON TECH ; READ PROBLEM INFO
준비하다 준비했 = prepare / prepares / prepared
    ; PERSON ; FOOD FOOD_MASS DRINK IDEA READ
닫다 닫았 = close / closes / closed
    ; PERSON ; OBJECT PLACE VEHICLE
씻다 씻었 = wash / washes / washed
    ; PERSON ; FOOD OBJECT VEHICLE ANIMAL
잡다 잡았 = catch / catches / caught
    ; PERSON ANIMAL ; ANIMAL OBJECT
입다 입었 = wear / wears / wore
    ; PERSON ; CLOTHES
키우다 키웠 = raise / raises / raised
    ; PERSON ; ANIMAL PLANT
가져오다 가져왔 = bring / brings / brought
    ; PERSON ; OBJECT FOOD DRINK READ CLOTHES
"""

# "lemma attributive = english ; groups", and "pred" for 하다-adjectives
# that are also used predicatively.
_ADJECTIVE_TABLE = """
친절하다 친절한 = kind ; P ; pred
정직하다 정직한 = honest ; P ; pred
똑똑하다 똑똑한 = smart ; P A ; pred
유명하다 유명한 = famous ; P T ; pred
성실하다 성실한 = diligent ; P ; pred
용감하다 용감한 = brave ; P A ; pred
행복하다 행복한 = happy ; P A ; pred
건강하다 건강한 = healthy ; P A F ; pred
조용하다 조용한 = quiet ; P A T ; pred
피곤하다 피곤한 = tired ; P A ; pred
우아하다 우아한 = elegant ; P A T ; pred
이상하다 이상한 = strange ; P A T F K ; pred
훌륭하다 훌륭한 = excellent ; P T F K ; pred
특별하다 특별한 = special ; P T F K ; pred
유용하다 유용한 = useful ; T K ; pred
중요하다 중요한 = important ; P T K ; pred
깨끗하다 깨끗한 = clean ; T F ; pred
위험하다 위험한 = dangerous ; A T F K ; pred
안전하다 안전한 = safe ; T F ; pred
간단하다 간단한 = simple ; T K ; pred
복잡하다 복잡한 = complex ; T K ; pred
편안하다 편안한 = comfortable ; T ; pred
신선하다 신선한 = fresh ; F ; pred
따뜻하다 따뜻한 = warm ; F T ; pred
오래되다 오래된 = old ; T ;
새 새 = new ; T ;
크다 큰 = big ; A T F ;
작다 작은 = small ; A T F ;
좋다 좋은 = good ; P T F K ;
나쁘다 나쁜 = bad ; P T F K ;
비싸다 비싼 = expensive ; T F ;
싸다 싼 = cheap ; T F ;
예쁘다 예쁜 = pretty ; P A T ;
빨갛다 빨간 = red ; T F ;
하얗다 하얀 = white ; A T ;
검다 검은 = black ; A T ;
무겁다 무거운 = heavy ; A T ;
재미있다 재미있는 = interesting ; P T K ;
어렵다 어려운 = difficult ; K ;
쉽다 쉬운 = easy ; K ;
맛있다 맛있는 = delicious ; F ;
젊다 젊은 = young ; P ;
늙다 늙은 = old ; P A ;
귀엽다 귀여운 = cute ; P A ;
비다 빈 = empty ; T ;
화나다 화난 = angry ; P A ;
"""


@dataclasses.dataclass(frozen=True)
class _Noun:
    korean: str
    english: str
    plural: str
    word_class: str
    mass: bool


@dataclasses.dataclass(frozen=True)
class _Verb:
    lemma: str
    stem: str
    past_stem: str
    base: str
    third: str
    past: str
    subjects: tuple[str, ...]
    objects: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class _Adjective:
    lemma: str
    attributive: str
    english: str
    groups: str
    predicative: bool

    @property
    def stem(self):
        return self.lemma[:-1]

    @property
    def past_stem(self):
        return self.lemma[:-2] + "했"


@dataclasses.dataclass(frozen=True)
class _Pronoun:
    korean: str
    english: str
    person: str  # "1sg", "2sg", "3sg", "1pl", "2pl", "3pl"
    human: bool
    lemma: str


_PERSON_PRONOUNS = (
    _Pronoun("나", "I", "1sg", True, "나"),
    _Pronoun("너", "you", "2sg", True, "너"),
    _Pronoun("너희", "you", "2pl", True, "너희"),
    _Pronoun("우리", "we", "1pl", True, "우리"),
    _Pronoun("그", "he", "3sg", True, "그"),
    _Pronoun("그녀", "she", "3sg", True, "그녀"),
    _Pronoun("그들", "they", "3pl", True, "그들"),
)
_THING_PRONOUNS = (
    _Pronoun("이것", "this", "3sg", False, "이것"),
    _Pronoun("그것", "it", "3sg", False, "그것"),
    _Pronoun("이것들", "these", "3pl", False, "이것"),
    _Pronoun("그것들", "they", "3pl", False, "그것"),
)
_DETERMINERS = {"이": ("this", "these"), "그": ("the", "the")}
_FUNCTION_LEMMAS = ("이다", "않다", "것", "들")


def _parse_nouns():
    nouns, word_class = [], None
    for line in _NOUN_TABLE.strip().splitlines():
        if line.startswith("["):
            word_class = line.strip("[]")
            continue
        korean, english = (part.strip() for part in line.split("="))
        mass = word_class in _MASS_CLASSES
        nouns.append(
            _Noun(korean, english, pluralize(english), word_class, mass)
        )
    return tuple(nouns)


def _parse_verbs():
    verbs = []
    for line in _VERB_TABLE.strip().replace("\n    ;", " ;").splitlines():
        head, english, subjects, objects = re.split(r"\s*[=;]\s*", line)
        lemma, past_stem = head.split()
        base, third, past = (f.strip() for f in english.split("/"))
        verbs.append(
            _Verb(
                lemma,
                lemma[:-1],
                past_stem,
                base,
                third,
                past,
                tuple(subjects.split()),
                tuple(objects.split()),
            )
        )
    return tuple(verbs)


def _parse_adjectives():
    adjectives = []
    for line in _ADJECTIVE_TABLE.strip().splitlines():
        head, english, groups, flag = re.split(r"\s*[=;]\s*", line)
        lemma, attributive = head.split()
        adjectives.append(
            _Adjective(
                lemma,
                attributive,
                english,
                groups.replace(" ", ""),
                flag.strip() == "pred",
            )
        )
    return tuple(adjectives)


_NOUNS = _parse_nouns()
_VERBS = _parse_verbs()
_ADJECTIVES = _parse_adjectives()
_NOUN = {noun.korean: noun for noun in _NOUNS}
_VERB = {verb.lemma: verb for verb in _VERBS}
_ADJECTIVE = {adjective.lemma: adjective for adjective in _ADJECTIVES}
_PRONOUN = {p.korean: p for p in _PERSON_PRONOUNS + _THING_PRONOUNS}


def korean_lemmas():
    """All Korean dictionary forms the grammar uses, sorted.

    Returns:
        list of str: nouns, verbs, adjectives, pronouns, determiners and
        the function words 이다, 않다, 것 and 들.
    """
    lemmas = {noun.korean for noun in _NOUNS}
    lemmas.update(verb.lemma for verb in _VERBS)
    lemmas.update(adjective.lemma for adjective in _ADJECTIVES)
    lemmas.update(p.lemma for p in _PERSON_PRONOUNS + _THING_PRONOUNS)
    lemmas.update(_DETERMINERS)
    lemmas.update(_FUNCTION_LEMMAS)
    return sorted(lemmas)


# ---------------------------------------------------------------------------
# Sampling.


@dataclasses.dataclass
class _Relative:
    verb: _Verb
    tense: str
    obj: "_Phrase"


@dataclasses.dataclass
class _Phrase:
    noun: _Noun
    plural: bool = False
    adjective: _Adjective | None = None
    determiner: str | None = None
    relative: _Relative | None = None
    particle: str = "topic"  # for subjects: "topic" or "subject"


class _Sentence:
    """Korean tokens, English tokens with their source indices, lemmas."""

    def __init__(self):
        self.korean = []
        self.english = []
        self.lemmas = []

    def add_korean(self, token, lemma=None):
        self.korean.append(token)
        if lemma is not None:
            self.lemmas.append(lemma)
        return len(self.korean) - 1

    def to_pair(self):
        period = self.add_korean(".")
        english = self.english + [(".", (period,))]
        first, sources = english[0]
        english[0] = (first[0].upper() + first[1:], sources)
        alignment = sorted(
            (s, t) for t, (_, sources) in enumerate(english) for s in sources
        )
        return SentencePair(
            source=" ".join(self.korean[:-1]) + ".",
            target=" ".join(word for word, _ in english[:-1]) + ".",
            alignment=tuple(alignment),
        )


_MAX_TOKENS = 14


def _words(text, index):
    return [(word, (index,)) for word in text.split()]


def _auxiliary_lemmas(tense, negative):
    lemmas = ["않다"] if negative else []
    if tense == "future":
        lemmas.append("것")
    return lemmas


def _be(person, tense):
    if tense == "past":
        return "was" if person in ("1sg", "3sg") else "were"
    return {"1sg": "am", "3sg": "is"}.get(person, "are")


class _Grammar:
    """The sentence templates and their random choices."""

    def __init__(self):
        self.nouns = collections.defaultdict(list)
        for noun in _NOUNS:
            self.nouns[noun.word_class].append(noun)
        self.count_classes = tuple(
            c for c in self.nouns if c not in _MASS_CLASSES
        )
        self.verbs_by_subject = collections.defaultdict(list)
        self.verbs_by_object = collections.defaultdict(list)
        for verb in _VERBS:
            for word_class in verb.subjects:
                self.verbs_by_subject[word_class].append(verb)
            for word_class in verb.objects:
                self.verbs_by_object[word_class].append(verb)
        self.objects = [n for n in _NOUNS if self.verbs_by_object[n.word_class]]
        self.adjectives = collections.defaultdict(list)
        self.predicatives = collections.defaultdict(list)
        for adjective in _ADJECTIVES:
            for group in adjective.groups:
                self.adjectives[group].append(adjective)
                if adjective.predicative:
                    self.predicatives[group].append(adjective)
        self.thing_predicates = [
            n
            for c in self.count_classes
            if c != "PERSON"
            for n in self.nouns[c]
        ]
        self.all_predicatives = [a for a in _ADJECTIVES if a.predicative]
        self.nouns_by_group = collections.defaultdict(list)
        for noun in _NOUNS:
            self.nouns_by_group[_ADJECTIVE_GROUP[noun.word_class]].append(noun)

    # -- random choices ---------------------------------------------------

    def _tense(self, rng):
        return rng.choices(_TENSES, weights=(4, 3, 3))[0]

    def _noun_from(self, rng, classes):
        pool = [n for c in classes for n in self.nouns[c]]
        return rng.choice(pool)

    def _phrase(
        self,
        rng,
        noun,
        adjective_p,
        determiner_p=0.0,
        relative_p=0.0,
        plural=None,
    ):
        phrase = _Phrase(noun)
        if plural is not None:
            phrase.plural = plural and not noun.mass
        elif not noun.mass:
            phrase.plural = rng.random() < 0.2
        if rng.random() < adjective_p:
            group = _ADJECTIVE_GROUP[noun.word_class]
            phrase.adjective = rng.choice(self.adjectives[group])
        if rng.random() < determiner_p and noun.word_class != _BARE_CLASS:
            phrase.determiner = rng.choice(("이", "그"))
        verbs = self.verbs_by_subject.get(noun.word_class)
        if verbs and rng.random() < relative_p:
            verb = rng.choice(verbs)
            obj = self._phrase(
                rng, self._noun_from(rng, verb.objects), adjective_p=0.15
            )
            phrase.relative = _Relative(verb, self._tense(rng), obj)
            phrase.determiner = None
        return phrase

    # -- rendering ----------------------------------------------------------

    def _render_phrase(
        self, sentence, phrase, particle_kind, definite, mark_plural=True
    ):
        """Appends the Korean words; returns the English words."""
        relative = None
        if phrase.relative:
            rel = phrase.relative
            obj = self._render_phrase(sentence, rel.obj, "object", False)
            index = sentence.add_korean(
                relative_form(rel.verb.stem, rel.tense), rel.verb.lemma
            )
            pronoun = "who" if phrase.noun.word_class == "PERSON" else "that"
            if rel.tense == "present":
                verb = rel.verb.base if phrase.plural else rel.verb.third
            elif rel.tense == "past":
                verb = rel.verb.past
            else:
                verb = "will " + rel.verb.base
            relative = _words(f"{pronoun} {verb}", index) + obj
        english = []
        if phrase.determiner:
            index = sentence.add_korean(phrase.determiner, phrase.determiner)
            word = _DETERMINERS[phrase.determiner][phrase.plural]
            english.append((word, (index,)))
        adjective_index = None
        if phrase.adjective:
            adjective_index = sentence.add_korean(
                phrase.adjective.attributive, phrase.adjective.lemma
            )
        noun = phrase.noun
        form = noun.korean
        if phrase.plural and mark_plural:
            form += "들"
            sentence.lemmas.append("들")
        if particle_kind:
            form = with_particle(form, particle_kind)
        noun_index = sentence.add_korean(form, noun.korean)
        noun_words = _words(
            noun.plural if phrase.plural else noun.english, noun_index
        )
        if phrase.adjective:
            noun_words = (
                _words(phrase.adjective.english, adjective_index) + noun_words
            )
        if not phrase.determiner:
            if noun.word_class == _BARE_CLASS:
                pass
            elif definite:
                english.append(("the", (noun_index,)))
            elif not phrase.plural and not noun.mass:
                article = indefinite_article(noun_words[0][0])
                english.append((article, (noun_index,)))
        english += noun_words
        if relative:
            english += relative
        return english

    def _subject_phrase(self, rng, noun, relative_p=0.0):
        """A definite subject. Only people are plural or take 이/가, so that
        rarer nouns keep few Korean forms."""
        person = noun.word_class == "PERSON"
        phrase = self._phrase(
            rng,
            noun,
            adjective_p=0.25 if person else 0.2,
            determiner_p=0.15,
            relative_p=relative_p,
            plural=None if person else False,
        )
        if person and rng.random() < 0.5:
            phrase.particle = "subject"
        return phrase

    def _render_subject(self, sentence, subject):
        """Renders a pronoun or phrase subject; returns (english, person)."""
        if isinstance(subject, _Pronoun):
            index = sentence.add_korean(
                with_particle(subject.korean, "topic"), subject.lemma
            )
            return [(subject.english, (index,))], subject.person
        english = self._render_phrase(sentence, subject, subject.particle, True)
        return english, "3pl" if subject.plural else "3sg"

    def _render_verb(self, sentence, verb, tense, polite, negative, person):
        words = conjugate(verb.stem, verb.past_stem, tense, polite, negative)
        indices = [sentence.add_korean(w) for w in words.split()]
        sentence.lemmas.append(verb.lemma)
        sentence.lemmas.extend(_auxiliary_lemmas(tense, negative))
        main = indices[0]
        if not negative:
            if tense == "present":
                text = verb.third if person == "3sg" else verb.base
                return _words(text, main)
            if tense == "past":
                return _words(verb.past, main)
            return _words("will", indices[1]) + _words(verb.base, main)
        if tense == "present":
            do = "does" if person == "3sg" else "do"
            return _words(f"{do} not", indices[1]) + _words(verb.base, main)
        if tense == "past":
            return _words("did not", indices[1]) + _words(verb.base, main)
        return (
            _words("will", indices[2])
            + _words("not", indices[1])
            + _words(verb.base, main)
        )

    # -- templates: rendering -----------------------------------------------

    def transitive(self, subject, obj, verb, tense, polite, negative):
        """`SUBJ OBJ VERB.` → `SUBJ VERB OBJ.`; returns a `_Sentence`."""
        sentence = _Sentence()
        subject_english, person = self._render_subject(sentence, subject)
        object_english = self._render_phrase(sentence, obj, "object", False)
        verb_english = self._render_verb(
            sentence, verb, tense, polite, negative, person
        )
        sentence.english = subject_english + verb_english + object_english
        return sentence

    def copula_sentence(self, subject, predicate, tense, polite):
        """`SUBJ PREDICATE COPULA.` → `SUBJ BE PREDICATE.`

        The Korean predicate noun never takes 들; its English number
        follows `predicate.plural`, which the sampler sets from the subject.
        """
        sentence = _Sentence()
        subject_english, person = self._render_subject(sentence, subject)
        predicate_english = self._render_phrase(
            sentence, predicate, None, False, mark_plural=False
        )
        noun = predicate.noun.korean
        index = sentence.add_korean(copula(noun, tense, polite), "이다")
        sentence.english = (
            subject_english
            + _words(_be(person, tense), index)
            + predicate_english
        )
        return sentence

    def adjective_sentence(self, subject, adjective, tense, polite, negative):
        """`SUBJ ADJ.` → `SUBJ BE ADJ.` for a 하다-adjective."""
        sentence = _Sentence()
        subject_english, person = self._render_subject(sentence, subject)
        words = conjugate(
            adjective.stem,
            adjective.past_stem,
            tense,
            polite,
            negative,
            adjective=True,
        )
        indices = [sentence.add_korean(w) for w in words.split()]
        sentence.lemmas.append(adjective.lemma)
        sentence.lemmas.extend(_auxiliary_lemmas(tense, negative))
        main = indices[0]
        kind = _words(adjective.english, main)
        if tense == "future":
            will = _words("will", indices[-1])
            not_ = _words("not", indices[1]) if negative else []
            predicate = will + not_ + _words("be", main) + kind
        elif negative:
            be = _be(person, tense)
            predicate = _words(f"{be} not", indices[1]) + kind
        else:
            predicate = _words(_be(person, tense), main) + kind
        sentence.english = subject_english + predicate
        return sentence

    def note_pair(self):
        """Renders NOTE_SENTENCE with the copula template."""
        obj = _Phrase(_NOUN["인공지능"])
        relative = _Relative(_VERB["공부하다"], "present", obj)
        predicate = _Phrase(_NOUN["학생"], relative=relative)
        sentence = self.copula_sentence(
            _PRONOUN["나"], predicate, "present", True
        )
        return sentence.to_pair(), sentence.lemmas

    # -- templates: sampling ------------------------------------------------

    def sample(self, rng):
        """Draws one sentence; returns `(SentencePair, lemmas)`.

        Sentences with more than `_MAX_TOKENS` tokens on a side (a few in
        ten thousand) are drawn again.
        """
        while True:
            template = rng.choices(
                (self._transitive, self._copula, self._adjective),
                weights=(5, 3, 2),
            )[0]
            sentence = template(rng, polite=rng.random() < 0.5)
            longest = max(len(sentence.korean), len(sentence.english)) + 1
            if longest <= _MAX_TOKENS:
                return sentence.to_pair(), sentence.lemmas

    def _transitive(self, rng, polite):
        # Half the time the object comes first, so that every object noun
        # is frequent, whatever the number of verbs that take it.
        if rng.random() < 0.5:
            obj_noun = rng.choice(self.objects)
            verb = rng.choice(self.verbs_by_object[obj_noun.word_class])
        else:
            verb = rng.choice(_VERBS)
            obj_noun = self._noun_from(rng, verb.objects)
        if rng.random() < 0.45:
            subject = rng.choice(_PERSON_PRONOUNS)
        else:
            subject = self._subject_phrase(
                rng, self._noun_from(rng, verb.subjects), relative_p=0.1
            )
        has_relative = getattr(subject, "relative", None) is not None
        obj = self._phrase(
            rng,
            obj_noun,
            adjective_p=0.3,
            determiner_p=0.15,
            relative_p=0.0 if has_relative else 0.15,
        )
        tense = self._tense(rng)
        negative = rng.random() < 0.25
        return self.transitive(subject, obj, verb, tense, polite, negative)

    def _copula(self, rng, polite):
        choice = rng.random()
        if choice < 0.6:
            subject = rng.choice(_PERSON_PRONOUNS)
            noun = rng.choice(self.nouns["PERSON"])
            plural = subject.person.endswith("pl")
        elif choice < 0.8:
            subject = rng.choice(_THING_PRONOUNS)
            noun = rng.choice(self.thing_predicates)
            plural = subject.person.endswith("pl")
        else:
            subject = self._subject_phrase(
                rng, rng.choice(self.nouns["PERSON"])
            )
            noun = rng.choice(self.nouns["PERSON"])
            plural = subject.plural
        predicate = self._phrase(
            rng, noun, adjective_p=0.35, relative_p=0.5, plural=plural
        )
        tense = "past" if rng.random() < 0.25 else "present"
        return self.copula_sentence(subject, predicate, tense, polite)

    def _adjective(self, rng, polite):
        # Half the time the adjective comes first, so that adjectives for
        # rarer subjects (food, knowledge) are as frequent as the others.
        if rng.random() < 0.5:
            adjective = rng.choice(self.all_predicatives)
            group = rng.choice(adjective.groups)
        else:
            adjective = None
            group = rng.choices("PTAFK", weights=(5, 3, 1, 1, 1))[0]
        if group == "P" and rng.random() < 0.5:
            subject = rng.choice(_PERSON_PRONOUNS)
        elif group == "T" and rng.random() < 0.3:
            subject = rng.choice(_THING_PRONOUNS)
        else:
            noun = rng.choice(self.nouns_by_group[group])
            subject = self._subject_phrase(rng, noun)
        if adjective is None:
            adjective = rng.choice(self.predicatives[group])
        tense = self._tense(rng)
        negative = rng.random() < 0.25
        return self.adjective_sentence(
            subject, adjective, tense, polite, negative
        )


_GRAMMAR = None


def _grammar():
    global _GRAMMAR
    if _GRAMMAR is None:
        _GRAMMAR = _Grammar()
    return _GRAMMAR


# ---------------------------------------------------------------------------
# Public corpus class and file I/O.


class BundledCorpus:
    """The bundled Korean→English corpus, split into train/valid/test.

    Sentences are drawn with `random.Random(seed)`, deduplicated by source
    sentence (the first draw is kept), shuffled and split, so no valid or
    test source occurs in train. `NOTE_SENTENCE` is always in `test`, and no
    train or valid pair has `NOTE_TRANSLATION` as its target, so translating
    the note's sentence shows generalisation.

    Args:
        num_pairs: int, number of distinct pairs. Defaults to `36000`.
        valid_fraction: float, share of pairs in `valid`. Defaults to `0.05`.
        test_fraction: float, share of pairs in `test`. Defaults to `0.05`.
        seed: int. Defaults to `1234`.

    Attributes:
        train, valid, test: lists of `SentencePair`.
        lemma_counts: `collections.Counter` of Korean lemmas in `train`.

    Raises:
        ValueError: for bad fractions, or when the grammar cannot produce
            `num_pairs` distinct sentences.

    Example:

    ```python
    corpus = BundledCorpus(num_pairs=1000, seed=7)
    len(corpus.train), len(corpus.valid), len(corpus.test)  # 900, 50, 50
    ```
    """

    # Give up after this many draws in a row without a new source sentence.
    _MAX_FAILED_DRAWS = 20000

    def __init__(
        self,
        num_pairs=36000,
        valid_fraction=0.05,
        test_fraction=0.05,
        seed=1234,
    ):
        if not 0 <= valid_fraction < 1 or not 0 < test_fraction < 1:
            raise ValueError(
                "Expected 0 <= valid_fraction < 1 and 0 < test_fraction < 1. "
                f"Received: valid_fraction={valid_fraction}, "
                f"test_fraction={test_fraction}"
            )
        num_test = max(1, round(num_pairs * test_fraction))
        num_valid = round(num_pairs * valid_fraction)
        if num_test + num_valid >= num_pairs:
            raise ValueError(
                f"num_pairs={num_pairs} leaves no training pairs with "
                f"valid_fraction={valid_fraction} and "
                f"test_fraction={test_fraction}."
            )
        self.num_pairs = num_pairs
        self.seed = seed
        rng = random.Random(seed)
        pairs, lemmas = self._generate(rng, num_pairs)
        order = list(range(num_pairs))
        rng.shuffle(order)
        test = order[:num_test]
        valid = order[num_test : num_test + num_valid]
        train = order[num_test + num_valid :]
        self._protect_note(pairs, test, [valid, train])
        self.test = [pairs[i] for i in test]
        self.valid = [pairs[i] for i in valid]
        self.train = [pairs[i] for i in train]
        self.lemma_counts = collections.Counter(
            lemma for i in train for lemma in lemmas[i]
        )

    @classmethod
    def _generate(cls, rng, num_pairs):
        grammar = _grammar()
        note, note_lemmas = grammar.note_pair()
        if (note.source, note.target) != (NOTE_SENTENCE, NOTE_TRANSLATION):
            raise RuntimeError(f"The grammar renders the note as {note}.")
        targets = {note.source: note.target}
        pairs = [note]
        lemmas = [tuple(note_lemmas)]
        failed = 0
        while len(pairs) < num_pairs:
            pair, used = grammar.sample(rng)
            known = targets.get(pair.source)
            if known is None:
                targets[pair.source] = pair.target
                pairs.append(pair)
                lemmas.append(tuple(used))
                failed = 0
                continue
            if known != pair.target:
                raise RuntimeError(
                    f"Ambiguous grammar: {pair.source!r} translates to both "
                    f"{known!r} and {pair.target!r}."
                )
            failed += 1
            if failed >= cls._MAX_FAILED_DRAWS:
                raise ValueError(
                    f"The grammar produced only {len(pairs)} distinct "
                    f"sentences ({failed} draws in a row found nothing new); "
                    f"num_pairs={num_pairs} is too large."
                )
        return pairs[:num_pairs], lemmas[:num_pairs]

    @staticmethod
    def _protect_note(pairs, test, others):
        """Moves pairs translating to NOTE_TRANSLATION into `test`."""

        def is_note(i):
            return pairs[i].target == NOTE_TRANSLATION

        spare = [k for k, i in enumerate(test) if not is_note(i)]
        for indices in others:
            for position, i in enumerate(indices):
                if is_note(i):
                    if not spare:
                        raise ValueError(
                            "The test split is too small to hold every "
                            "variant of the note's sentence."
                        )
                    k = spare.pop()
                    indices[position], test[k] = test[k], i

    def write(self, directory):
        """Writes `train.tsv`, `valid.tsv` and `test.tsv`.

        Each UTF-8 line is `source<TAB>target<TAB>alignment` (Pharaoh
        format), without a header. Each file is replaced atomically.

        Args:
            directory: str or `pathlib.Path`, created if missing.

        Returns:
            dict from `"train"`, `"valid"`, `"test"` to `pathlib.Path`.
        """
        directory = pathlib.Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name in ("train", "valid", "test"):
            path = directory / f"{name}.tsv"
            lines = (
                f"{p.source}\t{p.target}\t{p.alignment_string()}\n"
                for p in getattr(self, name)
            )
            # Atomic: other processes may be streaming the previous file.
            with atomic_write(path) as temporary:
                with temporary.open("w", encoding="utf-8", newline="\n") as f:
                    f.writelines(lines)
            paths[name] = path
        return paths


def _parse_alignment(text, num_source, num_target):
    alignment = []
    for item in text.split():
        match = re.fullmatch(r"(\d+)-(\d+)", item)
        if not match:
            raise ValueError(f"bad alignment item {item!r}")
        s, t = int(match[1]), int(match[2])
        if s >= num_source or t >= num_target:
            raise ValueError(
                f"alignment {item!r} out of range for {num_source} source "
                f"and {num_target} target tokens"
            )
        alignment.append((s, t))
    return tuple(sorted(alignment))


def read_pairs(path):
    """Reads a file written by `BundledCorpus.write`.

    Args:
        path: str or `pathlib.Path`.

    Returns:
        list of `SentencePair`.

    Raises:
        ValueError: naming the file and 1-based line number of a line that
            is not `source<TAB>target<TAB>alignment` with in-range indices.
    """
    path = pathlib.Path(path)
    pairs = []
    with path.open(encoding="utf-8", newline="\n") as f:
        for number, line in enumerate(f, start=1):
            fields = line.rstrip("\n").split("\t")
            try:
                if len(fields) != 3:
                    raise ValueError(
                        f"expected 3 tab-separated fields, found {len(fields)}"
                    )
                source, target, alignment = fields
                if not source.strip() or not target.strip():
                    raise ValueError("empty source or target sentence")
                alignment = _parse_alignment(
                    alignment,
                    len(split_tokens(source)),
                    len(split_tokens(target)),
                )
            except ValueError as e:
                raise ValueError(f"{path}:{number}: {e}") from None
            pairs.append(SentencePair(source, target, alignment))
    return pairs
