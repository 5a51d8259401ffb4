"""One cleaning of raw text, for every path text takes through the project.

The readers, the pipeline, `Translator`, the SavedModel and evaluation see
text cleaned by these rules (docs/data.md), so a sentence gives the same
tokens whichever way it arrives:

1. invalid UTF-8 becomes U+FFFD (graph only: the readers report it as a
   `CorpusError`);
2. the invisible format characters of `INVISIBLE` (soft hyphen, zero-width
   joiners, bidirectional marks, word joiner, byte order mark...) are
   deleted: they would stick to a word and make it an unknown token;
3. every run of the white space and control characters of `SPACES` (C0
   and C1 controls, Unicode white space, the zero-width space U+200B)
   becomes one ASCII space;
4. the space at either end is removed.

The ranges are written out because RE2's `\\s` is ASCII only, Python's
`str.strip` knows neither U+200B nor U+FEFF, and `regex_split` ends a
string at a NUL. `clean_text` is the graph version (`Normalizer` runs
it), `clean_string` its plain-Python twin for the readers and the scorer;
a test checks them equal on every code point.
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
    """`clean_text` for one Python `str` (equal on every valid string)."""
    text = _INVISIBLE_PYTHON.sub("", text)
    return _SPACES_PYTHON.sub(" ", text).strip(" ")
