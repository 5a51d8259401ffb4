"""Read sentence pairs from a tab-separated file, with clear errors."""

import sys

from keras_attention.data.tsv_reader import TsvReader


def read_parallel_tsv(path, source_column=0, target_column=1):
    """Reads `(sources, targets)` from a UTF-8 TSV file.

    `TsvReader` with at least `max(source_column, target_column) + 1`
    columns a line; other columns are ignored.

    Args:
        path: str or `pathlib.Path`.
        source_column: int. Column of the source sentence. Defaults to `0`.
        target_column: int. Column of the target sentence. Defaults to `1`.

    Returns:
        `(sources, targets)`, two lists of str of equal length.

    Raises:
        CorpusError: a `ValueError` naming the file and 1-based line number
            of invalid UTF-8, a missing column, an empty side, or an empty
            file.
    """
    needed = max(source_column, target_column) + 1
    return TsvReader(
        path,
        source_column=source_column,
        target_column=target_column,
        allowed_columns=range(needed, sys.maxsize),
    ).read()
