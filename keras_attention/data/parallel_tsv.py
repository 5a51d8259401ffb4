"""Read sentence pairs from a tab-separated file, with clear errors."""

import pathlib


def read_parallel_tsv(path, source_column=0, target_column=1):
    """Reads `(sources, targets)` from a UTF-8 TSV file.

    Each line holds at least `max(source_column, target_column) + 1`
    tab-separated columns; other columns are ignored. A UTF-8 BOM, CRLF line
    ends and surrounding white space are accepted.

    Args:
        path: str or `pathlib.Path`.
        source_column: int. Column of the source sentence. Defaults to `0`.
        target_column: int. Column of the target sentence. Defaults to `1`.

    Returns:
        `(sources, targets)`, two lists of str of equal length.

    Raises:
        ValueError: naming the file and 1-based line number of invalid
            UTF-8, a missing column, an empty side, or an empty file.
    """
    path = pathlib.Path(path)
    needed = max(source_column, target_column) + 1
    sources, targets = [], []
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ValueError(
                    f"{path}:{number}: invalid UTF-8 ({e.reason} at byte "
                    f"{e.start})"
                ) from None
            if number == 1:
                line = line.removeprefix("\ufeff")
            line = line.rstrip("\r\n")
            if not line.strip():
                raise ValueError(f"{path}:{number}: empty line")
            columns = line.split("\t")
            if len(columns) < needed:
                raise ValueError(
                    f"{path}:{number}: expected at least {needed} "
                    f"tab-separated columns, found {len(columns)}"
                )
            source = columns[source_column].strip()
            target = columns[target_column].strip()
            for side, text in (("source", source), ("target", target)):
                if not text:
                    raise ValueError(f"{path}:{number}: empty {side} sentence")
            sources.append(source)
            targets.append(target)
    if not sources:
        raise ValueError(f"{path}: the file has no sentence pairs")
    return sources, targets
