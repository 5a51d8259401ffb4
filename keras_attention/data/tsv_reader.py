"""Sentence pairs from a tab-separated file with chosen columns."""

from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.corpus_reader import CorpusReader
from keras_attention.text.text_cleaning import clean_string


class TsvReader(CorpusReader):
    """Streams `(source, target)` pairs from a UTF-8 TSV file.

    Every line is `column<TAB>column...`; `source_column` and
    `target_column` pick the sides, other columns are ignored. Unless
    `allowed_columns` says otherwise, every line must have as many columns
    as the first one (an extra tab in a sentence is reported). See
    `CorpusReader` for decoding, errors and `skip_bad_lines`.

    Args:
        path: str or `pathlib.Path`.
        source_column: int, 0-based. Defaults to `0`.
        target_column: int, 0-based. Defaults to `1`.
        allowed_columns: collection of int (e.g. `(2, 3)` or
            `range(2, 100)`), or `None`: the first line's count, which must
            cover both columns. Defaults to `None`.
        header: bool. The first line names the columns and is skipped.
            Defaults to `False`.
        skip_bad_lines: bool. Defaults to `False`.

    Example:

    ```python
    reader = TsvReader("train.tsv")  # source<TAB>target[<TAB>...]
    sources, targets = reader.read()
    ```
    """

    format = "tsv"
    separator = "\t"
    column_name = "tab-separated columns"

    def __init__(
        self,
        path,
        source_column=0,
        target_column=1,
        allowed_columns=None,
        header=False,
        skip_bad_lines=False,
    ):
        super().__init__([path], skip_bad_lines=skip_bad_lines)
        for name, value in (
            ("source_column", source_column),
            ("target_column", target_column),
        ):
            if not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"{name} must be an int >= 0. Received: {name}={value!r}"
                )
        if source_column == target_column:
            raise ValueError(
                "source_column and target_column must differ. Received: "
                f"both {source_column}"
            )
        self.path = self.paths[0]
        self.source_column = source_column
        self.target_column = target_column
        self.allowed_columns = allowed_columns
        self.header = header

    @property
    def needed_columns(self):
        return max(self.source_column, self.target_column) + 1

    def _describe(self, allowed):
        if isinstance(allowed, range) and allowed.stop > 10**6:
            return f"at least {allowed.start}"
        allowed = sorted(allowed)
        if len(allowed) == 1:
            return str(allowed[0])
        return ", ".join(map(str, allowed[:-1])) + f" or {allowed[-1]}"

    def _rows(self):
        """Yields `(line_number, columns)` of the decoded lines."""
        for number, raw in self._lines(self.path):
            try:
                line = self._decode(self.path, number, raw)
            except CorpusError as error:
                self._bad(error)
                continue
            yield number, line.split(self.separator)

    def _pairs(self):
        allowed = self.allowed_columns
        first_line = None
        for number, columns in self._rows():
            if number == 1 and self.header:
                if allowed is None:
                    allowed, first_line = (len(columns),), 1
                continue
            try:
                if not any(clean_string(column) for column in columns):
                    raise CorpusError(self.path, number, "empty line")
                if allowed is None and len(columns) >= self.needed_columns:
                    allowed, first_line = (len(columns),), number
                if allowed is None or len(columns) not in allowed:
                    expected = self._describe(
                        allowed or range(self.needed_columns, 10**9)
                    )
                    like = f" (as on line {first_line})" if first_line else ""
                    raise CorpusError(
                        self.path,
                        number,
                        f"expected {expected} {self.column_name}{like}, "
                        f"found {len(columns)}",
                    )
                source, target = self._sides(number, columns, "column")
            except CorpusError as error:
                self._bad(error)
                continue
            yield source, target
