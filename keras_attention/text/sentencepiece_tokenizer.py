"""A SentencePiece subword tokenizer, learned from the corpus, run in-graph.

Why SentencePiece and not WordPiece (an exact round trip, byte fallback,
no language-specific pre-splitting): docs/data.md. Normalisation is ours
(`Normalizer`); the model is trained to change nothing more. The special
pieces are SentencePiece's pad, unk, bos and eos pieces, so their ids
travel with the `.model` file. The tensorflow-text op takes the model as a
graph attribute (embedded in a SavedModel); the file is also tracked as a
`tf.saved_model.Asset`.
"""

import functools
import io
import itertools
import pathlib
import re
import tempfile
import uuid

import sentencepiece
import tensorflow as tf
import tensorflow_text as tf_text

# Private API (tensorflow-text 2.21.1): the generated op wrapper, the only
# way to create the model resource with a `shared_name` (see
# `_SentencepieceModel`). tests/text/sentencepiece_tokenizer_test.py
# (test_the_private_tensorflow_text_api_is_still_there) fails when it moves.
from tensorflow_text.python.ops import sentencepiece_tokenizer as _tf_text_sp

from keras_attention.text.normalizer import Normalizer
from keras_attention.text.word_tokenizer import RESERVED_TOKENS

MODEL_TYPES = ("unigram", "bpe")
# Sentences normalised per TensorFlow call while feeding the trainer.
_CHUNK = 1024
_TOO_SMALL = re.compile(
    r"Vocabulary size is smaller than required_chars\. (\d+) vs (\d+)"
)


class _SentencepieceModel(tf.saved_model.experimental.TrackableResource):
    """The SentencePiece model resource, under a unique shared name.

    Without one, `tf.random.set_seed` (called by
    `keras.utils.set_random_seed`) clears the eager kernel cache and
    deletes the resource (tensorflow/text#570).
    """

    def __init__(self, model):
        super().__init__()
        self._model = model
        self._shared_name = f"keras_attention_sentencepiece_{uuid.uuid4().hex}"
        _ = self.resource_handle  # Creates the resource.

    def _create_resource(self):
        return _tf_text_sp.gen_sentencepiece_tokenizer.sentencepiece_op(
            model=self._model, shared_name=self._shared_name
        )


class SentencePieceTokenizer(tf.Module):
    """Subword tokenizer: `Normalizer` + a SentencePiece model, in-graph.

    Same interface as `WordTokenizer`; learn one with `from_texts`.
    `detokenize(tokenize(s))` equals `Normalizer(s)` exactly.

    Args:
        model_path: str or `pathlib.Path` of a SentencePiece `.model` file
            with the pieces `[PAD]` (id 0: `EncoderDecoder` masks id 0),
            `[UNK]`, `[START]` and `[END]` (as `from_texts` makes them).
        lowercase: bool. Lowercase before tokenizing. Defaults to `False`.
        normalization: str, `"NFC"` or `"NFKC"`. Defaults to `"NFC"`.

    Example:

    ```python
    tokenizer = SentencePieceTokenizer.from_texts(
        korean_sentences, vocabulary_size=8000, model_path="ko.model"
    )
    ids = tokenizer.tokenize(["나는 학생 입니다."])  # ragged int32
    tokenizer.detokenize(ids)  # [b"나는 학생 입니다."]
    tokenizer.split(["나는 학생 입니다."])  # [[b"▁나는", b"▁학생", ...]]
    ```
    """

    def __init__(
        self,
        model_path,
        lowercase=False,
        normalization="NFC",
        name=None,
    ):
        super().__init__(name=name)
        model_path = pathlib.Path(model_path)
        model = model_path.read_bytes()
        self.model_path = str(model_path)
        self.lowercase = lowercase
        self.normalization = normalization
        self.normalizer = Normalizer(normalization, lowercase=lowercase)
        self._sentencepiece = tf_text.SentencepieceTokenizer(model=model)
        # Private attribute (tensorflow-text 2.21.1): no public argument
        # sets the resource's shared name (`_SentencepieceModel`).
        self._sentencepiece._model_resource = _SentencepieceModel(model)
        self.model_asset = tf.saved_model.Asset(self.model_path)
        self._vocabulary_size = int(self._sentencepiece.vocab_size())
        ids = self._sentencepiece.string_to_id(tf.constant(RESERVED_TOKENS))
        ids = [int(i) for i in ids.numpy()]
        pieces = self._sentencepiece.id_to_string(tf.constant(ids)).numpy()
        found = tuple(piece.decode("utf-8") for piece in pieces)
        if found != RESERVED_TOKENS or ids[0] != 0:
            raise ValueError(
                f"{model_path}: the model must have the pieces "
                f"{RESERVED_TOKENS}, {RESERVED_TOKENS[0]} at id 0 (train it "
                "with `SentencePieceTokenizer.from_texts`). Received ids "
                f"{ids} for pieces {found}"
            )
        (
            self.pad_token_id,
            self.unknown_token_id,
            self.start_token_id,
            self.end_token_id,
        ) = ids

    @property
    def vocabulary_size(self):
        return self._vocabulary_size

    @functools.cached_property
    def vocabulary(self):
        """list of str, the pieces in id order (`"▁"` starts a word)."""
        pieces = self._sentencepiece.id_to_string(
            tf.range(self.vocabulary_size)
        )
        return [piece.decode("utf-8") for piece in pieces.numpy()]

    def tokenize(self, texts):
        """Maps `texts` `(batch,)` to ragged int32 ids `(batch, None)`."""
        return self._sentencepiece.tokenize(self.normalizer(texts))

    def split(self, texts):
        """The pieces of `texts` `(batch,)`, ragged strings `(batch, None)`."""
        return self.id_to_token(self.tokenize(texts))

    def id_to_token(self, ids):
        """Maps int ids (dense or ragged, any shape) to their pieces."""
        ids = tf.cast(ids, tf.int32)
        if isinstance(ids, tf.RaggedTensor):
            return tf.ragged.map_flat_values(
                self._sentencepiece.id_to_string, ids
            )
        return self._sentencepiece.id_to_string(ids)

    def detokenize(self, ids):
        """Joins ids `(batch, None)` into `(batch,)` NFC strings.

        `[PAD]`, `[START]` and `[END]` are dropped; `[UNK]` reads "[UNK]".
        Dense input may be padded with id 0.
        """
        if not isinstance(ids, tf.RaggedTensor):
            ids = tf.RaggedTensor.from_tensor(tf.convert_to_tensor(ids))
        ids = tf.cast(ids, tf.int32)
        ids = tf.ragged.boolean_mask(
            ids,
            (ids != self.pad_token_id)
            & (ids != self.start_token_id)
            & (ids != self.end_token_id),
        )
        texts = self._sentencepiece.detokenize(ids)
        # Pieces come from NFC text, but a sequence a model generates need
        # not be: the output contract is NFC.
        return tf_text.normalize_utf8(texts, "NFC")

    def save_model(self, path):
        """Copies the `.model` file to `path` (unless it is that file)."""
        path = pathlib.Path(path)
        if path.exists() and path.samefile(self.model_path):
            return
        path.write_bytes(pathlib.Path(self.model_path).read_bytes())

    def save_vocabulary(self, path):
        """Writes the pieces, one per line (id = line number), for reading."""
        pathlib.Path(path).write_text(
            "\n".join(self.vocabulary) + "\n", encoding="utf-8"
        )

    @classmethod
    def from_texts(
        cls,
        texts,
        vocabulary_size=8000,
        model_path=None,
        model_type="unigram",
        lowercase=False,
        normalization="NFC",
        input_sentence_size=300_000,
        character_coverage=0.9995,
        seed=1234,
        num_threads=2,
    ):
        """Trains a SentencePiece model on an iterable of str, streaming.

        Every text goes through the `Normalizer` of tokenization time.

        Args:
            texts: iterable of str (a generator is fine; it is read once).
            vocabulary_size: int, an upper bound. It must leave room for
                the 4 reserved ids, the 256 byte pieces and every character
                kept by `character_coverage`. Defaults to `8000`.
            model_path: str or path where the `.model` file is written.
                Defaults to a new temporary file.
            model_type: `"unigram"` or `"bpe"`. Defaults to `"unigram"`.
            lowercase: bool. Defaults to `False`.
            normalization: `"NFC"` or `"NFKC"`. Defaults to `"NFC"`.
            input_sentence_size: int. Most sentences used for training
                (a uniform sample of the stream, bounding memory). Defaults
                to `300_000`.
            character_coverage: float. Share of the characters (by count)
                that get pieces of their own; rarer ones use byte pieces.
                Defaults to `0.9995`.
            seed: int. SentencePiece's sampling seed. Defaults to `1234`.
            num_threads: int. Training threads. Defaults to `2`.

        Returns:
            A `SentencePieceTokenizer`.
        """
        if model_type not in MODEL_TYPES:
            raise ValueError(
                f"model_type must be one of {MODEL_TYPES}. "
                f"Received: model_type={model_type!r}"
            )
        normalizer = Normalizer(normalization, lowercase=lowercase)
        pad, unknown, start, end = RESERVED_TOKENS
        failures = []

        def sentences():
            # An exception inside the iterator reaches Python as a bare
            # RuntimeError from SentencePiece's C++: keep the original.
            try:
                iterator = iter(texts)
                while chunk := list(itertools.islice(iterator, _CHUNK)):
                    for text in normalizer(tf.constant(chunk)).numpy():
                        if text:
                            yield text.decode("utf-8")
            except Exception as error:
                failures.append(error)

        model = io.BytesIO()
        sentencepiece.set_random_generator_seed(seed)
        try:
            sentencepiece.SentencePieceTrainer.train(
                sentence_iterator=sentences(),
                model_writer=model,
                vocab_size=vocabulary_size,
                model_type=model_type,
                normalization_rule_name="identity",
                remove_extra_whitespaces=False,
                byte_fallback=True,
                character_coverage=character_coverage,
                input_sentence_size=input_sentence_size,
                shuffle_input_sentence=True,
                hard_vocab_limit=False,
                # Ids 0-3, in `RESERVED_TOKENS` order.
                pad_id=0,
                unk_id=1,
                bos_id=2,
                eos_id=3,
                pad_piece=pad,
                unk_piece=unknown,
                bos_piece=start,
                eos_piece=end,
                unk_surface=unknown,
                num_threads=num_threads,
                minloglevel=2,
            )
        except RuntimeError as error:
            if failures:
                raise failures[0] from None
            too_small = _TOO_SMALL.search(str(error))
            if too_small:
                raise ValueError(
                    f"vocabulary_size={vocabulary_size} is too small: the 4 "
                    "reserved ids, 256 byte pieces and the corpus's "
                    f"characters need {too_small.group(2)}. Raise "
                    "vocabulary_size or lower character_coverage."
                ) from None
            raise
        if failures:
            raise failures[0]
        if model_path is None:
            directory = tempfile.mkdtemp(prefix="sentencepiece-")
            model_path = pathlib.Path(directory) / "tokenizer.model"
        model_path = pathlib.Path(model_path)
        model_path.parent.mkdir(parents=True, exist_ok=True)
        model_path.write_bytes(model.getvalue())
        return cls(model_path, lowercase=lowercase, normalization=normalization)
