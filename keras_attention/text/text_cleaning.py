"""One cleaning of raw text, for every path text takes through the project.

The corpus readers, the training pipeline, decoding (`Translator`), the
exported SavedModel and evaluation all see text cleaned by these rules, so
a sentence gives the same tokens whichever way it arrives:

1. invalid UTF-8 becomes U+FFFD (graph only: the readers report invalid
   UTF-8 as a `CorpusError` instead);
2. invisible format characters are deleted: the soft hyphen U+00AD, the
   zero-width non-joiner and joiner U+200C/U+200D, the bidirectional
   marks, embeddings, overrides and isolates (U+061C, U+200E/U+200F,
   U+202A-U+202E, U+2066-U+2069), U+180E, the word joiner and invisible
   operators U+2060-U+2064, U+206A-U+206F, and the byte order mark /
   zero-width no-break space U+FEFF. They are invisible in the text but
   would otherwise stick to a word and make it a different (unknown)
   token. (Deleting U+200D splits emoji ZWJ sequences into their emoji,
   and deleting U+200C joins Persian and Indic morphemes it separated;
   both read the same way.)
3. every run of white space and control characters becomes one ASCII
   space: C0 and C1 controls (U+0000-U+001F, U+007F-U+009F: NUL, tab, line
   ends, escape, NEL...), the Unicode white space (U+00A0 no-break space,
   U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000
   ideographic space) and the zero-width space U+200B, a word boundary in
   scripts written without spaces;
4. the space at either end is removed.

Why written out: RE2 (the graph's regular expressions) reads `\\s` as
ASCII white space only, Python's `str.strip`/`str.split` know the Unicode
white space but not U+200B or U+FEFF, and tensorflow-text's `regex_split`
ends a string at a NUL. Both functions below are built from the same
character ranges, and a test checks them equal on every code point.

`clean_text` is the one used in graphs (`Normalizer` runs it first, so
every tokenizer, hence `tf.data`, `Translator` and the SavedModel, cleans
with it); `clean_string` is its plain-Python twin for the readers and the
scorer, which work on Python strings one line at a time.
"""

import re

import tensorflow as tf

# Code point ranges (inclusive). Deleted:
INVISIBLE = (
    (0x00AD, 0x00AD),
    (0x061C, 0x061C),
    (0x180E, 0x180E),
    (0x200C, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
)
# Each run becomes one space:
SPACES = (
    (0x0000, 0x0020),
    (0x007F, 0x00A0),
    (0x1680, 0x1680),
    (0x2000, 0x200B),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


def _re2_class(ranges):
    return "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"


def _python_class(ranges):
    return (
        "["
        + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
        + "]"
    )


def _without(ranges, code_point):
    """`ranges` minus one code point."""
    return tuple(
        (low, high)
        for a, b in ranges
        for low, high in (
            (a, min(b, code_point - 1)),
            (max(a, code_point + 1), b),
        )
        if low <= high
    )


_INVISIBLE_RE2 = _re2_class(INVISIBLE) + "+"
# The runs of SPACES other than a lone ASCII space (rewriting every
# ordinary space too would copy every string once per word).
_SPACES_RE2 = "{0}{1}*| {1}+".format(
    _re2_class(_without(SPACES, 0x20)), _re2_class(SPACES)
)
_INVISIBLE_PYTHON = re.compile(_python_class(INVISIBLE))
_SPACES_PYTHON = re.compile(_python_class(SPACES) + "+")


def clean_text(texts):
    """Cleans a string tensor of any shape with graph ops (see the module).

    Runs in `tf.data`, a `tf.function` and a SavedModel (core TensorFlow
    ops only). Any bytes are accepted.

    Args:
        texts: string tensor (or anything `tf.convert_to_tensor` takes).

    Returns:
        A string tensor of the same shape: valid UTF-8, no invisible
        format or control characters, single ASCII spaces between words,
        none at either end.

    Example:

    ```python
    clean_text(tf.constant(["\\ufeff나는\\u00a0학생\\x00 입니다. "]))
    # [b"나는 학생 입니다."]
    ```
    """
    texts = tf.convert_to_tensor(texts, tf.string)
    texts = tf.strings.unicode_transcode(
        texts, "UTF-8", "UTF-8", errors="replace"
    )
    texts = tf.strings.regex_replace(texts, _INVISIBLE_RE2, "")
    texts = tf.strings.regex_replace(texts, _SPACES_RE2, " ")
    # Only ASCII spaces are left of the white space: the fast ASCII strip
    # removes exactly the one at either end.
    return tf.strings.strip(texts)


def clean_string(text):
    """`clean_text` for one Python `str` (equal on every valid string).

    Example:

    ```python
    clean_string("\\ufeff나는\\u00a0학생\\x00 입니다. ")  # "나는 학생 입니다."
    ```
    """
    text = _INVISIBLE_PYTHON.sub("", text)
    return _SPACES_PYTHON.sub(" ", text).strip(" ")
