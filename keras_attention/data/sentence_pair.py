"""A sentence pair with gold word alignments, and the file that holds them."""

import dataclasses
import pathlib
import re

from keras_attention.text.word_splitter import split_words


@dataclasses.dataclass(frozen=True)
class SentencePair:
    """A source sentence, its translation and gold word alignments.

    Args:
        source: str, the source sentence.
        target: str, the target sentence.
        alignment: tuple of `(source_index, target_index)` int pairs over
            `split_words(source)` and `split_words(target)`, sorted.
    """

    source: str
    target: str
    alignment: tuple[tuple[int, int], ...]

    def source_tokens(self):
        """Returns `split_words(self.source)`."""
        return split_words(self.source)

    def target_tokens(self):
        """Returns `split_words(self.target)`."""
        return split_words(self.target)

    def alignment_string(self):
        """Returns the alignment in Pharaoh format, e.g. `"0-0 1-6 1-7"`."""
        return " ".join(f"{s}-{t}" for s, t in self.alignment)


def _parse_alignment(text, num_source, num_target):
    alignment = []
    for item in text.split():
        match = re.fullmatch(r"(\d+)-(\d+)", item)
        if not match:
            raise ValueError(f"bad alignment item {item!r}")
        s, t = int(match[1]), int(match[2])
        if s >= num_source or t >= num_target:
            raise ValueError(
                f"alignment {item!r} out of range for {num_source} source "
                f"and {num_target} target tokens"
            )
        alignment.append((s, t))
    return tuple(sorted(alignment))


def read_pairs(path):
    """Reads `source<TAB>target<TAB>alignment` lines (Pharaoh alignments).

    Args:
        path: str or `pathlib.Path`.

    Returns:
        list of `SentencePair`.

    Raises:
        ValueError: naming the file and 1-based line number of a line that
            is not `source<TAB>target<TAB>alignment` with in-range indices.
    """
    path = pathlib.Path(path)
    pairs = []
    with path.open(encoding="utf-8", newline="\n") as f:
        for number, line in enumerate(f, start=1):
            fields = line.rstrip("\n").split("\t")
            try:
                if len(fields) != 3:
                    raise ValueError(
                        f"expected 3 tab-separated fields, found {len(fields)}"
                    )
                source, target, alignment = fields
                if not source.strip() or not target.strip():
                    raise ValueError("empty source or target sentence")
                alignment = _parse_alignment(
                    alignment,
                    len(split_words(source)),
                    len(split_words(target)),
                )
            except ValueError as e:
                raise ValueError(f"{path}:{number}: {e}") from None
            pairs.append(SentencePair(source, target, alignment))
    return pairs
