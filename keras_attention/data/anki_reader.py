"""Sentence pairs from an Anki/Tatoeba export (English<TAB>Other<TAB>credit)."""

from keras_attention.data.tsv_reader import TsvReader

ENGLISH_COLUMN = 0
OTHER_COLUMN = 1


class AnkiReader(TsvReader):
    """Streams pairs from a ManyThings/Anki file such as `kor.txt`.

    Each line is `English<TAB>Other[<TAB>attribution]`. By default the
    other language is the source (Korean→English for `kor.txt`); pass
    `source_column=0, target_column=1` for English→other. See
    `CorpusReader` for decoding, errors and `skip_bad_lines`.

    Args:
        path: str or `pathlib.Path`.
        source_column: int. Defaults to `1` (the other language).
        target_column: int. Defaults to `0` (English).
        skip_bad_lines: bool. Defaults to `False`.

    Example:

    ```python
    korean, english = AnkiReader("kor.txt").read()
    ```
    """

    format = "anki"

    def __init__(
        self,
        path,
        source_column=OTHER_COLUMN,
        target_column=ENGLISH_COLUMN,
        skip_bad_lines=False,
    ):
        if {source_column, target_column} != {ENGLISH_COLUMN, OTHER_COLUMN}:
            raise ValueError(
                "An Anki file has English in column 0 and the other language "
                "in column 1: source_column and target_column must be 0 and "
                f"1 in some order. Received: source_column={source_column}, "
                f"target_column={target_column}"
            )
        super().__init__(
            path,
            source_column=source_column,
            target_column=target_column,
            allowed_columns=(2, 3),
            skip_bad_lines=skip_bad_lines,
        )
