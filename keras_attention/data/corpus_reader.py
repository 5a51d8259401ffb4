"""The base of the corpus readers: streaming, clear errors, counted skips."""

import pathlib

from keras_attention.data.corpus_error import CorpusError
from keras_attention.text.text_cleaning import clean_string

# How many skipped-line messages a report keeps (the count is always exact).
MAX_REPORTED_PROBLEMS = 10


class CorpusReader:
    """Streams `(source, target)` sentence pairs from corpus files.

    Subclasses implement `_pairs()`; this class gives them line decoding
    and the error and skip policy (`create_reader` picks the subclass of a
    format). Iterating reads the files line by line, never holding one in
    memory, so a reader can feed a vocabulary learner and `tf.data` again
    and again.

    Every line is decoded as UTF-8 and every sentence is cleaned with
    `clean_string`, the Python twin of the cleaning every tokenizer runs
    in the graph, so the pairs read are the text the model sees.
    Bad data raises a `CorpusError` naming the file, the 1-based line and
    the problem. With `skip_bad_lines=True` a bad line is skipped and
    counted instead; problems of a whole file always raise.

    Args:
        paths: list of str or `pathlib.Path`, the files read.
        skip_bad_lines: bool. Skip and count bad lines instead of raising.
            Defaults to `False`.

    Attributes (updated while iterating, final after a full pass):
        pairs_read: int, pairs yielded.
        skipped_lines: int, bad lines skipped.
        problems: list of str, the first skipped lines' error messages.

    Example:

    ```python
    reader = create_reader("tsv", "train.tsv", skip_bad_lines=True)
    for source, target in reader:
        ...
    print(reader.report())  # {"pairs": ..., "skipped_lines": ..., ...}
    ```
    """

    format = None

    def __init__(self, paths, skip_bad_lines=False):
        self.paths = tuple(pathlib.Path(path) for path in paths)
        for path in self.paths:
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such corpus file")
        self.skip_bad_lines = skip_bad_lines
        self._reset()

    def _reset(self):
        self.pairs_read = 0
        self.skipped_lines = 0
        self.problems = []

    def __iter__(self):
        self._reset()
        for pair in self._pairs():
            self.pairs_read += 1
            yield pair
        if not self.pairs_read:
            skipped = (
                f" ({self.skipped_lines} bad lines skipped)"
                if self.skipped_lines
                else ""
            )
            raise CorpusError(
                self.paths[0], None, f"the file has no sentence pairs{skipped}"
            )

    def _pairs(self):
        """Yields `(source, target)` str pairs; calls `_bad` on bad lines."""
        raise NotImplementedError

    def read(self):
        """Reads every pair into memory: `(sources, targets)`, lists of str."""
        sources, targets = [], []
        for source, target in self:
            sources.append(source)
            targets.append(target)
        return sources, targets

    def report(self):
        """What the last pass read, a JSON-ready dict (keys below)."""
        return {
            "format": self.format,
            "files": [str(path) for path in self.paths],
            "pairs": self.pairs_read,
            "skipped_lines": self.skipped_lines,
            "problems": list(self.problems),
        }

    def _bad(self, error):
        """Raises `error`, or counts it when skipping bad lines."""
        if not self.skip_bad_lines:
            raise error
        self.skipped_lines += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(str(error))

    @staticmethod
    def _lines(path):
        """Yields `(line_number, raw_bytes)`; an empty file is an error."""
        number = 0
        with open(path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                yield number, raw
        if number == 0:
            raise CorpusError(
                path, None, "the file has no sentence pairs (it is empty)"
            )

    @staticmethod
    def _decode(path, number, raw):
        """One UTF-8 line without BOM and line end; `CorpusError` if invalid."""
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorpusError(
                path,
                number,
                f"invalid UTF-8 ({e.reason} at byte {e.start + 1} of the line)",
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        return line.rstrip("\r\n")

    def _sides(self, number, columns, unit):
        """The cleaned `(source, target)` of a record's `columns`.

        For the readers with `path`, `source_column` and `target_column`;
        `unit` names a column in messages (`"column"`, `"field"`).

        Raises:
            CorpusError: a side is empty after cleaning.
        """
        sides = []
        for side, column in (
            ("source", self.source_column),
            ("target", self.target_column),
        ):
            text = clean_string(columns[column])
            if not text:
                raise CorpusError(
                    self.path,
                    number,
                    f"empty {side} sentence ({unit} {column + 1})",
                )
            sides.append(text)
        return tuple(sides)
