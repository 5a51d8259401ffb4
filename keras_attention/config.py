"""The one configuration object that train, tune, evaluate and export share."""

import dataclasses
import pathlib
import typing

import yaml


@dataclasses.dataclass
class Config:
    """Everything that defines a model, its data and its training.

    Load it from YAML with `Config.from_yaml(path)`; unknown keys and wrong
    types are errors, so a typo never silently falls back to a default.

    Model:
        embedding_dim, units, num_layers, cell (`"gru"`/`"lstm"`),
        bidirectional, dropout, decoder (`"seed"`/`"luong"`), score_mode
        (`"dot"`/`"general"`), use_scale: see `EncoderDecoder`.
    Data:
        train, valid, test: corpus files (`source<TAB>target[<TAB>...]`
            by default); `None` means the bundled Korean→English corpus.
            For `corpus_format: aligned` each is a prefix: the files are
            `PREFIX.SOURCE_LANGUAGE` and `PREFIX.TARGET_LANGUAGE`.
        corpus_format: `"tsv"`, `"csv"`, `"anki"` (English<TAB>Other
            [<TAB>attribution]) or `"aligned"` (two line-aligned files);
            see `CorpusReader.create`.
        source_column, target_column: 0-based columns of the sides for
            tsv/csv/anki; `None` is the format's default (tsv/csv 0 and 1,
            anki 1 and 0, i.e. the other language → English).
        source_language, target_language: language codes, the file
            suffixes of the aligned format (e.g. `"ko"`, `"en"`).
        corpus_header: the first tsv/csv line names the columns.
        skip_bad_lines: skip (and count and report) bad lines instead of
            stopping at the first one with its file and line.
        num_pairs: size of the bundled corpus (all splits).
        corpus_seed: the bundled corpus's seed.
        lowercase_source, lowercase_target: lowercase before tokenizing.
        max_source_tokens, max_target_tokens: token caps for training
            pairs (`None`: no cap); held-out splits are never cut.
        length_policy: `"drop"` pairs over a cap, or `"truncate"` them.
        shuffle_buffer_size: pairs in the training shuffle buffer (a
            corpus no larger is shuffled completely).
        bucket_by_length: batch training pairs of similar lengths together
            (less padding).
    Text:
        tokenizer: `"word"` (`WordTokenizer`) or `"sentencepiece"`
            (`SentencePieceTokenizer`, learned from the training split).
        source_vocabulary_size, target_vocabulary_size: vocabulary caps;
            `None` is no cap for `"word"` and 8000 for `"sentencepiece"`.
        sentencepiece_model_type: `"unigram"` or `"bpe"`.
        normalization: Unicode normalisation, `"NFC"` or `"NFKC"`.
    Training:
        batch_size, epochs, learning_rate, clipnorm (Adam's gradient
        clipping), patience (EarlyStopping on validation loss), seed,
        jit_compile (XLA; Keras leaves it off on CPU unless asked),
        max_train_seconds (stop after the batch that crosses this budget,
        counted from the start of `Trainer.fit` with the tokenizers'
        learning, then validate and restore the best weights; `None` = no
        limit), tensorboard (write TensorBoard logs to
        `RUN_DIR/logs`; view with `tensorboard --logdir RUN_DIR/logs`).
    Decoding:
        max_decode_length: hard cap on generated target tokens.
    Tuning:
        search_space: Keras Tuner ranges overriding the defaults of
            `training.tune` (`None`: the defaults).
    """

    # Model.
    embedding_dim: int = 128
    units: int = 256
    num_layers: int = 1
    cell: str = "gru"
    bidirectional: bool = False
    dropout: float = 0.0
    decoder: str = "seed"
    score_mode: str = "dot"
    use_scale: bool = False
    # Data.
    train: str | None = None
    valid: str | None = None
    test: str | None = None
    corpus_format: str = "tsv"
    source_column: int | None = None
    target_column: int | None = None
    source_language: str | None = None
    target_language: str | None = None
    corpus_header: bool = False
    skip_bad_lines: bool = False
    num_pairs: int = 36000
    corpus_seed: int = 1234
    lowercase_source: bool = False
    lowercase_target: bool = False
    max_source_tokens: int | None = 64
    max_target_tokens: int | None = 64
    length_policy: str = "drop"
    shuffle_buffer_size: int = 100000
    bucket_by_length: bool = True
    # Text.
    tokenizer: str = "word"
    source_vocabulary_size: int | None = None
    target_vocabulary_size: int | None = None
    sentencepiece_model_type: str = "unigram"
    normalization: str = "NFC"
    # Training.
    batch_size: int = 64
    epochs: int = 30
    learning_rate: float = 0.001
    clipnorm: float = 1.0
    patience: int = 3
    seed: int = 1234
    jit_compile: bool = False
    max_train_seconds: float | None = None
    tensorboard: bool = False
    # Decoding.
    max_decode_length: int = 64
    # Keras Tuner: ranges that override the default search space.
    search_space: dict | None = None

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            allowed = typing.get_args(field.type) or (field.type,)
            if value is None and type(None) in allowed:
                continue
            if float in allowed:
                allowed = allowed + (int,)
            # True is an int in Python; accept a bool only where declared.
            if not isinstance(value, allowed) or (
                isinstance(value, bool) and bool not in allowed
            ):
                raise ValueError(
                    f"Config field '{field.name}' expects {field.type}. "
                    f"Received: {field.name}={value!r}"
                )
        choices = {
            "cell": ("gru", "lstm"),
            "decoder": ("seed", "luong"),
            "score_mode": ("dot", "general"),
            "corpus_format": ("tsv", "csv", "anki", "aligned"),
            "length_policy": ("drop", "truncate"),
            "tokenizer": ("word", "sentencepiece"),
            "sentencepiece_model_type": ("unigram", "bpe"),
            "normalization": ("NFC", "NFKC"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"Config field '{name}' must be one of {allowed}. "
                    f"Received: {name}={getattr(self, name)!r}"
                )
        minimums = {
            "source_column": 0,
            "target_column": 0,
            "max_source_tokens": 1,
            "max_target_tokens": 1,
            "shuffle_buffer_size": 1,
            "source_vocabulary_size": 5,
            "target_vocabulary_size": 5,
        }
        for name, minimum in minimums.items():
            value = getattr(self, name)
            if value is not None and value < minimum:
                raise ValueError(
                    f"Config field '{name}' must be >= {minimum}. "
                    f"Received: {name}={value!r}"
                )
        if (
            self.source_column is not None
            and self.source_column == self.target_column
        ):
            raise ValueError(
                "Config fields 'source_column' and 'target_column' must "
                f"differ. Received: both {self.source_column}"
            )
        if self.corpus_format == "aligned" and not (
            self.source_language and self.target_language
        ):
            raise ValueError(
                "corpus_format 'aligned' needs source_language and "
                "target_language (the file suffixes: train.ko + train.en "
                "is train: train, source_language: ko, target_language: "
                f"en). Received: source_language={self.source_language!r}, "
                f"target_language={self.target_language!r}"
            )

    def model_kwargs(self):
        """The `EncoderDecoder` keyword arguments this config defines."""
        names = (
            "embedding_dim",
            "units",
            "num_layers",
            "cell",
            "bidirectional",
            "dropout",
            "decoder",
            "score_mode",
            "use_scale",
        )
        return {name: getattr(self, name) for name in names}

    def replace(self, **changes):
        """Returns a copy with `changes` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values, source="config"):
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"{source}: unknown config field(s) {unknown}. "
                f"Known fields: {sorted(known)}"
            )
        return cls(**values)

    def to_yaml(self, path):
        pathlib.Path(path).write_text(
            yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )

    @classmethod
    def from_yaml(cls, path):
        path = pathlib.Path(path)
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(values, dict):
            raise ValueError(
                f"{path}: expected a mapping of config fields, "
                f"got {type(values).__name__}"
            )
        return cls.from_dict(values, source=str(path))
