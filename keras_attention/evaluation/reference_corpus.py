"""Test sentences, their references and, when the file has them, alignments."""

import dataclasses
import pathlib
import re

from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.parallel_tsv import read_parallel_tsv
from keras_attention.data.reader_factory import reader_from_config
from keras_attention.data.sentence_pair import read_pairs
from keras_attention.data.tsv_reader import TsvReader

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
    def read(cls, path, config=None):
        """Reads a test file the way the model's training data was read.

        - A TSV whose every line is `source<TAB>target<TAB>Pharaoh links`
          (the bundled corpus's): `read_pairs`, alignments included.
        - Any other file with a `config`: the reader of the config's
          format, columns, languages and header (`reader_from_config`).
        - Without one, a `source<TAB>target[<TAB>...]` TSV
          (`read_parallel_tsv`).

        Args:
            path: str or `pathlib.Path` (for `corpus_format: aligned`, the
                prefix of `PATH.SOURCE_LANGUAGE` and
                `PATH.TARGET_LANGUAGE`).
            config: a `Config` (the run's) or `None`. Defaults to `None`.

        Returns:
            A `ReferenceCorpus`.
        """
        path = pathlib.Path(path)
        tsv = config is None or config.data.corpus_format == "tsv"
        if tsv and cls._has_alignments(path):
            pairs = read_pairs(path)
            return cls(
                [p.source for p in pairs],
                [p.target for p in pairs],
                [p.alignment for p in pairs],
                path,
            )
        if config is None:
            sources, targets = read_parallel_tsv(path)
        else:
            sources, targets = reader_from_config(config, "test", path).read()
        return cls(sources, targets, None, path)

    @staticmethod
    def _has_alignments(path):
        """Whether every line is `source<TAB>target<TAB>Pharaoh links`."""
        if not path.is_file():
            return False  # the reader reports it
        # The one TSV parser, reading the source and the third column.
        reader = TsvReader(
            path, source_column=0, target_column=2, allowed_columns=(3,)
        )
        try:
            return all(_PHARAOH.fullmatch(links) for _, links in reader)
        except CorpusError:
            return False  # not this format; the reader used next reports
