"""Sentence pairs from two line-aligned plain-text files."""

import contextlib
import itertools

from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.corpus_reader import CorpusReader
from keras_attention.text.text_cleaning import clean_string


class AlignedReader(CorpusReader):
    """Streams pairs from `train.ko` + `train.en`: line i pairs with line i.

    An empty line in either file is a bad line. Files of different
    lengths always raise, even when skipping bad lines (every later pair
    would be suspect), naming the shorter file, both line counts and the
    first line without a partner. See `CorpusReader` for decoding and
    errors.

    Args:
        source_path: str or `pathlib.Path`, one source sentence per line.
        target_path: str or `pathlib.Path`, one target sentence per line.
        skip_bad_lines: bool. Defaults to `False`.

    Example:

    ```python
    reader = AlignedReader("data/train.ko", "data/train.en")
    for korean, english in reader:
        ...
    ```
    """

    format = "aligned"

    def __init__(self, source_path, target_path, skip_bad_lines=False):
        super().__init__(
            [source_path, target_path], skip_bad_lines=skip_bad_lines
        )
        self.source_path, self.target_path = self.paths

    def _pairs(self):
        paths = (self.source_path, self.target_path)
        # Closed on any exit: an error raised here must not leave the
        # other file open until the traceback is collected.
        source_lines = self._lines(self.source_path)
        target_lines = self._lines(self.target_path)
        with contextlib.closing(source_lines), contextlib.closing(target_lines):
            both = itertools.zip_longest(source_lines, target_lines)
            for source_line, target_line in both:
                if source_line is None or target_line is None:
                    self._length_mismatch(
                        both,
                        source_line is None,
                        (source_line or target_line)[0],
                    )
                number = source_line[0]
                try:
                    source, target = (
                        clean_string(self._decode(path, number, raw))
                        for path, (_, raw) in zip(
                            paths, (source_line, target_line)
                        )
                    )
                    for side, path, text in (
                        ("source", paths[0], source),
                        ("target", paths[1], target),
                    ):
                        if not text:
                            raise CorpusError(
                                path,
                                number,
                                f"empty {side} sentence (empty line)",
                            )
                except CorpusError as error:
                    self._bad(error)
                    continue
                yield source, target

    def _length_mismatch(self, rest, source_is_shorter, first_unmatched):
        """Counts the longer file to its end and raises."""
        long_count = first_unmatched
        for source_line, target_line in rest:
            long_count = (source_line or target_line)[0]
        short, long_ = (
            (self.source_path, self.target_path)
            if source_is_shorter
            else (self.target_path, self.source_path)
        )
        short_count = first_unmatched - 1
        raise CorpusError(
            short,
            first_unmatched,
            f"line missing: {short.name} has {short_count} lines but "
            f"{long_.name} has {long_count}; {short} is the shorter file and "
            f"{long_}:{first_unmatched} is the first line without a partner",
        )
