from keras_attention.data.grammar import english_morphology as em


def test_english_morphology():
    articles = {
        w: em.indefinite_article(w)
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
        em.pluralize(w)
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


def test_be_form():
    persons = ("1sg", "2sg", "3sg", "1pl", "2pl", "3pl")
    assert [em.be_form(p, "present") for p in persons] == [
        "am",
        "are",
        "is",
        "are",
        "are",
        "are",
    ]
    assert [em.be_form(p, "past") for p in persons] == [
        "was",
        "were",
        "was",
        "were",
        "were",
        "were",
    ]
