"""Test sentences, their references and, when the file has them, alignments."""

import dataclasses
import pathlib
import re

from keras_attention.data.parallel_tsv import read_parallel_tsv
from keras_attention.data.sentence_pair import read_pairs

_PHARAOH = re.compile(r"\d+-\d+( \d+-\d+)*")


@dataclasses.dataclass
class ReferenceCorpus:
    """Source sentences with one reference translation each.

    Args:
        sources: list of str.
        targets: list of str, the references.
        alignments: list of tuples of `(source_word, target_word)` gold
            links over `split_words`, or `None` when the corpus has none.
        path: the file it was read from, if any.
    """

    sources: list
    targets: list
    alignments: list | None = None
    path: pathlib.Path | None = None

    def __len__(self):
        return len(self.sources)

    @classmethod
    def read(cls, path):
        """Reads a corpus file in either supported format.

        - The bundled corpus's 3-column TSV `source<TAB>target<TAB>
          alignment` (Pharaoh `i-j` links): read with `read_pairs`,
          alignments included. Chosen when every line has exactly three
          columns and every third column is a Pharaoh alignment.
        - Any `source<TAB>target[<TAB>...]` TSV (e.g. Tatoeba's with an
          attribution column): read with `read_parallel_tsv`, no
          alignments.

        Args:
            path: str or `pathlib.Path`.

        Returns:
            A `ReferenceCorpus`.
        """
        path = pathlib.Path(path)
        if cls._has_alignments(path):
            pairs = read_pairs(path)
            return cls(
                [p.source for p in pairs],
                [p.target for p in pairs],
                [p.alignment for p in pairs],
                path,
            )
        sources, targets = read_parallel_tsv(path)
        return cls(sources, targets, None, path)

    @staticmethod
    def _has_alignments(path):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return False  # read_parallel_tsv reports the line
        lines = text.removeprefix("\ufeff").splitlines()
        if not lines:
            return False
        for line in lines:
            columns = line.split("\t")
            if len(columns) != 3 or not _PHARAOH.fullmatch(columns[2].strip()):
                return False
        return True
