"""Sentence pairs from a CSV file, parsed by Python's `csv` module."""

import contextlib
import csv

from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.corpus_reader import CorpusReader
from keras_attention.text.text_cleaning import clean_string


class CsvReader(CorpusReader):
    """Streams `(source, target)` pairs from a UTF-8 CSV file.

    Fields follow RFC 4180 (Python's `csv` module); errors name the line a
    record starts on. Every record must have as many fields as the first
    one (or the header). See `CorpusReader` for decoding, errors and
    `skip_bad_lines`.

    Args:
        path: str or `pathlib.Path`.
        source_column: int, 0-based. Defaults to `0`.
        target_column: int, 0-based. Defaults to `1`.
        header: bool. The first record names the columns and is skipped.
            Defaults to `False`.
        delimiter: str of one character. Defaults to `","`.
        skip_bad_lines: bool. Defaults to `False`.

    Example:

    ```python
    # id,english,korean
    # 1,"Hello, world.",안녕하세요.
    reader = CsvReader("pairs.csv", source_column=2, target_column=1,
                       header=True)
    ```
    """

    format = "csv"

    def __init__(
        self,
        path,
        source_column=0,
        target_column=1,
        header=False,
        delimiter=",",
        skip_bad_lines=False,
    ):
        super().__init__([path], skip_bad_lines=skip_bad_lines)
        if (
            source_column == target_column
            or min(source_column, target_column) < 0
        ):
            raise ValueError(
                "source_column and target_column must be different ints "
                f">= 0. Received: source_column={source_column}, "
                f"target_column={target_column}"
            )
        self.path = self.paths[0]
        self.source_column = source_column
        self.target_column = target_column
        self.header = header
        self.delimiter = delimiter

    def _pairs(self):
        place = {"line": 0}
        undecodable = set()

        def lines():
            for number, raw in self._lines(self.path):
                place["line"] = number
                try:
                    yield self._decode(self.path, number, raw) + "\n"
                except CorpusError as error:
                    self._bad(error)
                    undecodable.add(number)
                    # An empty record in its place keeps the numbering.
                    yield "\n"

        # Closed on any exit: a raised error must not leave the file open
        # until the traceback is collected.
        with contextlib.closing(lines()) as raw_lines:
            records = csv.reader(
                raw_lines, delimiter=self.delimiter, strict=True
            )
            needed = max(self.source_column, self.target_column) + 1
            expected = None
            start = 1
            while True:
                try:
                    row = next(records)
                except StopIteration:
                    return
                except csv.Error as e:
                    self._bad(CorpusError(self.path, start, f"CSV: {e}"))
                    start = place["line"] + 1
                    continue
                number, start = start, place["line"] + 1
                if number in undecodable:
                    continue
                if number == 1 and self.header:
                    expected = expected or (len(row), 1)
                    continue
                try:
                    if not any(clean_string(field) for field in row):
                        raise CorpusError(self.path, number, "empty line")
                    if expected is None and len(row) >= needed:
                        expected = (len(row), number)
                    if expected is None or len(row) != expected[0]:
                        wanted = (
                            f"{expected[0]} fields (as on line {expected[1]})"
                            if expected
                            else f"at least {needed} fields"
                        )
                        raise CorpusError(
                            self.path,
                            number,
                            f"expected {wanted}, found {len(row)}",
                        )
                    source, target = self._sides(number, row, "field")
                except CorpusError as error:
                    self._bad(error)
                    continue
                yield source, target
