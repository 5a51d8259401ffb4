"""A translation memory: the training pair whose source is most alike."""

import json

import tensorflow as tf

from keras_attention.atomic_write import write_text
from keras_attention.text.normalizer import Normalizer

# Characters of a sentence that the lookup reads: a hostile 1 MB request
# costs a bounded n-gram pass.
MAX_CHARACTERS = 1000


class TranslationMemory(tf.Module):
    """Finds, for each sentence, the stored pair with the most alike source.

    Likeness is the Jaccard similarity of the two sources' sets of
    character n-grams (`ngram_width` characters, of the text cleaned,
    lowercased and NFC-normalised by `Normalizer`, with one space added at
    either end): `|A ∩ B| / |A ∪ B|`, 1.0 for the same sentence, 0.0 for
    no n-gram in common. A translation-memory match in the sense of
    computer-aided translation (Bulte & Tezcan, 2019, "Neural Fuzzy
    Repair"): on a corpus with near-duplicate sentences, such as Tatoeba,
    the stored translation of a near-identical source is often better than
    a small model's own.

    The lookup is graph ops only (core TensorFlow and tensorflow-text), so
    it runs in a `tf.function` and in a SavedModel: the n-grams of the
    stored sources are a vocabulary table and a sparse `(pairs, n-grams)`
    matrix, and a batch's similarities are one sparse-dense product.
    Only the first `MAX_CHARACTERS` characters of a sentence are read.

    Args:
        sources: list of str, the stored source sentences (at least one).
        targets: list of str, their translations.
        ngram_width: int. Characters per n-gram. Defaults to 3.
        name: str. Module name.

    Example:

    ```python
    memory = TranslationMemory(["나는 학생 입니다."], ["I am a student."])
    match = memory.lookup(tf.constant(["나는 학생입니다."]))
    match["target"], match["similarity"]  # [b"I am a student."], [0.6...]
    ```
    """

    def __init__(self, sources, targets, ngram_width=3, name=None):
        super().__init__(name=name)
        if len(sources) != len(targets):
            raise ValueError(
                "sources and targets must have the same length. Received: "
                f"{len(sources)} sources and {len(targets)} targets."
            )
        if not sources:
            raise ValueError("A translation memory needs at least one pair.")
        if ngram_width < 1:
            raise ValueError(
                f"ngram_width must be >= 1. Received: ngram_width={ngram_width}"
            )
        self.ngram_width = ngram_width
        self.normalizer = Normalizer(form="NFC", lowercase=True)
        self.sources = list(sources)
        self.targets = list(targets)
        rows, grams = self._unique_ngrams(tf.constant(self.sources, tf.string))
        vocabulary, gram_ids = tf.unique(grams)
        self.table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                vocabulary,
                tf.range(tf.size(vocabulary, tf.int64), dtype=tf.int64),
            ),
            default_value=-1,
        )
        indices = tf.stack([rows, tf.cast(gram_ids, tf.int64)], axis=1)
        self.size = int(tf.size(vocabulary))
        self._indices = tf.Variable(indices, trainable=False, name="indices")
        self._source_sizes = tf.Variable(
            tf.cast(tf.math.bincount(rows, minlength=len(sources)), tf.float32),
            trainable=False,
            name="source_sizes",
        )
        self._targets = tf.Variable(
            tf.constant(self.targets, tf.string),
            trainable=False,
            name="targets",
        )

    @classmethod
    def from_file(cls, path):
        """The memory `save` wrote to `path`."""
        with open(path, encoding="utf-8") as file:
            values = json.load(file)
        return cls(
            values["sources"],
            values["targets"],
            ngram_width=values["ngram_width"],
        )

    def save(self, path):
        """Writes the pairs and `ngram_width` to `path` (JSON, atomically)."""
        values = {
            "ngram_width": self.ngram_width,
            "sources": self.sources,
            "targets": self.targets,
        }
        write_text(path, json.dumps(values, ensure_ascii=False) + "\n")

    def _unique_ngrams(self, texts):
        """`(rows, grams)`: each sentence's distinct n-grams, flattened.

        `rows` (int64) is the sentence of each n-gram.
        """
        texts = tf.strings.substr(
            self.normalizer(texts), 0, MAX_CHARACTERS, unit="UTF8_CHAR"
        )
        padded = tf.strings.join([" ", texts, " "])
        characters = tf.strings.unicode_split(padded, "UTF-8")
        grams = tf.strings.ngrams(
            characters, self.ngram_width, separator="", pad_values=None
        )
        rows = grams.value_rowids()
        # One key per (sentence, n-gram): the sentence number has no
        # separator in it, so different pairs never make the same key.
        keys = tf.strings.join(
            [tf.strings.as_string(rows), grams.flat_values], separator="\t"
        )
        unique_keys, key_ids = tf.unique(keys)
        first = tf.math.unsorted_segment_min(
            tf.range(tf.size(keys)), key_ids, tf.size(unique_keys)
        )
        return tf.gather(rows, first), tf.gather(grams.flat_values, first)

    def lookup(self, texts):
        """The most alike stored pair of each sentence.

        Args:
            texts: `(batch,)` string tensor (any bytes).

        Returns:
            A dict: `target` `(batch,)` strings, the stored translation;
            `similarity` `(batch,)` float32 in [0, 1]; `index` `(batch,)`
            int64, the stored pair's position (the first of equals).
        """
        texts = tf.convert_to_tensor(texts, tf.string)
        batch_size = tf.shape(texts, out_type=tf.int64)[0]
        rows, grams = self._unique_ngrams(texts)
        query_sizes = tf.cast(
            tf.math.bincount(rows, minlength=batch_size, maxlength=batch_size),
            tf.float32,
        )
        gram_ids = self.table.lookup(grams)
        known = gram_ids >= 0
        query = tf.scatter_nd(
            tf.stack(
                [
                    tf.boolean_mask(rows, known),
                    tf.boolean_mask(gram_ids, known),
                ],
                axis=1,
            ),
            tf.ones([tf.reduce_sum(tf.cast(known, tf.int32))], tf.float32),
            [batch_size, self.size],
        )
        matrix = tf.sparse.SparseTensor(
            self._indices,
            tf.ones([tf.shape(self._indices)[0]], tf.float32),
            [tf.size(self._source_sizes, tf.int64), self.size],
        )
        # (pairs, batch): n-grams in common.
        common = tf.sparse.sparse_dense_matmul(matrix, query, adjoint_b=True)
        union = self._source_sizes[:, None] + query_sizes[None, :] - common
        similarity = common / tf.maximum(union, 1.0)
        index = tf.argmax(similarity, axis=0)
        return {
            "target": tf.gather(self._targets, index),
            "similarity": tf.reduce_max(similarity, axis=0),
            "index": index,
        }
