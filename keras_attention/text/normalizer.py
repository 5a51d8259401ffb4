"""Unicode normalisation and lowercasing as TensorFlow ops."""

import tensorflow as tf
import tensorflow_text as tf_text

from keras_attention.text.text_cleaning import clean_text

FORMS = ("NFC", "NFKC")
# Composing forms only: NFD/NFKD split every Hangul syllable into jamo
# ("나는", 2 code points, becomes 4), which multiplies sequence lengths and
# makes detokenized Korean unreadable to anything expecting NFC.
_DECOMPOSING = ("NFD", "NFKD")


class Normalizer(tf.Module):
    """Normalises strings inside the graph: clean, lowercase, NFC or NFKC.

    The steps: the project's one text cleaning (`clean_text`), optional
    Unicode-aware lowercasing ("ÉSTA" → "ésta"), then NFC or NFKC
    (`tensorflow_text.normalize_utf8`; NFKC also folds compatibility
    characters, "ﬁ" → "fi"). Decomposing forms (NFD, NFKD) are refused.
    Every tokenizer runs it first.

    Args:
        form: str, `"NFC"` or `"NFKC"`. Defaults to `"NFC"`.
        lowercase: bool. Defaults to `False`.

    Call arguments:
        texts: string tensor of any shape (UTF-8).

    Returns:
        A string tensor of the same shape.

    Example:

    ```python
    normalizer = Normalizer()
    jamo = "\u1102\u1161\u1102\u1173\u11ab"
    normalizer(tf.constant([f"\ufeff{jamo}\u00a0"]))  # ["나는"]
    ```
    """

    def __init__(self, form="NFC", lowercase=False, name=None):
        super().__init__(name=name)
        if form in _DECOMPOSING:
            raise ValueError(
                f"{form} splits every Hangul syllable into jamo (나 → ㄴ + "
                f"ㅏ); use one of {FORMS}. Received: form={form!r}"
            )
        if form not in FORMS:
            raise ValueError(
                f"form must be one of {FORMS}. Received: form={form!r}"
            )
        self.form = form
        self.lowercase = lowercase

    def __call__(self, texts):
        texts = clean_text(texts)
        if self.lowercase:
            # Before normalising: lowercasing can leave a non-NFC sequence.
            texts = tf.strings.lower(texts, encoding="utf-8")
        texts = tf_text.normalize_utf8(texts, self.form)
        if self.form == "NFKC":
            # NFKC's compatibility mappings can add spaces (NFC's cannot,
            # and neither adds anything else that `clean_text` removes).
            texts = tf.strings.regex_replace(texts, " +", " ")
            texts = tf.strings.regex_replace(texts, "^ | $", "")
        return texts
