"""A translation memory: the training pair whose source is the same."""

import json

import tensorflow as tf

from keras_attention.atomic_write import write_text
from keras_attention.text.normalizer import Normalizer

# A sentence longer than this (in characters, after cleaning) is never
# matched: a hostile 1 MB request costs a bounded pass, and two long
# sentences that differ only after the cut cannot share a key.
MAX_CHARACTERS = 1000
# RE2 (`tf.strings.regex_replace`): `\s` is ASCII only, `\p{Z}` adds the
# Unicode spaces; `[^\P{P}?']` is every punctuation mark except `?` and `'`.
_QUESTION_MARKS = "[？﹖]"
_APOSTROPHES = "[‘’ʼ]"
_DROPPED = r"[\p{Z}\s]|[^\P{P}?']"


class TranslationMemory(tf.Module):
    """Answers a sentence whose source is a stored source, up to spacing.

    The memory holds `(source, target)` pairs and answers a sentence only
    when its *key* equals a stored source's key. The key of a text is,
    in graph ops:

    1. the project's one cleaning and NFC (`Normalizer(form="NFC")`, as
       every tokenizer does); case is kept (German "Sie"/"sie" are "you"
       and "they");
    2. `？` and `﹖` made `?`, `‘ ’ ʼ` made `'`;
    3. every white space character (Unicode `\\p{Z}` and ASCII `\\s`) and
       every punctuation mark (`\\p{P}`) deleted, except `?` and `'`: a
       question mark turns "커피를 좋아해요." ("I like coffee.") into
       "Do you like coffee?", and "we'll" is not "well";
    4. runs of `?` made one.

    So "나는 학생 입니다." and "나는 학생입니다!" share a key, and a
    negation, a content word or a number makes another. Spacing is the one
    difference that can hide a change of meaning ("아버지가 방에" /
    "아버지 가방에"), so every answer names the stored source it came from.
    An empty key or a text longer than `MAX_CHARACTERS` never matches.
    The lookup is a hash table in graph ops (a `tf.function`, a SavedModel).

    As a `Translator`'s `postprocessor`, on a row the memory answers every
    output is the memory's: `translation` the stored target, `token_ids`
    its ids (end token included, 0 after it), `lengths` their count,
    `scores` 0.0 and `attention` zeros; every row gets `memory_source`
    `(batch,)` (the stored source that answered, empty elsewhere) and
    `memory_similarity` `(batch,)` float32 (1.0 where the memory answered,
    0.0 elsewhere).

    Args:
        sources: list of str, the stored source sentences (at least one
            with a non-empty key).
        targets: list of str, their translations.
        target_tokenizer: the model's target tokenizer, which gives a
            memory answer its `token_ids` when post-processing. Defaults
            to `None` (`lookup` only).
        name: str. Module name.

    Of several pairs with one key the first is kept (`from_pairs` can
    score them instead).

    Example:

    ```python
    memory = TranslationMemory(["나는 학생 입니다."], ["I am a student."])
    match = memory.lookup(tf.constant(["나는 학생입니다!", "나는 의사야."]))
    match["target"]  # [b"I am a student.", b""]
    match["source"]  # [b"나는 학생 입니다.", b""]
    ```
    """

    def __init__(self, sources, targets, target_tokenizer=None, name=None):
        super().__init__(name=name)
        self.target_tokenizer = target_tokenizer
        if len(sources) != len(targets):
            raise ValueError(
                "sources and targets must have the same length. Received: "
                f"{len(sources)} sources and {len(targets)} targets."
            )
        keys = self.keys_of(sources)
        first = {}
        for i, key in enumerate(keys):
            if key:
                first.setdefault(key, i)
        if not first:
            raise ValueError(
                "A translation memory needs at least one pair whose source "
                "has a letter or digit (a non-empty key)."
            )
        kept = sorted(first.values())
        self.sources = [sources[i] for i in kept]
        self.targets = [targets[i] for i in kept]
        self.table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant([keys[i] for i in kept], tf.string),
                tf.range(len(kept), dtype=tf.int64),
            ),
            default_value=-1,
        )
        # One empty string last: the answer of every unmatched sentence.
        self._sources = tf.Variable(
            tf.constant(self.sources + [""], tf.string),
            trainable=False,
            name="sources",
        )
        self._targets = tf.Variable(
            tf.constant(self.targets + [""], tf.string),
            trainable=False,
            name="targets",
        )

    @classmethod
    def from_pairs(
        cls, sources, targets, score=None, batch_size=256, target_tokenizer=None
    ):
        """A memory of the pairs, one per key, the best-scored kept.

        Args:
            sources: list of str.
            targets: list of str, their translations.
            score: callable `(sources, targets) -> sequence of float` (one
                score per pair, higher is better), or `None` to keep the
                first pair of each key. Only keys with several distinct
                translations are scored. Defaults to `None`.
            batch_size: int. Pairs per `score` call. Defaults to `256`.
            target_tokenizer: see `TranslationMemory`. Defaults to `None`.
        """
        sources, targets = list(sources), list(targets)
        if score is None:
            return cls(sources, targets, target_tokenizer)
        keys = cls.keys_of(sources)
        groups = {}
        for i, key in enumerate(keys):
            groups.setdefault(key, []).append(i)
        ambiguous = [
            i
            for key, rows in groups.items()
            if key and len({targets[j] for j in rows}) > 1
            for i in rows
        ]
        scores = {}
        for start in range(0, len(ambiguous), batch_size):
            rows = ambiguous[start : start + batch_size]
            values = score(
                [sources[i] for i in rows], [targets[i] for i in rows]
            )
            scores.update(zip(rows, (float(value) for value in values)))
        chosen = [
            max(rows, key=lambda i: (scores.get(i, 0.0), -i))
            for key, rows in groups.items()
            if key
        ]
        chosen.sort()
        return cls(
            [sources[i] for i in chosen],
            [targets[i] for i in chosen],
            target_tokenizer,
        )

    @classmethod
    def from_file(cls, path, target_tokenizer=None):
        """The memory `save` wrote to `path` (the first pair of each key
        kept, for a file that holds several)."""
        with open(path, encoding="utf-8") as file:
            values = json.load(file)
        return cls(values["sources"], values["targets"], target_tokenizer)

    def save(self, path):
        """Writes the stored pairs to `path` (JSON, atomically)."""
        values = {
            "match": "exact",
            "sources": self.sources,
            "targets": self.targets,
        }
        write_text(path, json.dumps(values, ensure_ascii=False) + "\n")

    @staticmethod
    def key(texts):
        """The match keys of `texts` `(batch,)` (see the class docstring).

        Returns:
            `(batch,)` strings; empty where the text never matches.
        """
        texts = Normalizer(form="NFC")(tf.convert_to_tensor(texts, tf.string))
        # One character more than the limit says whether it is passed.
        texts = tf.strings.substr(texts, 0, MAX_CHARACTERS + 1, "UTF8_CHAR")
        too_long = tf.strings.length(texts, "UTF8_CHAR") > MAX_CHARACTERS
        keys = tf.strings.regex_replace(texts, _QUESTION_MARKS, "?")
        keys = tf.strings.regex_replace(keys, _APOSTROPHES, "'")
        keys = tf.strings.regex_replace(keys, _DROPPED, "")
        keys = tf.strings.regex_replace(keys, r"\?+", "?")
        return tf.where(too_long, "", keys)

    @classmethod
    def keys_of(cls, texts):
        """`key` of a list of str, as a list of str (eagerly)."""
        if not texts:
            return []
        keys = cls.key(tf.constant(list(texts), tf.string)).numpy()
        return [key.decode("utf-8") for key in keys]

    def lookup(self, texts):
        """The stored pair of each sentence's key, if any.

        Args:
            texts: `(batch,)` string tensor (any bytes).

        Returns:
            A dict of `(batch,)` tensors: `target` and `source` (strings,
            the stored pair; empty where no stored source has the key),
            `similarity` (float32, 1.0 where a pair was found, 0.0
            elsewhere) and `index` (int64, the pair's position in
            `sources`, -1 where none).
        """
        keys = self.key(texts)
        index = self.table.lookup(keys)
        # An empty key is never stored, so it finds nothing.
        found = index >= 0
        row = tf.where(found, index, tf.size(self._targets, tf.int64) - 1)
        return {
            "target": tf.gather(self._targets, row),
            "source": tf.gather(self._sources, row),
            "similarity": tf.cast(found, tf.float32),
            "index": index,
        }

    def __call__(self, texts, outputs):
        """`outputs`, a `Translator`'s dict for the `(batch,)` `texts`, with
        the memory's answers (see `TranslationMemory`; `T` becomes the
        longer of the model's and the memory's)."""
        if self.target_tokenizer is None:
            raise ValueError(
                "A TranslationMemory post-processes a Translator's outputs "
                "only with the target_tokenizer that gives its answers ids."
            )
        match = self.lookup(texts)
        found = match["index"] >= 0
        tokenizer = self.target_tokenizer
        ids = tokenizer.tokenize(match["target"])
        ids = tf.concat(
            [ids, tf.fill([ids.nrows(), 1], tokenizer.end_token_id)], axis=1
        )
        ids = tf.cast(ids, outputs["token_ids"].dtype)
        model_ids = outputs["token_ids"]
        attention = outputs["attention"]
        width = tf.maximum(
            tf.shape(model_ids)[1],
            tf.cast(ids.bounding_shape(axis=1), tf.int32),
        )
        pad = width - tf.shape(model_ids)[1]
        model_ids = tf.pad(model_ids, [[0, 0], [0, pad]])
        attention = tf.pad(attention, [[0, 0], [0, pad], [0, 0]])
        rows = found[:, None]
        return {
            **outputs,
            "translation": tf.where(
                found, match["target"], outputs["translation"]
            ),
            "token_ids": tf.where(
                rows, ids.to_tensor(shape=tf.shape(model_ids)), model_ids
            ),
            "lengths": tf.where(
                found,
                tf.cast(ids.row_lengths(), outputs["lengths"].dtype) - 1,
                outputs["lengths"],
            ),
            "scores": tf.where(
                found, tf.zeros_like(outputs["scores"]), outputs["scores"]
            ),
            "attention": tf.where(
                rows[:, :, None], tf.zeros_like(attention), attention
            ),
            "memory_source": match["source"],
            "memory_similarity": match["similarity"],
        }
