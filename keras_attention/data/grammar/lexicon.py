"""The bundled grammar's words, read from the package file `lexicon.yaml`."""

import dataclasses
import functools
import importlib.resources
import pathlib

import yaml

from keras_attention.data.grammar.english_morphology import pluralize

_ADJECTIVE_GROUPS = "PATFK"
_PERSONS = ("1sg", "2sg", "3sg", "1pl", "2pl", "3pl")


@dataclasses.dataclass(frozen=True)
class Noun:
    """A noun: Korean, English singular and plural, class properties."""

    korean: str
    english: str
    plural: str
    word_class: str
    mass: bool
    bare: bool
    adjective_group: str


@dataclasses.dataclass(frozen=True)
class Verb:
    """A transitive verb with the noun classes of its subject and object."""

    lemma: str
    stem: str
    past_stem: str
    base: str
    third: str
    past: str
    subjects: tuple[str, ...]
    objects: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Adjective:
    """An adjective; `predicative`: a 하다-adjective used as a predicate."""

    lemma: str
    attributive: str
    english: str
    groups: tuple[str, ...]
    predicative: bool

    @property
    def stem(self):
        return self.lemma[:-1]

    @property
    def past_stem(self):
        return self.lemma[:-2] + "했"


@dataclasses.dataclass(frozen=True)
class Pronoun:
    """A subject pronoun; `human` ones take person nouns as predicates."""

    korean: str
    english: str
    person: str  # "1sg", "2sg", "3sg", "1pl", "2pl", "3pl"
    human: bool
    lemma: str


class Lexicon:
    """The nouns, verbs, adjectives and pronouns of the bundled grammar.

    The words live in the package file `lexicon.yaml` (its comments
    describe the fields). Entries keep the file's order, which is part of
    the corpus (the grammar draws from them with a seeded `random.Random`).

    Args:
        path: str or `pathlib.Path` of a lexicon YAML file. Defaults to the
            bundled `lexicon.yaml`.

    Attributes:
        nouns, verbs, adjectives: tuples of `Noun`, `Verb`, `Adjective`.
        person_pronouns, thing_pronouns: tuples of `Pronoun`.
        determiners: dict from the Korean determiner (이, 그) to its English
            `(singular, plural)`.
        function_lemmas: tuple of str (이다, 않다, 것, 들).

    Raises:
        ValueError: naming the file and the entry that is malformed, a
            duplicate, or names an unknown noun class or adjective group.

    Example:

    ```python
    lexicon = Lexicon.bundled()
    lexicon.noun("학생").plural  # "students"
    lexicon.verb("먹다").past  # "ate"
    len(lexicon.korean_lemmas())  # 292
    ```
    """

    def __init__(self, path=None):
        if path is None:
            resource = importlib.resources.files(__package__) / "lexicon.yaml"
            text = resource.read_text(encoding="utf-8")
            path = pathlib.Path(str(resource))
        else:
            path = pathlib.Path(path)
            text = path.read_text(encoding="utf-8")
        self.path = path
        data = yaml.safe_load(text)
        if not isinstance(data, dict):
            self._fail("expected a mapping of sections")
        classes = self._section(data, "noun_classes", dict)
        self.nouns = tuple(self._nouns(classes, data))
        self.verbs = tuple(self._verbs(classes, data))
        self.adjectives = tuple(self._adjectives(data))
        pronouns = self._section(data, "pronouns", dict)
        self.person_pronouns = tuple(self._pronouns(pronouns, "people", True))
        self.thing_pronouns = tuple(self._pronouns(pronouns, "things", False))
        self.determiners = {
            korean: tuple(self._strings(english, f"determiners: {korean}", 2))
            for korean, english in self._section(
                data, "determiners", dict
            ).items()
        }
        self.function_lemmas = tuple(
            self._strings(
                self._section(data, "function_lemmas", list), "function_lemmas"
            )
        )
        self._noun = self._index(self.nouns, "korean", "nouns")
        self._verb = self._index(self.verbs, "lemma", "verbs")
        self._adjective = self._index(self.adjectives, "lemma", "adjectives")
        self._pronoun = self._index(
            self.person_pronouns + self.thing_pronouns, "korean", "pronouns"
        )

    @classmethod
    @functools.cache
    def bundled(cls):
        """The bundled lexicon, read once per process."""
        return cls()

    # -- lookups ----------------------------------------------------------

    def noun(self, korean):
        """The `Noun` whose Korean form is `korean`."""
        return self._noun[korean]

    def verb(self, lemma):
        """The `Verb` whose dictionary form is `lemma`, e.g. "먹다"."""
        return self._verb[lemma]

    def adjective(self, lemma):
        """The `Adjective` whose dictionary form is `lemma`."""
        return self._adjective[lemma]

    def pronoun(self, korean):
        """The `Pronoun` whose Korean form is `korean`, e.g. "나"."""
        return self._pronoun[korean]

    def korean_lemmas(self):
        """All Korean dictionary forms the grammar uses, sorted.

        Returns:
            list of str: nouns, verbs, adjectives, pronouns, determiners
            and the function words 이다, 않다, 것 and 들.
        """
        lemmas = {noun.korean for noun in self.nouns}
        lemmas.update(verb.lemma for verb in self.verbs)
        lemmas.update(adjective.lemma for adjective in self.adjectives)
        lemmas.update(
            p.lemma for p in self.person_pronouns + self.thing_pronouns
        )
        lemmas.update(self.determiners)
        lemmas.update(self.function_lemmas)
        return sorted(lemmas)

    # -- reading ----------------------------------------------------------

    def _fail(self, message):
        raise ValueError(f"{self.path}: {message}")

    def _section(self, data, name, kind):
        value = data.get(name)
        if not isinstance(value, kind) or not value:
            self._fail(f"{name}: expected a non-empty {kind.__name__}")
        return value

    def _strings(self, value, where, length=None):
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item for item in value
        ):
            self._fail(f"{where}: expected a list of strings, got {value!r}")
        if length is not None and len(value) != length:
            self._fail(f"{where}: expected {length} strings, got {value!r}")
        return value

    def _fields(self, entry, where, required, optional=()):
        if not isinstance(entry, dict):
            self._fail(f"{where}: expected a mapping, got {entry!r}")
        missing = [key for key in required if key not in entry]
        unknown = [key for key in entry if key not in required + optional]
        if missing or unknown:
            self._fail(
                f"{where}: missing fields {missing}, unknown fields {unknown}"
            )
        return entry

    def _nouns(self, classes, data):
        nouns = self._section(data, "nouns", dict)
        for word_class in nouns:
            if word_class not in classes:
                self._fail(f"nouns: {word_class}: not in noun_classes")
        for word_class, properties in classes.items():
            where = f"noun_classes: {word_class}"
            self._fields(
                properties, where, ("adjective_group",), ("mass", "bare")
            )
            group = properties["adjective_group"]
            if group not in _ADJECTIVE_GROUPS:
                self._fail(f"{where}: unknown adjective_group {group!r}")
            mass = properties.get("mass", False)
            bare = properties.get("bare", False)
            for entry in nouns.get(word_class) or ():
                where = f"nouns: {word_class}: {entry!r}"
                korean, english = self._strings(entry, where, 2)
                yield Noun(
                    korean,
                    english,
                    pluralize(english),
                    word_class,
                    mass is True,
                    bare is True,
                    group,
                )

    def _verbs(self, classes, data):
        fields = ("lemma", "past_stem", "english", "subjects", "objects")
        for entry in self._section(data, "verbs", list):
            where = f"verbs: {entry!r}"
            self._fields(entry, where, fields)
            lemma, past_stem = self._strings(
                [entry["lemma"], entry["past_stem"]], where
            )
            if not lemma.endswith("다"):
                self._fail(f"{where}: expected a lemma ending in 다")
            base, third, past = self._strings(entry["english"], where, 3)
            subjects = self._strings(entry["subjects"], where)
            objects = self._strings(entry["objects"], where)
            unknown = [c for c in subjects + objects if c not in classes]
            if unknown:
                self._fail(f"{where}: unknown noun classes {unknown}")
            yield Verb(
                lemma,
                lemma[:-1],
                past_stem,
                base,
                third,
                past,
                tuple(subjects),
                tuple(objects),
            )

    def _adjectives(self, data):
        fields = ("lemma", "attributive", "english", "groups")
        for entry in self._section(data, "adjectives", list):
            where = f"adjectives: {entry!r}"
            self._fields(entry, where, fields, ("predicative",))
            lemma, attributive, english = self._strings(
                [entry[key] for key in fields[:3]], where
            )
            groups = self._strings(entry["groups"], where)
            if any(group not in _ADJECTIVE_GROUPS for group in groups):
                self._fail(f"{where}: groups must be in {_ADJECTIVE_GROUPS}")
            yield Adjective(
                lemma,
                attributive,
                english,
                tuple(groups),
                entry.get("predicative", False) is True,
            )

    def _pronouns(self, pronouns, group, human):
        fields = ("korean", "english", "person")
        for entry in pronouns.get(group) or ():
            where = f"pronouns: {group}: {entry!r}"
            self._fields(entry, where, fields, ("lemma",))
            korean, english, person = self._strings(
                [entry[key] for key in fields], where
            )
            if person not in _PERSONS:
                self._fail(f"{where}: person must be one of {_PERSONS}")
            lemma = entry.get("lemma", korean)
            yield Pronoun(korean, english, person, human, lemma)

    def _index(self, entries, key, where):
        index = {}
        for entry in entries:
            name = getattr(entry, key)
            if name in index:
                self._fail(f"{where}: {name!r} appears twice")
            index[name] = entry
        return index
