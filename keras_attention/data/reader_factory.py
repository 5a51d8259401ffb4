"""The `CorpusReader` of a corpus format, from arguments or a `Config`."""

from keras_attention.config.data_config import FILE_FIELDS
from keras_attention.config.data_config import file_name
from keras_attention.data.aligned_reader import AlignedReader
from keras_attention.data.anki_reader import AnkiReader
from keras_attention.data.concatenated_reader import ConcatenatedReader
from keras_attention.data.csv_reader import CsvReader
from keras_attention.data.tsv_reader import TsvReader

# Reader class of every `DataConfig.corpus_format`.
READERS = {
    "tsv": TsvReader,
    "csv": CsvReader,
    "anki": AnkiReader,
    "aligned": AlignedReader,
}
FORMATS = tuple(READERS)


def create_reader(
    corpus_format,
    path,
    source_column=None,
    target_column=None,
    source_language=None,
    target_language=None,
    header=False,
    skip_bad_lines=False,
):
    """A reader of `corpus_format` for `path`.

    Args:
        corpus_format: `"tsv"`, `"csv"`, `"anki"` or `"aligned"`.
        path: str or path. For `"aligned"` a prefix: the files are
            `PATH.SOURCE_LANGUAGE` and `PATH.TARGET_LANGUAGE`.
        source_column, target_column: int or `None` for the format's
            default (tsv/csv: 0 and 1; anki: 1 and 0, i.e. the other
            language → English).
        source_language, target_language: str, the file suffixes of
            `"aligned"` (e.g. `"ko"`, `"en"`).
        header: bool. tsv/csv: the first line names the columns and is
            not a pair. Defaults to `False`.
        skip_bad_lines: bool. Defaults to `False`.

    Returns:
        A `CorpusReader`.

    Example:

    ```python
    reader = create_reader("anki", "kor.txt")  # Korean → English
    sources, targets = reader.read()
    ```
    """
    if corpus_format not in READERS:
        raise ValueError(
            f"corpus_format must be one of {FORMATS}. "
            f"Received: corpus_format={corpus_format!r}"
        )
    if corpus_format == "aligned":
        if not (source_language and target_language):
            raise ValueError(
                "The aligned format needs source_language and "
                "target_language (the file suffixes, e.g. 'ko' and "
                f"'en'). Received: source_language={source_language!r}, "
                f"target_language={target_language!r}"
            )
        return AlignedReader(
            f"{path}.{source_language}",
            f"{path}.{target_language}",
            skip_bad_lines=skip_bad_lines,
        )
    options = {"skip_bad_lines": skip_bad_lines}
    if source_column is not None:
        options["source_column"] = source_column
    if target_column is not None:
        options["target_column"] = target_column
    if corpus_format != "anki":
        options["header"] = header
    return READERS[corpus_format](path, **options)


def reader_from_config(config, split, path=None):
    """The reader of a `Config`'s `split` ("train", "valid", "test").

    A list of files gets a `ConcatenatedReader` of one reader per file.

    Args:
        config: a `Config`; its corpus fields say how to read.
        split: str, the field naming the file(s).
        path: str or path to read instead of the `split` file, with the
            config's own corpus fields. Defaults to `None`.

    Returns:
        A `CorpusReader`.
    """
    if path is not None:
        files = [{"path": path, **_corpus_fields(config)}]
    else:
        files = corpus_files(config, split)
    readers = [
        create_reader(
            entry["corpus_format"],
            entry["path"],
            source_column=entry["source_column"],
            target_column=entry["target_column"],
            source_language=entry["source_language"],
            target_language=entry["target_language"],
            header=entry["corpus_header"],
            skip_bad_lines=config.data.skip_bad_lines,
        )
        for entry in files
    ]
    if isinstance(getattr(config.data, split), list) and path is None:
        return ConcatenatedReader(readers, [entry["name"] for entry in files])
    return readers[0]


def corpus_files(config, split):
    """The files of a `Config`'s `split`, each with all its corpus fields.

    Returns:
        list of dict with `path`, `name` (see `Config`) and the
        `FILE_FIELDS` (`corpus_format`, columns, languages,
        `corpus_header`): the entry's own, else the config's. Empty when
        the split is `None`.
    """
    value = getattr(config.data, split)
    if value is None:
        return []
    entries = value if isinstance(value, list) else [value]
    files = []
    for entry in entries:
        if not isinstance(entry, dict):
            entry = {"path": entry}
        files.append(
            {
                **_corpus_fields(config),
                **entry,
                "path": str(entry["path"]),
                "name": entry.get("name") or file_name(entry["path"]),
            }
        )
    return files


def _corpus_fields(config):
    return {name: getattr(config.data, name) for name in FILE_FIELDS}
