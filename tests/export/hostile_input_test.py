"""Hostile requests against the SavedModel exported from `tiny_run`.

Whatever bytes arrive, both signatures answer without raising, in bounded
time and with bounded, well-formed outputs: valid UTF-8 translations, at
most `max_decode_length` tokens, no NaN.
"""

import time
import unicodedata

import numpy as np
import pytest
import tensorflow as tf

MAX_SOURCE_LENGTH = 256  # SavedModelExporter's default
SIGNATURES = ("serving_default", "greedy")
MEGABYTE = 1_000_000

HOSTILE = {
    "empty": b"",
    "space": b" ",
    "whitespace_only": "\t\n \r\u3000\u00a0\u2028".encode(),
    "spaces_10k": b" " * 10_000,
    "punctuation_only": b"?!.,;:",
    "punctuation_10k_tokens": b"." * 10_000,
    "chars_10k_one_word": ("가" * 3_334).encode(),
    "words_10k_chars": ("나는 " * 2_500).encode(),
    "sentence_repeated_20k_chars": ("나는 학생 입니다. " * 1_000).encode(),
    "one_megabyte": ("학생 " * (MEGABYTE // 7)).encode(),
    "invalid_utf8": b"\xff\xfe\xfd",
    "truncated_multibyte": "학".encode()[:2],
    "overlong_encoding": b"\xc0\xaf",
    "encoded_surrogate": b"\xed\xa0\x80",
    "valid_invalid_mix": b"\xea\xb0\x80\xff\xeb\x82\x98 \x80",
    "all_256_bytes": bytes(range(256)),
    "control_characters": "\x01\x02\x1b[31m red \x7f\x85".encode(),
    "nul_bytes": b"\x00" * 10,
    "nul_inside": "나는\x00학생 입니다.".encode(),
    "emoji": "🙂🙃👍🏽👨‍👩‍👧‍👦".encode(),
    "emoji_in_korean": "나는 🙂 학생 👍🏽 입니다!".encode(),
    "arabic_rtl": "مرحبا بالعالم".encode(),
    "rtl_override": "\u202eשלום\u202c 나는".encode(),
    "cjk": "我是学生。私は学生です。".encode(),
    "devanagari_thai": "नमस्ते สวัสดี".encode(),
    "decomposed_hangul": unicodedata.normalize("NFD", "나는 학생").encode(),
    "zero_width": "\u200b\u200c\u200d\ufeff".encode(),
    "bom_prefix": "\ufeff나는 학생 입니다.".encode(),
    "replacement_private_use": "\ufffd\ue000\U0010fffd".encode(),
    "noncharacters": "\uffff\ufffe\U0010ffff".encode(),
    "math_alphanumerics": "𝐇𝐞𝐥𝐥𝐨 𝟏𝟐𝟑".encode(),
    "combining_marks": ("e" + "\u0301" * 500).encode(),
    "reserved_token_names": b"[START] [END] [PAD] [UNK]",
    "markup": b"<script>alert(1)</script>",
    "format_strings": b"%s %n {0} {{}} \\x00 \\n",
    "newlines": "나는 학생 입니다.\n그는 의사 입니다.\r\n".encode(),
}


def check(result, texts, max_decode_length):
    batch = len(texts)
    translations = result["translation"].numpy()
    assert translations.shape == (batch,)
    for translation in translations:
        translation.decode("utf-8")  # valid UTF-8, or this raises
    token_ids = result["token_ids"].numpy()
    lengths = result["lengths"].numpy()
    sources = result["source_lengths"].numpy()
    assert token_ids.shape[0] == batch
    assert token_ids.shape[1] <= max_decode_length
    assert np.all(sources <= MAX_SOURCE_LENGTH)
    assert np.all(lengths <= np.minimum(max_decode_length, 2 * sources + 10))
    attention = result["attention"].numpy()
    assert attention.shape[:2] == token_ids.shape
    assert attention.shape[2] <= MAX_SOURCE_LENGTH
    assert not np.isnan(attention).any()
    assert not np.isnan(result["scores"].numpy()).any()


def translate(serving, name, texts):
    function = serving.signatures[name]
    start = time.perf_counter()
    result = function(text=tf.constant(texts, tf.string))
    return result, time.perf_counter() - start


@pytest.mark.parametrize("name", SIGNATURES)
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_sentence(serving, tiny_run, name, case):
    texts = [HOSTILE[case]]
    result, seconds = translate(serving, name, texts)
    check(result, texts, tiny_run.config.decoding.max_decode_length)
    assert seconds < 60


@pytest.mark.parametrize("name", SIGNATURES)
@pytest.mark.parametrize("batch_size", [0, 1, 1000])
def test_batch_sizes(serving, tiny_run, name, batch_size):
    pool = sorted(HOSTILE.items())
    pool = [text for key, text in pool if key != "one_megabyte"]
    pool += [s.encode() for s in tiny_run.splits["test"][0][:50]]
    texts = [pool[i % len(pool)] for i in range(batch_size)]
    result, seconds = translate(serving, name, texts)
    check(result, texts, tiny_run.config.decoding.max_decode_length)
    assert seconds < 120


def test_the_same_sentence_translates_alike_in_any_hostile_batch(serving):
    alone, _ = translate(serving, "serving_default", ["나는 학생 입니다."])
    mixed, _ = translate(
        serving,
        "serving_default",
        [HOSTILE["all_256_bytes"], "나는 학생 입니다.", HOSTILE["spaces_10k"]],
    )
    assert mixed["translation"][1] == alone["translation"][0]


def test_time_grows_at_most_linearly_with_input_size(serving):
    def seconds_per_byte(size):
        text = ("학생 " * (size // 7 + 1)).encode()[:size]
        # Best of three: the machine is shared.
        best = min(
            translate(serving, "serving_default", [text])[1] for _ in range(3)
        )
        return best / size

    small = seconds_per_byte(10_000)
    large = seconds_per_byte(MEGABYTE)
    # Linear (or better): the per-byte cost of 1 MB is not above 10 kB's;
    # the factor 3 absorbs noise. Quadratic would give 100x.
    assert large <= 3 * small


# Invisible and white-space characters, spliced into real
# sentences: between words, inside a word and at both ends. (Not tab or
# line ends: they are the TSV file's own separators.)
GAPS = ["\u00a0", "\u3000", " \u200b ", "\u2028", "\x00", " \u200e", "\x85"]
INSIDE = ["\u200d", "\u00ad", "\u202e", "\u2060", "\u200c", "\u200f"]


def spoil(sentence, seed):
    words = sentence.split(" ")
    first = words[0]
    words[0] = first[:1] + INSIDE[seed % len(INSIDE)] + first[1:]
    spoiled = words[0]
    for i, word in enumerate(words[1:]):
        spoiled += GAPS[(seed + i) % len(GAPS)] + word
    return "\ufeff\u202a" + spoiled + "\u202c\u3000\x01"


def test_reader_pipeline_and_saved_model_see_the_same_tokens(
    tiny_run, tiny_export, serving, tmp_path
):
    from keras_attention.data.batching import Batching
    from keras_attention.data.pipeline import make_streaming_dataset
    from keras_attention.data.tsv_reader import TsvReader
    from keras_attention.evaluation.translation_scorer import TranslationScorer

    sources, targets = (list(side[:24]) for side in tiny_run.splits["test"])
    hostile_sources = [spoil(s, i) for i, s in enumerate(sources)]
    hostile_targets = [spoil(t, i + 3) for i, t in enumerate(targets)]
    assert all(h != s for h, s in zip(hostile_sources, sources))
    path = tmp_path / "hostile.tsv"
    path.write_text(
        "".join(
            f"{s}\t{t}\n" for s, t in zip(hostile_sources, hostile_targets)
        ),
        encoding="utf-8",
    )
    source_tokenizer = tiny_run.source_tokenizer
    target_tokenizer = tiny_run.target_tokenizer

    # The reader gives back the plain sentences...
    assert TsvReader(path).read() == (sources, targets)
    # ...and the training pipeline their tokens, as the tokenizers give
    # for the plain and for the hostile strings alike.
    expected_sources = source_tokenizer.tokenize(tf.constant(sources))
    expected_targets = target_tokenizer.tokenize(tf.constant(targets))
    for side, tokenizer, hostile, expected in (
        ("source", source_tokenizer, hostile_sources, expected_sources),
        ("target", target_tokenizer, hostile_targets, expected_targets),
    ):
        tokens = tokenizer.tokenize(tf.constant(hostile))
        assert tokens.to_list() == expected.to_list(), side
    # Mostly known words: the test would mean little on unknown tokens.
    unknown = expected_sources.flat_values == source_tokenizer.unknown_token_id
    assert np.mean(unknown.numpy()) < 0.1
    dataset = make_streaming_dataset(
        TsvReader(path),
        source_tokenizer,
        target_tokenizer,
        Batching(batch_size=len(sources), pad_to_multiple=1),
    )
    [(inputs, labels, weights)] = list(dataset.as_numpy_iterator())
    np.testing.assert_array_equal(
        inputs["encoder_token_ids"], expected_sources.to_tensor()
    )
    real_labels = [row[w > 0].tolist() for row, w in zip(labels, weights)]
    end = target_tokenizer.end_token_id
    assert real_labels == [row + [end] for row in expected_targets.to_list()]

    # The SavedModel (and the in-process translator) translate the hostile
    # bytes exactly as the plain sentences.
    translator = tiny_export.exporter.translator
    lengths = expected_sources.row_lengths().numpy()
    for name in SIGNATURES:
        plain, _ = translate(serving, name, sources)
        hostile, _ = translate(
            serving, name, [s.encode() for s in hostile_sources]
        )
        np.testing.assert_array_equal(plain["source_lengths"], lengths)
        for key in ("source_lengths", "translation", "token_ids", "scores"):
            np.testing.assert_array_equal(
                hostile[key], plain[key], err_msg=f"{name} {key}"
            )
        np.testing.assert_array_equal(hostile["attention"], plain["attention"])
    in_process = translator.translate(tf.constant(hostile_sources))
    np.testing.assert_array_equal(
        in_process["translation"], plain["translation"]
    )

    # Evaluation scores a hostile reference like the plain one.
    hypotheses = [t.decode("utf-8") for t in plain["translation"].numpy()]
    scorer = TranslationScorer()
    assert scorer.score(hypotheses, hostile_targets) == scorer.score(
        hypotheses, targets
    )
    assert scorer.score(targets, hostile_targets)["exact_match"] == 1.0
