"""The words that gold word alignments index."""

import re

# Runs of these marks are words of their own; everything else between white
# space is one word.
_WORD_PATTERN = re.compile(r"[.,?!]|[^.,?!]+")


def split_words(text):
    """Splits text on white space and separates the marks `. , ? !`.

    The words gold alignments (Pharaoh `i-j` links) index and alignment
    error is measured over (see `keras_attention.evaluation.token_words`).

    Args:
        text: str.

    Returns:
        list of str, e.g. `["나는", "학생", "입니다", "."]` for
        `"나는 학생 입니다."`.
    """
    words = []
    for chunk in text.split():
        words.extend(_WORD_PATTERN.findall(chunk))
    return words
