"""The error every corpus reader raises for bad data."""

from keras_attention.usage_error import UsageError


class CorpusError(UsageError):
    """Bad data in a corpus file, with the file and 1-based line it is on.

    A `UsageError` (so a `ValueError`), printed by the tools as one
    `error:` line `"PATH:LINE: PROBLEM"` (`"PATH: PROBLEM"` for the whole
    file).

    Args:
        path: str or `pathlib.Path`, the file.
        line: int (1-based) or `None` for the whole file.
        problem: str, what is wrong, e.g. `"empty target sentence"`.

    Example:

    ```python
    try:
        TsvReader("train.tsv").read()
    except CorpusError as error:
        print(error.path, error.line, error.problem)
    ```
    """

    def __init__(self, path, line, problem):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {problem}")
