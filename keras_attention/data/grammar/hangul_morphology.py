"""Korean particles and verb endings, computed with Hangul arithmetic.

A precomposed Hangul syllable is `0xAC00 + (initial * 21 + medial) * 28 +
final`, so whether a word ends in a consonant (batchim) decides the
particle (은/는, 이/가, 을/를) and the ending, and the final ㄴ/ㄹ/ㅂ of
an ending is added to the stem's last syllable ("하" → "한", "할", "합").
"""

_HANGUL_FIRST = 0xAC00
_HANGUL_COUNT = 11172
_FINAL_N = 4  # ㄴ
_FINAL_L = 8  # ㄹ
_FINAL_B = 17  # ㅂ

TENSES = ("present", "past", "future")


def _syllable_index(char):
    code = ord(char) - _HANGUL_FIRST
    if not 0 <= code < _HANGUL_COUNT:
        raise ValueError(f"Not a Hangul syllable: {char!r}")
    return code


def has_batchim(word):
    """Whether `word` ends in a consonant (batchim): "학생" yes, "의사" no."""
    return _syllable_index(word[-1]) % 28 != 0


def compose_syllable(initial, medial, final=0):
    """The Hangul syllable of jamo indices `[0, 19)`, `[0, 21)`, `[0, 28)`."""
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
    """은/는, 이/가 or 을/를 (`kind` `"topic"`, `"subject"`, `"object"`)."""
    after_consonant, after_vowel = _PARTICLES[kind]
    return after_consonant if has_batchim(noun) else after_vowel


def with_particle(noun, kind):
    """Returns `noun` followed by its particle, e.g. "학생을", "의사를"."""
    return noun + particle(noun, kind)


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
    if tense not in TENSES:
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
