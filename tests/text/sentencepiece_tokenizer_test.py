import json
import pathlib
import subprocess
import sys
import textwrap
import unicodedata

import numpy as np
import pytest
import tensorflow as tf

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.data.corpus_error import CorpusError
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.text_cleaning import clean_string
from keras_attention.text.word_tokenizer import RESERVED_TOKENS

# Training text: a few sentences per language, repeated.
TRAINING = [
    "나는 학생 입니다.",
    "그녀는 사과를 먹었습니다.",
    "우리는 인공지능을 공부합니다.",
    "I am a student who studies artificial intelligence.",
    "She ate an apple, didn't she?",
    "El estudiante come una manzana.",
    "¿Dónde está la biblioteca?",
    "Der Student isst einen Apfel.",
    "Die Straße ist schön.",
    "Es gibt 12 Äpfel und 3 Birnen.",
]
# Round-trip samples: punctuation, numbers, emoji, mixed and unseen
# scripts; none of them is in the training text.
SAMPLES = {
    "ko": [
        NOTE_SENTENCE,
        "서울의 인구는 약 9,400,000명이에요! 😊",
        '"안녕하세요"라고 말했다 — 정말?',
    ],
    "en": [
        "I'm a student (since 2021), aren't I?",
        "It costs $3.50 — or 4 € — isn't it?!",
        "Hello,world!  Two spaces… and a tab\there.",
    ],
    "es": [
        "¿Dónde está la estación? ¡Está a 3,5 km!",
        "El niño comió 12 piñatas: ¡qué año!",
    ],
    "de": [
        "Die Straße ist 12,5 m breit – schön, oder?",
        "Größe: „ÄÖÜ“ äöü ß 😀👍🏽",
    ],
    "mixed": [
        "Tokyo(東京)와 서울 Seoul 🇰🇷 are 2 cities.",
        "emoji 🧑‍💻 zwj, Ελληνικά, עברית, ไทย.",
    ],
}
ALL_SAMPLES = [text for texts in SAMPLES.values() for text in texts]


def normalized(text):
    """What a round trip gives back: the cleaned text, NFC."""
    return unicodedata.normalize("NFC", clean_string(text))


# The double space and the tab become one space, the ZWJ goes
# (clean_string); the rest is unchanged.
CLEAN_SAMPLES = [normalized(text) for text in ALL_SAMPLES]


def train(tmp_path_factory, name, **kwargs):
    path = tmp_path_factory.mktemp("sentencepiece") / f"{name}.model"
    options = dict(
        vocabulary_size=400,
        character_coverage=1.0,
        num_threads=1,
        model_path=path,
    )
    options.update(kwargs)
    return SentencePieceTokenizer.from_texts(
        (text for text in TRAINING * 20), **options
    )


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    return train(tmp_path_factory, "unigram")


def strings(tensor):
    return [text.decode("utf-8") for text in tensor.numpy()]


def round_trip(tokenizer, texts):
    return strings(tokenizer.detokenize(tokenizer.tokenize(tf.constant(texts))))


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_round_trip_is_exact(tokenizer, language):
    texts = SAMPLES[language]
    assert round_trip(tokenizer, texts) == [normalized(t) for t in texts]


def test_round_trip_with_bpe(tmp_path_factory):
    bpe = train(tmp_path_factory, "bpe", model_type="bpe")
    assert round_trip(bpe, ALL_SAMPLES) == CLEAN_SAMPLES


def test_the_note_sentence_survives_byte_for_byte(tokenizer):
    decomposed = unicodedata.normalize("NFD", NOTE_SENTENCE)
    for text in (NOTE_SENTENCE, decomposed):
        [back] = tokenizer.detokenize(tokenizer.tokenize(tf.constant([text])))
        assert back.numpy() == NOTE_SENTENCE.encode("utf-8")


def test_unseen_characters_become_bytes_not_unknown(tokenizer):
    ids = tokenizer.tokenize(tf.constant(ALL_SAMPLES)).flat_values.numpy()
    assert tokenizer.unknown_token_id not in ids
    assert {
        tokenizer.pad_token_id,
        tokenizer.start_token_id,
        tokenizer.end_token_id,
    }.isdisjoint(ids)
    pieces = tokenizer.split(tf.constant(["ไทย"])).numpy().tolist()[0]
    assert pieces[1:] == [b"<0xE0>", b"<0xB9>", b"<0x84>"] + [
        f"<0x{b:02X}>".encode() for b in "ทย".encode()
    ]


def test_detokenized_text_is_clean(tokenizer):
    text = "Der Student isst einen Apfel."
    ids = tokenizer.tokenize(tf.constant([text]))
    pieces = tokenizer.id_to_token(ids).flat_values.numpy()
    assert "\u2581".encode() in b"".join(pieces)  # "▁" marks words ...
    # ... but never reaches the output; reserved ids are dropped.
    start, end = tokenizer.start_token_id, tokenizer.end_token_id
    pad, unknown = tokenizer.pad_token_id, tokenizer.unknown_token_id
    padded = tf.concat([[[start]], ids.to_tensor(), [[end, pad, pad]]], axis=1)
    assert strings(tokenizer.detokenize(padded)) == [text]
    assert strings(tokenizer.detokenize(tf.constant([[unknown]]))) == ["[UNK]"]


def test_vocabulary_and_reserved_ids(tokenizer):
    vocabulary = tokenizer.vocabulary
    assert len(vocabulary) == tokenizer.vocabulary_size <= 400
    assert tuple(vocabulary[:4]) == RESERVED_TOKENS
    # The ids are read from the model file.
    assert (
        tokenizer.pad_token_id,
        tokenizer.unknown_token_id,
        tokenizer.start_token_id,
        tokenizer.end_token_id,
    ) == (0, 1, 2, 3)
    assert vocabulary[4:6] == ["<0x00>", "<0x01>"]
    ids = tf.constant([[0, 1, 2, 3]])
    assert tokenizer.id_to_token(ids).numpy().tolist() == [
        [token.encode() for token in RESERVED_TOKENS]
    ]


def test_direct_batched_and_unbatched_tf_data_agree(tokenizer):
    direct = tokenizer.tokenize(tf.constant(ALL_SAMPLES)).to_list()
    texts = tf.data.Dataset.from_tensor_slices(ALL_SAMPLES)
    batched = [
        row
        for batch in texts.batch(4).map(tokenizer.tokenize)
        for row in batch.to_list()
    ]
    unbatched = [ids.numpy().tolist() for ids in texts.map(tokenizer.tokenize)]
    assert batched == unbatched == direct
    back = texts.batch(4).map(
        lambda text: tokenizer.detokenize(tokenizer.tokenize(text))
    )
    assert [t.decode() for b in back.as_numpy_iterator() for t in b] == (
        CLEAN_SAMPLES
    )


def test_preprocessing_runs_inside_a_tf_function(tokenizer):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def encode(texts):
        ids = tokenizer.tokenize(texts)
        return ids.to_tensor(), tokenizer.detokenize(ids)

    ids, texts = encode(tf.constant(ALL_SAMPLES))
    expected = tokenizer.tokenize(tf.constant(ALL_SAMPLES)).to_tensor()
    np.testing.assert_array_equal(ids, expected)
    assert strings(texts) == CLEAN_SAMPLES


def test_survives_a_reseed(tokenizer):
    # tf.random.set_seed clears the eager kernel cache, which deletes a
    # kernel-private SentencePiece resource (tensorflow/text#570).
    data = tf.data.Dataset.from_tensor_slices(ALL_SAMPLES).map(
        tokenizer.tokenize
    )
    tf.random.set_seed(1)
    assert len(list(data)) == len(ALL_SAMPLES)


def test_options_lowercase_and_nfkc(tmp_path_factory):
    lower = train(tmp_path_factory, "lower", lowercase=True)
    assert round_trip(lower, ["Die STRAẞE, ÉSTA!"]) == ["die straße, ésta!"]
    nfkc = train(tmp_path_factory, "nfkc", normalization="NFKC")
    assert round_trip(nfkc, ["ﬁne ① Ａ"]) == ["fine 1 A"]


def test_training_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match="vocabulary_size=100 is too small"):
        SentencePieceTokenizer.from_texts(
            TRAINING, vocabulary_size=100, character_coverage=1.0
        )

    def broken():
        yield from TRAINING
        raise CorpusError("train.tsv", 11, "empty line")

    # The reader's error, not SentencePiece's RuntimeError.
    with pytest.raises(CorpusError, match="train.tsv:11: empty line"):
        SentencePieceTokenizer.from_texts(broken(), vocabulary_size=400)


CHILD = """
import json, sys
import tensorflow as tf
import tensorflow_text  # noqa: F401  registers the ops
module = tf.saved_model.load(sys.argv[1])
texts = tf.constant(json.loads(sys.argv[2]))
ids = module.tokenize(texts)
print(json.dumps({
    "ids": ids.numpy().tolist(),
    "texts": [t.decode("utf-8") for t in module.detokenize(ids).numpy()],
    "modules": sorted(m.split(".")[0] for m in sys.modules
                      if m.startswith(("keras_attention", "sentencepiece"))),
}))
"""


def test_saved_model_reloads_in_a_fresh_process(tmp_path):
    # The model file is deleted before loading: the SavedModel must carry
    # everything itself.
    model_path = tmp_path / "work" / "tokenizer.model"
    tokenizer = SentencePieceTokenizer.from_texts(
        TRAINING * 20,
        vocabulary_size=400,
        character_coverage=1.0,
        model_path=model_path,
        num_threads=1,
    )

    class Module(tf.Module):
        def __init__(self, tokenizer):
            super().__init__()
            self.tokenizer = tokenizer

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def tokenize(self, texts):
            return self.tokenizer.tokenize(texts).to_tensor()

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
        def detokenize(self, ids):
            return self.tokenizer.detokenize(ids)

    export = tmp_path / "export"
    tf.saved_model.save(Module(tokenizer), str(export))
    model_path.unlink()
    assert (export / "assets" / "tokenizer.model").exists()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CHILD),
            str(export),
            json.dumps(ALL_SAMPLES),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={"TF_CPP_MIN_LOG_LEVEL": "2", "PATH": ""},
    )
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    expected = tokenizer.tokenize(tf.constant(ALL_SAMPLES)).to_tensor()
    assert result["ids"] == expected.numpy().tolist()
    assert result["texts"] == CLEAN_SAMPLES
    assert result["modules"] == []


def test_the_private_tensorflow_text_api_is_still_there(tokenizer):
    # SentencePieceTokenizer replaces tensorflow-text's model resource with
    # one under a shared name, through private API of tensorflow-text
    # 2.21.1: the generated op wrapper and `_model_resource`. This fails
    # when tensorflow-text changes them.
    import inspect

    import keras
    import tensorflow_text
    from tensorflow_text.python.ops import sentencepiece_tokenizer as private

    from keras_attention.text.sentencepiece_tokenizer import _SentencepieceModel

    op = private.gen_sentencepiece_tokenizer.sentencepiece_op
    assert {"model", "shared_name"} <= set(inspect.signature(op).parameters)
    plain = tensorflow_text.SentencepieceTokenizer(
        model=pathlib.Path(tokenizer.model_path).read_bytes()
    )
    assert hasattr(plain, "_model_resource")
    assert isinstance(
        tokenizer._sentencepiece._model_resource, _SentencepieceModel
    )
    # What it is for: the resource survives set_random_seed
    # (tensorflow/text#570).
    before = tokenizer.tokenize(tf.constant(["안녕하세요."])).to_list()
    keras.utils.set_random_seed(1)
    assert tokenizer.tokenize(tf.constant(["안녕하세요."])).to_list() == before
