"""A Korean→English corpus generated from a small grammar, with alignments.

`BundledCorpus` draws sentences from the grammar (`grammar.sentence_grammar`)
with `random.Random(seed)`: the same seed gives the same files. Every Korean
sentence has exactly one English translation (many Korean variants share
one), and every pair carries gold word alignments over `split_words`
tokens, every token aligned.
"""

import collections
import functools
import pathlib
import random

from keras_attention.atomic_write import atomic_write
from keras_attention.data.grammar.sentence_grammar import SentenceGrammar

NOTE_SENTENCE = "나는 인공지능을 공부하는 학생 입니다."
NOTE_TRANSLATION = "I am a student who studies artificial intelligence."


@functools.cache
def _grammar():
    return SentenceGrammar()


class BundledCorpus:
    """The bundled Korean→English corpus, split into train/valid/test.

    Sentences are deduplicated by source (the first draw is kept),
    shuffled and split, so no valid or test source occurs in train.
    `NOTE_SENTENCE` is always in `test`, and no train or valid pair has
    `NOTE_TRANSLATION` as its target (translating it shows generalisation).

    Args:
        num_pairs: int, number of distinct pairs. Defaults to `36000`.
        valid_fraction: float, share of pairs in `valid`. Defaults to `0.05`.
        test_fraction: float, share of pairs in `test`. Defaults to `0.05`.
        seed: int. Defaults to `1234`.

    Attributes:
        train, valid, test: lists of `SentencePair`.
        lemma_counts: `collections.Counter` of Korean lemmas in `train`.

    Raises:
        ValueError: for bad fractions, or when the grammar cannot produce
            `num_pairs` distinct sentences.

    Example:

    ```python
    corpus = BundledCorpus(num_pairs=1000, seed=7)
    len(corpus.train), len(corpus.valid), len(corpus.test)  # 900, 50, 50
    pair = [p for p in corpus.test if p.source == NOTE_SENTENCE][0]
    pair.alignment_string()  # "0-0 1-6 1-7 2-4 2-5 3-2 3-3 4-1 5-8"
    paths = corpus.write("runs/corpus")  # {"train": .../train.tsv, ...}
    ```
    """

    # Give up after this many draws in a row without a new source sentence.
    _MAX_FAILED_DRAWS = 20000

    def __init__(
        self,
        num_pairs=36000,
        valid_fraction=0.05,
        test_fraction=0.05,
        seed=1234,
    ):
        if not 0 <= valid_fraction < 1 or not 0 < test_fraction < 1:
            raise ValueError(
                "Expected 0 <= valid_fraction < 1 and 0 < test_fraction < 1. "
                f"Received: valid_fraction={valid_fraction}, "
                f"test_fraction={test_fraction}"
            )
        num_test = max(1, round(num_pairs * test_fraction))
        num_valid = round(num_pairs * valid_fraction)
        if num_test + num_valid >= num_pairs:
            raise ValueError(
                f"num_pairs={num_pairs} leaves no training pairs with "
                f"valid_fraction={valid_fraction} and "
                f"test_fraction={test_fraction}."
            )
        self.num_pairs = num_pairs
        self.seed = seed
        rng = random.Random(seed)
        pairs, lemmas = self._generate(rng, num_pairs)
        order = list(range(num_pairs))
        rng.shuffle(order)
        test = order[:num_test]
        valid = order[num_test : num_test + num_valid]
        train = order[num_test + num_valid :]
        self._protect_note(pairs, test, [valid, train])
        self.test = [pairs[i] for i in test]
        self.valid = [pairs[i] for i in valid]
        self.train = [pairs[i] for i in train]
        self.lemma_counts = collections.Counter(
            lemma for i in train for lemma in lemmas[i]
        )

    @classmethod
    def _generate(cls, rng, num_pairs):
        grammar = _grammar()
        note, note_lemmas = grammar.note_pair()
        if (note.source, note.target) != (NOTE_SENTENCE, NOTE_TRANSLATION):
            raise RuntimeError(f"The grammar renders the note as {note}.")
        targets = {note.source: note.target}
        pairs = [note]
        lemmas = [tuple(note_lemmas)]
        failed = 0
        while len(pairs) < num_pairs:
            pair, used = grammar.sample(rng)
            known = targets.get(pair.source)
            if known is None:
                targets[pair.source] = pair.target
                pairs.append(pair)
                lemmas.append(tuple(used))
                failed = 0
                continue
            if known != pair.target:
                raise RuntimeError(
                    f"Ambiguous grammar: {pair.source!r} translates to both "
                    f"{known!r} and {pair.target!r}."
                )
            failed += 1
            if failed >= cls._MAX_FAILED_DRAWS:
                raise ValueError(
                    f"The grammar produced only {len(pairs)} distinct "
                    f"sentences ({failed} draws in a row found nothing new); "
                    f"num_pairs={num_pairs} is too large."
                )
        return pairs[:num_pairs], lemmas[:num_pairs]

    @staticmethod
    def _protect_note(pairs, test, others):
        """Moves pairs translating to NOTE_TRANSLATION into `test`."""

        def is_note(i):
            return pairs[i].target == NOTE_TRANSLATION

        spare = [k for k, i in enumerate(test) if not is_note(i)]
        for indices in others:
            for position, i in enumerate(indices):
                if is_note(i):
                    if not spare:
                        raise ValueError(
                            "The test split is too small to hold every "
                            "variant of the note's sentence."
                        )
                    k = spare.pop()
                    indices[position], test[k] = test[k], i

    def write(self, directory):
        """Writes `train.tsv`, `valid.tsv` and `test.tsv`.

        Each UTF-8 line is `source<TAB>target<TAB>alignment` (Pharaoh
        format), without a header. Each file is replaced atomically.

        Args:
            directory: str or `pathlib.Path`, created if missing.

        Returns:
            dict from `"train"`, `"valid"`, `"test"` to `pathlib.Path`.
        """
        directory = pathlib.Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name in ("train", "valid", "test"):
            path = directory / f"{name}.tsv"
            lines = (
                f"{p.source}\t{p.target}\t{p.alignment_string()}\n"
                for p in getattr(self, name)
            )
            # Atomic: other processes may be streaming the previous file.
            with atomic_write(path) as temporary:
                with temporary.open("w", encoding="utf-8", newline="\n") as f:
                    f.writelines(lines)
            paths[name] = path
        return paths
