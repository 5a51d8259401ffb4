"""English articles, plurals and forms of "be" for the bundled grammar."""

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


def be_form(person, tense):
    """The form of "be" for a subject.

    Args:
        person: str, one of `"1sg"`, `"2sg"`, `"3sg"`, `"1pl"`, `"2pl"`,
            `"3pl"`.
        tense: `"present"` or `"past"` (the future is "will be").

    Returns:
        str: "am", "is", "are", "was" or "were".
    """
    if tense == "past":
        return "was" if person in ("1sg", "3sg") else "were"
    return {"1sg": "am", "3sg": "is"}.get(person, "are")
