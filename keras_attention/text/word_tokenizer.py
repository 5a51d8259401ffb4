"""A word-level tokenizer built from tensorflow-text and tf.lookup ops."""

import collections
import itertools
import pathlib

import tensorflow as tf
import tensorflow_text as tf_text

from keras_attention.text.normalizer import Normalizer

# The special tokens, in the order `from_texts` gives them ids 0-3.
RESERVED_TOKENS = ("[PAD]", "[UNK]", "[START]", "[END]")

# Punctuation becomes a token of its own; white space only separates.
_DELIMITERS = r"\s+|\pP"
_KEPT_DELIMITERS = r"\pP"
# Marks that attach to the word before them when detokenizing.
_CLOSING_PUNCTUATION = r" ([.,!?;:%)\]}»」』])"
# Apostrophes and hyphens inside a word ("don't", "well-known") split into
# three tokens; detokenizing joins them again (sacreBLEU's 13a tokenizer
# keeps "don't" whole, so "don ' t" would cost n-gram matches).
_INNER_PUNCTUATION = r"([\pL\pN]) (['’-]) ([\pL\pN])"


class WordTokenizer(tf.Module):
    """Splits text into words and punctuation and maps them to ids.

    Every step is a TensorFlow op (`Normalizer`, `regex_split`, a
    `tf.lookup` table), so it runs in `tf.data`, a `tf.function` and a
    SavedModel. The special tokens `[PAD]`, `[UNK]`, `[START]` and `[END]`
    are in the vocabulary (`from_texts` puts them at 0-3);
    `pad_token_id`, `unknown_token_id`, `start_token_id` and
    `end_token_id` say where. `[PAD]` must be id 0: `EncoderDecoder`
    masks id 0.

    Args:
        vocabulary: list of str, the tokens in id order; it holds the four
            special tokens, `[PAD]` first.
        lowercase: bool. Lowercase (Unicode-aware) before splitting.
            Defaults to `False`.
        normalization: str, `"NFC"` or `"NFKC"` (see `Normalizer`).
            Defaults to `"NFC"`.

    Example:

    ```python
    tokenizer = WordTokenizer.from_texts(["나는 학생 입니다."])
    ids = tokenizer.tokenize(["나는 학생 입니다."])  # ragged (1, 4)
    tokenizer.detokenize(ids)  # [b"나는 학생 입니다."]
    ```
    """

    def __init__(
        self, vocabulary, lowercase=False, normalization="NFC", name=None
    ):
        super().__init__(name=name)
        vocabulary = list(vocabulary)
        missing = [t for t in RESERVED_TOKENS if t not in vocabulary]
        if missing or vocabulary[0] != RESERVED_TOKENS[0]:
            raise ValueError(
                f"The vocabulary must hold {RESERVED_TOKENS}, "
                f"{RESERVED_TOKENS[0]} first (id 0 is padding). "
                f"Received: missing {missing}, first {vocabulary[:1]}"
            )
        if len(set(vocabulary)) != len(vocabulary):
            duplicates = [
                token
                for token, count in collections.Counter(vocabulary).items()
                if count > 1
            ]
            raise ValueError(f"Duplicate vocabulary tokens: {duplicates[:5]}")
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.normalization = normalization
        self.normalizer = Normalizer(normalization, lowercase=lowercase)
        (
            self.pad_token_id,
            self.unknown_token_id,
            self.start_token_id,
            self.end_token_id,
        ) = (vocabulary.index(token) for token in RESERVED_TOKENS)
        ids = tf.range(len(vocabulary), dtype=tf.int64)
        self._token_to_id = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(tf.constant(vocabulary), ids),
            default_value=self.unknown_token_id,
        )
        self._id_to_token = tf.constant(vocabulary)

    @property
    def vocabulary_size(self):
        return len(self.vocabulary)

    def split(self, texts):
        """Normalises and splits `texts` `(batch,)` into ragged words."""
        return tf_text.regex_split(
            self.normalizer(texts), _DELIMITERS, _KEPT_DELIMITERS
        )

    def tokenize(self, texts):
        """Maps `texts` `(batch,)` to ragged int32 ids `(batch, None)`."""
        ids = self._token_to_id.lookup(self.split(texts))
        return tf.cast(ids, tf.int32)

    def id_to_token(self, ids):
        """Maps int ids of any shape to their token strings."""
        return tf.gather(self._id_to_token, tf.cast(ids, tf.int32))

    def detokenize(self, ids):
        """Joins ids `(batch, None)` into `(batch,)` strings.

        Reserved tokens other than `[UNK]` are dropped; closing punctuation
        is attached to the word before it, and an apostrophe or hyphen
        between two letters or digits to both ("don't", "well-known").
        """
        if not isinstance(ids, tf.RaggedTensor):
            ids = tf.RaggedTensor.from_tensor(tf.convert_to_tensor(ids))
        ids = tf.ragged.boolean_mask(
            ids,
            (ids != self.pad_token_id)
            & (ids != self.start_token_id)
            & (ids != self.end_token_id),
        )
        words = tf.ragged.map_flat_values(self.id_to_token, ids)
        texts = tf.strings.reduce_join(words, axis=-1, separator=" ")
        texts = tf.strings.regex_replace(texts, _CLOSING_PUNCTUATION, r"\1")
        return tf.strings.regex_replace(texts, _INNER_PUNCTUATION, r"\1\2\3")

    @classmethod
    def from_texts(
        cls,
        texts,
        lowercase=False,
        max_size=None,
        min_count=1,
        normalization="NFC",
    ):
        """Learns a vocabulary from an iterable of strings, streaming.

        `texts` is read once, 4,096 at a time. Tokens are ordered by
        decreasing count, then alphabetically (the same texts give the
        same ids).
        """
        splitter = cls(
            list(RESERVED_TOKENS),
            lowercase=lowercase,
            normalization=normalization,
        )
        counts = collections.Counter()
        iterator = iter(texts)
        while batch := list(itertools.islice(iterator, 4096)):
            words = splitter.split(tf.constant(batch)).flat_values.numpy()
            counts.update(word.decode("utf-8") for word in words)
        tokens = sorted(
            (t for t, c in counts.items() if c >= min_count),
            key=lambda t: (-counts[t], t),
        )
        tokens = [t for t in tokens if t not in RESERVED_TOKENS]
        if max_size is not None:
            tokens = tokens[: max_size - len(RESERVED_TOKENS)]
        return cls(
            list(RESERVED_TOKENS) + tokens,
            lowercase=lowercase,
            normalization=normalization,
        )

    def save_vocabulary(self, path):
        pathlib.Path(path).write_text(
            "\n".join(self.vocabulary) + "\n", encoding="utf-8"
        )

    @classmethod
    def from_vocabulary_file(cls, path, lowercase=False, normalization="NFC"):
        text = pathlib.Path(path).read_text(encoding="utf-8")
        return cls(
            text.rstrip("\n").split("\n"),
            lowercase=lowercase,
            normalization=normalization,
        )
