"""The `data` section: corpus files, length policy, batching, tokenizers."""

import dataclasses
import pathlib

from keras_attention.config.section import Section
from keras_attention.config.section import field_map
from keras_attention.config.section import option
from keras_attention.config_error import ConfigError

FORMATS = ("tsv", "csv", "anki", "aligned")
# The fields an entry of a `train`/`valid`/`test` list may set for its file.
FILE_FIELDS = (
    "corpus_format",
    "source_column",
    "target_column",
    "source_language",
    "target_language",
    "corpus_header",
)


@dataclasses.dataclass
class DataConfig(Section):
    """What the model reads and how it is cut, batched and tokenized.

    In short (docs/data.md has the details):

    Files:
        train, valid, test: a corpus file (aligned: a `PREFIX` of
            `PREFIX.LANGUAGE` files), or a list of them read one after the
            other, each a path or a mapping of `path`, `name` and its own
            `FILE_FIELDS`; `None` is the bundled Korean→English corpus.
        corpus_format, corpus_header, skip_bad_lines: the reader
            (`create_reader`), a header line, skip bad lines.
        source_column, target_column: 0-based (`None`: the format's).
        source_language, target_language: codes, the aligned suffixes.
        num_pairs, corpus_seed: size and seed of the bundled corpus.
    Length and batches:
        max_source_tokens, max_target_tokens, length_policy: training token
            caps and what becomes of pairs over them (`LengthPolicy`).
        shuffle_buffer_size, bucket_by_length, pad_to_multiple: shuffling,
            length buckets, padding to multiples of this many tokens.
        batch_tokens: target positions per batch instead of
            `training.batch_size` sentences.
    Text:
        lowercase_source, lowercase_target: lowercase before tokenizing.
        tokenizer, sentencepiece_model_type: `WordTokenizer` or
            `SentencePieceTokenizer`, and the latter's model.
        source_vocabulary_size, target_vocabulary_size: caps (`None`: none
            for `"word"`, 8000 for `"sentencepiece"`).
        normalization: Unicode normalisation.
    """

    NAME = "data"

    train: str | list | None = None
    valid: str | list | None = None
    test: str | list | None = None
    corpus_format: str = option("tsv", choices=FORMATS)
    source_column: int | None = option(None, minimum=0)
    target_column: int | None = option(None, minimum=0)
    source_language: str | None = None
    target_language: str | None = None
    corpus_header: bool = False
    skip_bad_lines: bool = False
    # At least one pair each for the bundled corpus' 5% valid and 5% test.
    num_pairs: int = option(36000, minimum=20)
    corpus_seed: int = option(1234, minimum=0)
    max_source_tokens: int | None = option(64, minimum=1)
    max_target_tokens: int | None = option(64, minimum=1)
    length_policy: str = option("drop", choices=("drop", "truncate"))
    shuffle_buffer_size: int = option(100000, minimum=1)
    bucket_by_length: bool = True
    pad_to_multiple: int = option(2, minimum=1)
    batch_tokens: int | None = option(None, minimum=1)
    lowercase_source: bool = False
    lowercase_target: bool = False
    tokenizer: str = option("word", choices=("word", "sentencepiece"))
    source_vocabulary_size: int | None = option(None, minimum=5)
    target_vocabulary_size: int | None = option(None, minimum=5)
    sentencepiece_model_type: str = option(
        "unigram", choices=("unigram", "bpe")
    )
    normalization: str = option("NFC", choices=("NFC", "NFKC"))

    def check(self):
        if self.batch_tokens is not None and not self.bucket_by_length:
            raise self.error(
                "batch_tokens",
                "needs bucket_by_length: true (batches are sized per length "
                f"bucket). Received: batch_tokens={self.batch_tokens!r}, "
                "bucket_by_length=False",
            )
        if (
            self.source_column is not None
            and self.source_column == self.target_column
        ):
            raise self.error(
                "target_column",
                "must differ from 'source_column'. Received: both "
                f"{self.source_column}",
            )
        for name in ("train", "valid", "test"):
            self._check_files(name, getattr(self, name))
        if self.train is not None and self.valid is None:
            raise self.error(
                "valid",
                "is needed with 'train' (the validation file of early "
                f"stopping). Received: train={self.train!r}, valid=None",
            )
        for name in ("valid", "test"):
            if self.train is None and getattr(self, name) is not None:
                raise self.error(
                    name,
                    "needs 'train' too: without it the bundled corpus and "
                    f"its own splits are used. Received: {name}="
                    f"{getattr(self, name)!r}, train=None",
                )
        if self.corpus_format == "aligned" and not (
            self.source_language and self.target_language
        ):
            raise self.error(
                "target_language"
                if self.source_language
                else "source_language",
                "is needed by corpus_format 'aligned': source_language and "
                "target_language are the file suffixes (train.ko + train.en "
                "is train: train, source_language: ko, target_language: "
                f"en). Received: source_language={self.source_language!r}, "
                f"target_language={self.target_language!r}",
            )

    def _check_files(self, name, value):
        """Raises `ConfigError` for a bad `train`/`valid`/`test` list."""
        if not isinstance(value, list):
            return
        if not value:
            raise self.error(
                name, f"needs at least one file. Received: {name}=[]"
            )
        names = []
        for index, entry in enumerate(value):
            where = f"entry {name}[{index}]"
            path, label = entry, None
            if isinstance(entry, dict):
                unknown = sorted(set(entry) - {"path", "name", *FILE_FIELDS})
                if unknown:
                    raise self.error(
                        name,
                        f"{where} has unknown key {unknown[0]!r} (known: "
                        f"path, name, {', '.join(FILE_FIELDS)})",
                    )
                fields = field_map(self)
                for key in sorted(set(FILE_FIELDS) & set(entry)):
                    try:
                        self._check_field(fields[key], entry[key])
                    except ConfigError as error:
                        raise self.error(
                            name, f"{where}: {key} {error.problem}"
                        ) from None
                path, label = entry.get("path"), entry.get("name")
                if label is not None and not (isinstance(label, str) and label):
                    raise self.error(
                        name,
                        f"{where}: name must be a non-empty string. "
                        f"Received: {label!r}",
                    )
            if not (isinstance(path, str) and path):
                raise self.error(
                    name,
                    f"{where} must be a path or a mapping with a 'path'. "
                    f"Received: {entry!r}",
                )
            label = label or file_name(path)
            if label in names:
                raise self.error(
                    name,
                    f"{where} is named {label!r} like an earlier one: "
                    "give each file its own 'name'",
                )
            names.append(label)


def file_name(path):
    """The default name of a corpus file: its folder and file name."""
    return "/".join(pathlib.PurePath(path).parts[-2:])
