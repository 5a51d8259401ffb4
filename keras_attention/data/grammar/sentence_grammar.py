"""The bundled corpus's grammar: Korean→English sentence templates.

Three templates (Korean is SOV, English SVO):

1. transitive, `SUBJ OBJ VERB.` → `SUBJ VERB OBJ.` ("학생은 사과를
   먹습니다." → "The student eats an apple."): present, past or future,
   polite or plain, affirmative or negated (-지 않습니다);
2. copula, `SUBJ [REL] [ADJ] NOUN COP.` ("나는 인공지능을 공부하는 학생
   입니다." → "I am a student who studies artificial intelligence.");
3. 하다-adjective, `SUBJ ADJ.` ("학생들은 친절하지 않았습니다." → "The
   students were not kind.").

Noun phrases are `[이|그] [ADJ] NOUN[들]` or `OBJ REL-VERB NOUN` (a
subject-gap relative clause). Subjects are definite, objects and predicate
nouns indefinite; particles and verb endings are computed with Hangul
arithmetic (`hangul_morphology`); the words live in `lexicon.yaml`. Every
token on either side is aligned (`Sentence.to_pair`). Copula future and
negated copula are not generated.
"""

import collections
import dataclasses

from keras_attention.data.grammar.english_morphology import be_form
from keras_attention.data.grammar.english_morphology import indefinite_article
from keras_attention.data.grammar.hangul_morphology import TENSES
from keras_attention.data.grammar.hangul_morphology import conjugate
from keras_attention.data.grammar.hangul_morphology import copula
from keras_attention.data.grammar.hangul_morphology import relative_form
from keras_attention.data.grammar.hangul_morphology import with_particle
from keras_attention.data.grammar.lexicon import Adjective
from keras_attention.data.grammar.lexicon import Lexicon
from keras_attention.data.grammar.lexicon import Noun
from keras_attention.data.grammar.lexicon import Pronoun
from keras_attention.data.grammar.lexicon import Verb
from keras_attention.data.sentence_pair import SentencePair


@dataclasses.dataclass
class Relative:
    """A subject-gap relative clause: `OBJ VERB-REL` → "who/that VERB OBJ"."""

    verb: Verb
    tense: str
    obj: "Phrase"


@dataclasses.dataclass
class Phrase:
    """A noun phrase: `[이|그] [ADJ] NOUN[들]`, or `[REL] [ADJ] NOUN[들]`."""

    noun: Noun
    plural: bool = False
    adjective: Adjective | None = None
    determiner: str | None = None
    relative: Relative | None = None
    particle: str = "topic"  # for subjects: "topic" or "subject"


class Sentence:
    """Korean tokens, English tokens with their source indices, lemmas.

    Templates append Korean words with `add_korean` (which returns the
    word's index) and set `english` to `(word, source_indices)` tuples;
    `to_pair` adds the final period and capital and reads the alignment off
    the indices.
    """

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


class SentenceGrammar:
    """The sentence templates and their random choices.

    `sample(rng)` draws one sentence pair with its Korean lemmas; the
    template methods (`transitive`, `copula_sentence`,
    `adjective_sentence`) render hand-built phrases, which is how the tests
    check the grammar sentence by sentence.

    Args:
        lexicon: a `Lexicon`. Defaults to `Lexicon.bundled()`.

    Example:

    ```python
    grammar = SentenceGrammar()
    lexicon = grammar.lexicon
    sentence = grammar.transitive(
        lexicon.pronoun("그"),
        Phrase(lexicon.noun("사과")),
        lexicon.verb("먹다"),
        tense="present",
        polite=True,
        negative=False,
    )
    sentence.to_pair()  # SentencePair("그는 사과를 먹습니다.",
    #                     "He eats an apple.", ((0, 0), (1, 2), ...))
    ```
    """

    def __init__(self, lexicon=None):
        if lexicon is None:
            lexicon = Lexicon.bundled()
        self.lexicon = lexicon
        self.determiners = tuple(lexicon.determiners)
        self.nouns = collections.defaultdict(list)
        for noun in lexicon.nouns:
            self.nouns[noun.word_class].append(noun)
        self.count_classes = tuple(
            c for c, nouns in self.nouns.items() if not nouns[0].mass
        )
        self.verbs_by_subject = collections.defaultdict(list)
        self.verbs_by_object = collections.defaultdict(list)
        for verb in lexicon.verbs:
            for word_class in verb.subjects:
                self.verbs_by_subject[word_class].append(verb)
            for word_class in verb.objects:
                self.verbs_by_object[word_class].append(verb)
        self.objects = [
            n for n in lexicon.nouns if self.verbs_by_object[n.word_class]
        ]
        self.adjectives = collections.defaultdict(list)
        self.predicatives = collections.defaultdict(list)
        for adjective in lexicon.adjectives:
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
        self.all_predicatives = [a for a in lexicon.adjectives if a.predicative]
        self.nouns_by_group = collections.defaultdict(list)
        for noun in lexicon.nouns:
            self.nouns_by_group[noun.adjective_group].append(noun)

    # -- random choices ---------------------------------------------------

    def _tense(self, rng):
        return rng.choices(TENSES, weights=(4, 3, 3))[0]

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
        phrase = Phrase(noun)
        if plural is not None:
            phrase.plural = plural and not noun.mass
        elif not noun.mass:
            phrase.plural = rng.random() < 0.2
        if rng.random() < adjective_p:
            group = noun.adjective_group
            phrase.adjective = rng.choice(self.adjectives[group])
        if rng.random() < determiner_p and not noun.bare:
            phrase.determiner = rng.choice(self.determiners)
        verbs = self.verbs_by_subject.get(noun.word_class)
        if verbs and rng.random() < relative_p:
            verb = rng.choice(verbs)
            obj = self._phrase(
                rng, self._noun_from(rng, verb.objects), adjective_p=0.15
            )
            phrase.relative = Relative(verb, self._tense(rng), obj)
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
            word = self.lexicon.determiners[phrase.determiner][phrase.plural]
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
            if noun.bare:
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
        if isinstance(subject, Pronoun):
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
        """`SUBJ OBJ VERB.` → `SUBJ VERB OBJ.`; returns a `Sentence`."""
        sentence = Sentence()
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
        sentence = Sentence()
        subject_english, person = self._render_subject(sentence, subject)
        predicate_english = self._render_phrase(
            sentence, predicate, None, False, mark_plural=False
        )
        noun = predicate.noun.korean
        index = sentence.add_korean(copula(noun, tense, polite), "이다")
        sentence.english = (
            subject_english
            + _words(be_form(person, tense), index)
            + predicate_english
        )
        return sentence

    def adjective_sentence(self, subject, adjective, tense, polite, negative):
        """`SUBJ ADJ.` → `SUBJ BE ADJ.` for a 하다-adjective."""
        sentence = Sentence()
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
            be = be_form(person, tense)
            predicate = _words(f"{be} not", indices[1]) + kind
        else:
            predicate = _words(be_form(person, tense), main) + kind
        sentence.english = subject_english + predicate
        return sentence

    def note_pair(self):
        """Renders the design note's sentence with the copula template.

        Returns:
            `(SentencePair, lemmas)`: "나는 인공지능을 공부하는 학생 입니다." →
            "I am a student who studies artificial intelligence."
        """
        lexicon = self.lexicon
        obj = Phrase(lexicon.noun("인공지능"))
        relative = Relative(lexicon.verb("공부하다"), "present", obj)
        predicate = Phrase(lexicon.noun("학생"), relative=relative)
        sentence = self.copula_sentence(
            lexicon.pronoun("나"), predicate, "present", True
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
            verb = rng.choice(self.lexicon.verbs)
            obj_noun = self._noun_from(rng, verb.objects)
        if rng.random() < 0.45:
            subject = rng.choice(self.lexicon.person_pronouns)
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
            subject = rng.choice(self.lexicon.person_pronouns)
            noun = rng.choice(self.nouns["PERSON"])
            plural = subject.person.endswith("pl")
        elif choice < 0.8:
            subject = rng.choice(self.lexicon.thing_pronouns)
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
            subject = rng.choice(self.lexicon.person_pronouns)
        elif group == "T" and rng.random() < 0.3:
            subject = rng.choice(self.lexicon.thing_pronouns)
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
