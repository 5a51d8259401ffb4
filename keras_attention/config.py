"""The one configuration object that train, tune, evaluate and export share."""

import dataclasses
import difflib
import math
import pathlib
import sys
import typing

import yaml

from keras_attention.backend import BACKENDS
from keras_attention.config_error import ConfigError

CHOICES = {
    "cell": ("gru", "lstm"),
    "decoder": ("seed", "luong"),
    "score_mode": ("dot", "general"),
    "attention_combine": ("add_norm", "tanh"),
    "corpus_format": ("tsv", "csv", "anki", "aligned"),
    "length_policy": ("drop", "truncate"),
    "tokenizer": ("word", "sentencepiece"),
    "sentencepiece_model_type": ("unigram", "bpe"),
    "normalization": ("NFC", "NFKC"),
    "learning_rate_schedule": ("constant", "inverse_sqrt", "cosine", "plateau"),
    "early_stopping_metric": ("val_loss", "val_bleu"),
    "beam_stopping": ("exact", "heuristic"),
    "translation_memory": ("off", "exact"),
    # `Distribution`'s strategies and dtype policies.
    "distribution": ("auto", "mirrored", "multi_worker", "one_device"),
    "mixed_precision": ("none", "mixed_float16", "mixed_bfloat16"),
}
# The smallest value of each integer field (`None` stays allowed where the
# field's type has it).
MINIMUMS = {
    "embedding_dim": 1,
    "units": 1,
    "num_layers": 1,
    "source_column": 0,
    "target_column": 0,
    # The bundled corpus keeps 5% for valid and 5% for test: at least one
    # pair each.
    "num_pairs": 20,
    "corpus_seed": 0,
    "max_source_tokens": 1,
    "max_target_tokens": 1,
    "shuffle_buffer_size": 1,
    "pad_to_multiple": 1,
    "batch_tokens": 1,
    "source_vocabulary_size": 5,
    "target_vocabulary_size": 5,
    "batch_size": 1,
    "epochs": 1,
    "patience": 0,
    "seed": 0,
    "max_decode_length": 1,
    # 0 stops after the first batch.
    "max_train_seconds": 0,
    "beam_width": 1,
    "max_source_length": 1,
    "warmup_steps": 0,
    "average_checkpoints": 1,
    "backup_every_steps": 1,
    "decay_steps": 1,
}
# Fields that must be > 0 (when set).
POSITIVE = ("learning_rate", "clipnorm")
# The corpus fields an entry of a `train`/`valid`/`test` list may set for
# its own file (the config's own values are the defaults), besides `path`
# and `name`.
FILE_FIELDS = (
    "corpus_format",
    "source_column",
    "target_column",
    "source_language",
    "target_language",
    "corpus_header",
)


@dataclasses.dataclass
class Config:
    """Everything that defines a model, its data and its training.

    Load it from YAML with `Config.from_yaml(path)`; unknown keys and wrong
    types are errors, so a typo never silently falls back to a default.

    Model:
        embedding_dim, units, num_layers, cell (`"gru"`/`"lstm"`),
        bidirectional, dropout, decoder (`"seed"`/`"luong"`), score_mode
        (`"dot"`/`"general"`), use_scale, attention_combine
        (`"add_norm"`/`"tanh"`, the model's `combine`), input_feeding
        (luong only),
        tie_embeddings, word_dropout (whole tokens): see `EncoderDecoder`.
    Data:
        train, valid, test: corpus files (`source<TAB>target[<TAB>...]`
            by default); `None` means the bundled Korean→English corpus.
            For `corpus_format: aligned` each is a prefix: the files are
            `PREFIX.SOURCE_LANGUAGE` and `PREFIX.TARGET_LANGUAGE`.
            Each is one path or a list of files read one after the other
            (`ConcatenatedReader`): an entry is a path or a mapping with
            `path`, optionally `name` (how reports and metrics call the
            file; defaults to its folder/file name, e.g.
            `ko-en-kss/valid.tsv`) and its own `corpus_format`,
            `source_column`, `target_column`, `source_language`,
            `target_language`, `corpus_header` (the config's by default).
            Metrics of a held-out list are also reported per file.
        corpus_format: `"tsv"`, `"csv"`, `"anki"` (English<TAB>Other
            [<TAB>attribution]) or `"aligned"` (two line-aligned files);
            see `create_reader`.
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
        length_policy: `"drop"` pairs over a cap, or `"truncate"` them
            consistently (a cut source cuts its target by the same share;
            a cut target gets no `[END]`; see `LengthPolicy`).
        shuffle_buffer_size: pairs in the training shuffle buffer (a
            corpus no larger is shuffled completely).
        bucket_by_length: batch training pairs of similar lengths together
            (less padding).
        pad_to_multiple: training batches are bucketed by, and padded to,
            multiples of this many tokens per side. 2 (5 % target padding
            on Anki instead of 26 % with 8) costs 0.82x the CPU per target
            token of 8 (benchmarks/RESULTS.md); XLA (`jit_compile`) wants
            few distinct shapes, i.e. a larger value (16).
        batch_tokens: with `bucket_by_length`, size training batches by
            target positions (`batch_tokens // width` sentences for a
            bucket `width` tokens wide) instead of `batch_size` sentences;
            `None`: `batch_size` sentences. 1024 trains Anki at 0.92x
            the CPU per token of `None` but changes the batch size seen
            by the optimizer, and its exact buckets split a small corpus
            into many small batches (Tatoeba: valid BLEU 3.07 against
            15.57), so it is not the default.
    Text:
        tokenizer: `"word"` (`WordTokenizer`) or `"sentencepiece"`
            (`SentencePieceTokenizer`, learned from the training split).
        source_vocabulary_size, target_vocabulary_size: vocabulary caps;
            `None` is no cap for `"word"` and 8000 for `"sentencepiece"`.
        sentencepiece_model_type: `"unigram"` or `"bpe"`.
        normalization: Unicode normalisation, `"NFC"` or `"NFKC"`.
        subword_sampling_alpha: subword regularisation (`"sentencepiece"`
            only): the training pipeline samples a segmentation of every
            sentence at every epoch with this smoothing (Kudo, 2018;
            `SentencePieceTokenizer(sampling_alpha=...)`); evaluation and
            exports stay deterministic. `0` = off.
    Training:
        batch_size, epochs, learning_rate, clipnorm (Adam's gradient
        clipping), patience (epochs without improvement before early
        stopping), seed,
        label_smoothing (`LabelSmoothedCrossentropy`; 0 = plain sparse
        cross-entropy),
        learning_rate_schedule (`"constant"`, `"inverse_sqrt"`,
        `"cosine"` or `"plateau"`) and warmup_steps (optimizer steps of
        linear warmup, for inverse_sqrt and cosine),
        decay_steps (cosine only: the optimizer step, warmup included, at
        which the rate reaches 0; `None`: the steps `max_train_seconds`
        allows, estimated from the measured step rate by `TimeBudget`,
        or `epochs` times the batches per epoch without a budget),
        early_stopping_metric (`"val_loss"` or `"val_bleu"`, greedy
        sacreBLEU of the validation split every epoch; it also picks the
        best checkpoint), average_checkpoints (the best checkpoint is the
        mean of the last N epochs' weights ending at the best epoch; 1 =
        off): see `TrainingOptions`,
        jit_compile (XLA; Keras leaves it off on CPU unless asked),
        max_train_seconds (stop after the batch that crosses this budget,
        counted from the start of `Trainer.fit` with the tokenizers'
        learning, then validate and restore the best weights; `None` = no
        limit), tensorboard (write TensorBoard logs to
        `RUN_DIR/logs`; view with `tensorboard --logdir RUN_DIR/logs`),
        backup_every_steps (also back up the run every this many training
        batches, not only at the end of every epoch; `None`: epochs only;
        a rerun after a crash continues from the last backup),
        distribution (`"auto"`, `"mirrored"`, `"multi_worker"`,
        `"one_device"`: the `tf.distribute` strategy, see `Distribution`;
        `batch_size` is the global batch over all replicas),
        mixed_precision (`"none"`, `"mixed_float16"`, `"mixed_bfloat16"`),
        backend (the Keras backend of `model.fit`: `"tensorflow"`,
        `"jax"` or `"torch"`; `None`: `KERAS_BACKEND`, else TensorFlow;
        set before Keras is imported, see `keras_attention.backend`).
    Decoding (the one set of defaults of `Translator`, the trainer's and
    `training.evaluate`'s scoring and `SavedModelExporter`; see
    `decoding_kwargs`; `training.export` flags override them):
        max_decode_length: hard cap on generated target tokens (per
            sentence `min(max_decode_length, 2 * source_length + 10)`).
        beam_width: hypotheses kept by beam search (`translate_beam`,
            the exported `serving_default`).
        length_penalty: GNMT length penalty `alpha` of beam search (`0`:
            none; the GNMT paper's 0.6 by default).
        beam_stopping: when beam search stops a sentence (`BeamSearch`'s
            `stopping`): `"exact"` (never changes the result) or
            `"heuristic"` (its best finished hypothesis beats every open
            one at the current length; faster).
        max_source_length: source tokens beyond this are dropped before
            decoding, which bounds the cost of hostile inputs (`None`:
            keep every token).
        translation_memory: `"off"` or `"exact"`: training keeps one
            training pair per source as a `TranslationMemory`
            (`RUN_DIR/translation_memory.json`; of several translations of
            one source, the one the trained model gives the highest
            log-probability), and a sentence that is a training source up
            to spacing and punctuation other than `?` gets that source's
            training translation instead of the model's search, marked by
            the output `memory_source`: in `Translator`, evaluation and the
            exported signatures alike. The earlier field
            `translation_memory_threshold` (a similarity) is read as
            `"exact"` (any similarity) or `"off"` (`null`), with a note on
            stderr.
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
    attention_combine: str = "add_norm"
    input_feeding: bool = False
    tie_embeddings: bool = False
    word_dropout: float = 0.0
    # Data.
    train: str | list | None = None
    valid: str | list | None = None
    test: str | list | None = None
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
    pad_to_multiple: int = 2
    batch_tokens: int | None = None
    # Text.
    tokenizer: str = "word"
    source_vocabulary_size: int | None = None
    target_vocabulary_size: int | None = None
    sentencepiece_model_type: str = "unigram"
    normalization: str = "NFC"
    subword_sampling_alpha: float = 0.0
    # Training.
    batch_size: int = 64
    epochs: int = 30
    learning_rate: float = 0.001
    clipnorm: float = 1.0
    patience: int = 3
    label_smoothing: float = 0.0
    learning_rate_schedule: str = "constant"
    warmup_steps: int = 0
    # The horizon of a decaying schedule (`None`: see the docstring).
    decay_steps: int | None = None
    early_stopping_metric: str = "val_loss"
    average_checkpoints: int = 1
    seed: int = 1234
    jit_compile: bool = False
    max_train_seconds: float | None = None
    tensorboard: bool = False
    backup_every_steps: int | None = None
    distribution: str = "auto"
    mixed_precision: str = "none"
    backend: str | None = None
    # Decoding.
    max_decode_length: int = 64
    beam_width: int = 4
    length_penalty: float = 0.6
    beam_stopping: str = "exact"
    max_source_length: int | None = 256
    translation_memory: str = "off"
    # Keras Tuner: ranges that override the default search space.
    search_space: dict | None = None

    def __post_init__(self):
        """Raises `ConfigError` naming the first bad field."""
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
                raise ConfigError(
                    field.name,
                    f"expects {_type_name(field.type)}. "
                    f"Received: {field.name}={value!r}",
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(
                    field.name,
                    f"must be a finite number. Received: {field.name}={value}",
                )
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ConfigError(
                    name,
                    f"must be one of {allowed}. "
                    f"Received: {name}={getattr(self, name)!r}",
                )
        for name, minimum in MINIMUMS.items():
            value = getattr(self, name)
            if value is not None and value < minimum:
                raise ConfigError(
                    name,
                    f"must be >= {minimum}. Received: {name}={value!r}",
                )
        for name in POSITIVE:
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(
                    name, f"must be > 0. Received: {name}={value!r}"
                )
        if self.length_penalty < 0:
            raise ConfigError(
                "length_penalty",
                f"must be >= 0. Received: length_penalty={self.length_penalty}",
            )
        for name in ("dropout", "word_dropout", "label_smoothing"):
            value = getattr(self, name)
            if not 0 <= value < 1:
                raise ConfigError(
                    name, f"must be in [0, 1). Received: {name}={value!r}"
                )
        if self.learning_rate_schedule == "inverse_sqrt" and (
            self.warmup_steps < 1
        ):
            raise ConfigError(
                "warmup_steps",
                "must be >= 1 with learning_rate_schedule 'inverse_sqrt'. "
                f"Received: warmup_steps={self.warmup_steps}",
            )
        if self.decay_steps is not None and (
            self.learning_rate_schedule != "cosine"
            or self.decay_steps <= self.warmup_steps
        ):
            raise ConfigError(
                "decay_steps",
                "needs learning_rate_schedule 'cosine' and must exceed "
                f"warmup_steps. Received: decay_steps={self.decay_steps}, "
                f"learning_rate_schedule={self.learning_rate_schedule!r}, "
                f"warmup_steps={self.warmup_steps}",
            )
        if self.backend is not None and self.backend not in BACKENDS:
            raise ConfigError(
                "backend",
                f"must be one of {BACKENDS} or null. "
                f"Received: backend={self.backend!r}",
            )
        if not 0 <= self.subword_sampling_alpha <= 1:
            raise ConfigError(
                "subword_sampling_alpha",
                "must be in [0, 1] (0: off). Received: "
                f"subword_sampling_alpha={self.subword_sampling_alpha!r}",
            )
        if self.subword_sampling_alpha and self.tokenizer != "sentencepiece":
            raise ConfigError(
                "subword_sampling_alpha",
                "needs tokenizer: sentencepiece (it samples SentencePiece "
                f"segmentations). Received: tokenizer={self.tokenizer!r}",
            )
        if self.input_feeding and self.decoder != "luong":
            raise ConfigError(
                "input_feeding",
                "needs decoder: luong (the seed decoder attends before its "
                f"cell). Received: decoder={self.decoder!r}",
            )
        if self.batch_tokens is not None and not self.bucket_by_length:
            raise ConfigError(
                "batch_tokens",
                "needs bucket_by_length: true (batches are sized per length "
                f"bucket). Received: batch_tokens={self.batch_tokens!r}, "
                "bucket_by_length=False",
            )
        if (
            self.source_column is not None
            and self.source_column == self.target_column
        ):
            raise ConfigError(
                "target_column",
                "must differ from 'source_column'. Received: both "
                f"{self.source_column}",
            )
        for name in ("train", "valid", "test"):
            _check_files(name, getattr(self, name))
        if self.train is not None and self.valid is None:
            raise ConfigError(
                "valid",
                "is needed with 'train' (the validation file of early "
                f"stopping). Received: train={self.train!r}, valid=None",
            )
        for name in ("valid", "test"):
            if self.train is None and getattr(self, name) is not None:
                raise ConfigError(
                    name,
                    "needs 'train' too: without it the bundled corpus and "
                    f"its own splits are used. Received: {name}="
                    f"{getattr(self, name)!r}, train=None",
                )
        if self.corpus_format == "aligned" and not (
            self.source_language and self.target_language
        ):
            raise ConfigError(
                "target_language"
                if self.source_language
                else "source_language",
                "is needed by corpus_format 'aligned': source_language and "
                "target_language are the file suffixes (train.ko + train.en "
                "is train: train, source_language: ko, target_language: "
                f"en). Received: source_language={self.source_language!r}, "
                f"target_language={self.target_language!r}",
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
            "input_feeding",
            "tie_embeddings",
            "word_dropout",
        )
        kwargs = {name: getattr(self, name) for name in names}
        kwargs["combine"] = self.attention_combine
        return kwargs

    def decoding_kwargs(self):
        """The `Translator` / `SavedModelExporter` decoding arguments."""
        names = (
            "max_decode_length",
            "beam_width",
            "length_penalty",
            "beam_stopping",
            "max_source_length",
        )
        return {name: getattr(self, name) for name in names}

    def replace(self, **changes):
        """Returns a copy with `changes` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values, source=None, lines=None):
        """A `Config` of the fields in `values` (a mapping).

        Args:
            values: dict `{field: value}`; absent fields take defaults.
            source: str or path the values came from, named in errors.
                Defaults to `None`.
            lines: dict `{field: line}` of 1-based line numbers in
                `source`, named in errors. Defaults to `None`.

        Raises:
            ConfigError: an unknown field, a wrong type or an impossible
                value, with the field (and file and line) named.
        """
        lines = lines or {}
        values = _read_memory_threshold(dict(values), source, lines)
        known = [field.name for field in dataclasses.fields(cls)]
        for name in values:
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "known fields: " + ", ".join(known)
                )
                raise ConfigError(
                    None,
                    f"unknown config field {name!r} ({hint})",
                    source,
                    lines.get(name),
                )
        try:
            return cls(**values)
        except ConfigError as error:
            if source is None:
                raise
            raise error.located(source, lines.get(error.field)) from None

    def to_yaml(self, path):
        pathlib.Path(path).write_text(
            yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )

    @classmethod
    def from_yaml(cls, path):
        """Reads a YAML mapping of config fields; absent fields take defaults.

        Raises:
            ConfigError: the file is not UTF-8 YAML holding a mapping, or a
                field is unknown, of the wrong type or impossible; the
                message starts with `PATH:LINE:`.
            OSError: the file cannot be read (e.g. `FileNotFoundError`).
        """
        path = pathlib.Path(path)
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ConfigError(
                None, f"invalid UTF-8 ({error.reason})", path, line
            ) from None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            values = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            raise ConfigError(
                None,
                f"not valid YAML: {problem}",
                path,
                None if mark is None else mark.line + 1,
            ) from None
        if values is None:
            return cls()
        if not isinstance(values, dict):
            raise ConfigError(
                None,
                "expected a mapping of config fields (`name: value` lines), "
                f"got a YAML {type(values).__name__}",
                path,
            )
        lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
        return cls.from_dict(values, source=path, lines=lines)


def _read_memory_threshold(values, source, lines):
    """`values` with the memory fields read: YAML's `off`, the threshold.

    `translation_memory_threshold` was the similarity of a fuzzy memory, which
    replaced correct translations by those of merely similar training
    sentences; any threshold now means the exact memory, `null` none.
    """
    # YAML 1.1 reads an unquoted `off` as false.
    if values.get("translation_memory") is False:
        values["translation_memory"] = "off"
    name = "translation_memory_threshold"
    if name not in values:
        return values
    threshold = values.pop(name)
    where = f"{source}:{lines[name]}: " if name in lines else ""
    if "translation_memory" in values:
        raise ConfigError(
            name,
            "is replaced by 'translation_memory'; give only that one. "
            "Received: both",
            source,
            lines.get(name),
        )
    if threshold is None:
        values["translation_memory"] = "off"
        return values
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not 0 < threshold <= 1
    ):
        raise ConfigError(
            name,
            "must be a similarity in (0, 1] or null (it is replaced by "
            "'translation_memory: exact' or 'off'). "
            f"Received: {name}={threshold!r}",
            source,
            lines.get(name),
        )
    values["translation_memory"] = "exact"
    print(
        f"note: {where}{name}: {threshold} is read as translation_memory: "
        "exact (the memory answers only sentences identical to a training "
        "source up to spacing and punctuation)",
        file=sys.stderr,
    )
    return values


def _check_files(name, value):
    """Raises `ConfigError` for a bad `train`/`valid`/`test` list."""
    if not isinstance(value, list):
        return
    if not value:
        raise ConfigError(name, f"needs at least one file. Received: {name}=[]")
    names = []
    for index, entry in enumerate(value):
        where = f"{name}[{index}]"
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"path", "name", *FILE_FIELDS})
            if unknown:
                raise ConfigError(
                    name,
                    f"entry {where} has unknown key {unknown[0]!r} (known: "
                    f"path, name, {', '.join(FILE_FIELDS)})",
                )
            path = entry.get("path")
            fmt = entry.get("corpus_format", CHOICES["corpus_format"][0])
            if fmt not in CHOICES["corpus_format"]:
                raise ConfigError(
                    name,
                    f"entry {where}: corpus_format must be one of "
                    f"{CHOICES['corpus_format']}. Received: {fmt!r}",
                )
            for column in ("source_column", "target_column"):
                number = entry.get(column)
                if number is not None and (
                    not isinstance(number, int)
                    or isinstance(number, bool)
                    or number < 0
                ):
                    raise ConfigError(
                        name,
                        f"entry {where}: {column} must be an int >= 0. "
                        f"Received: {number!r}",
                    )
            label = entry.get("name")
            if label is not None and not (isinstance(label, str) and label):
                raise ConfigError(
                    name,
                    f"entry {where}: name must be a non-empty string. "
                    f"Received: {label!r}",
                )
        else:
            path, label = entry, None
        if not (isinstance(path, str) and path):
            raise ConfigError(
                name,
                f"entry {where} must be a path or a mapping with a 'path'. "
                f"Received: {entry!r}",
            )
        label = label or file_name(path)
        if label in names:
            raise ConfigError(
                name,
                f"entry {where} is named {label!r} like an earlier one: "
                "give each file its own 'name'",
            )
        names.append(label)


def file_name(path):
    """The default name of a corpus file: its folder and file name."""
    return "/".join(pathlib.PurePath(path).parts[-2:])


def _type_name(annotation):
    """`int`, `int | None`, ... as written in the field's annotation."""
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)
