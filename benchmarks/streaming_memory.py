"""Peak memory of the streaming data path on a corpus of millions of pairs.

Generates N random sentence pairs (Korean-like syllable words → English-like
words, 3-24 words each) into a TSV file under /tmp, then, through the same
code the trainer uses, streams it:

1. `TsvReader` → learn the source and target tokenizers (word counts, or
   SentencePiece from a sentence iterator capped by `input_sentence_size`);
2. `LengthPolicy.measure` (one pass: drop counts, batch count);
3. one epoch of `make_streaming_dataset` (shuffle buffer, bucketing,
   padding to multiples of 8, prefetch), counting padding.

It prints the process's peak resident set size (`resource.getrusage`)
after each phase. Memory stays bounded by the vocabulary, the shuffle
buffer and SentencePiece's sentence cap, not by the corpus.

Run (about 10 minutes on 2 shared cores; results in RESULTS-data.md):

    TF_CPP_MIN_LOG_LEVEL=2 .venv/bin/python -m benchmarks.streaming_memory \\
        --pairs 2000000 --tokenizer word
"""

import argparse
import itertools
import json
import pathlib
import random
import resource
import shutil
import tempfile
import time

_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def peak_rss_mb():
    """Peak resident set size of this process so far, in MiB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_words(rng, count, korean):
    words = set()
    while len(words) < count:
        length = rng.choice((1, 2, 2, 3, 3, 4))
        if korean:
            word = "".join(
                chr(
                    0xAC00
                    + rng.randrange(19) * 588
                    + rng.randrange(21) * 28
                    + rng.choice((0, 0, 4, 8, 16))
                )
                for _ in range(length)
            )
            word += rng.choice(("", "", "은", "는", "이", "가", "을", "를"))
        else:
            word = "".join(
                rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou")
                for _ in range(length)
            )
        words.add(word)
    return sorted(words)


def generate(path, pairs, seed=1234, vocabulary=20000):
    """Writes `pairs` random pairs, one line at a time."""
    rng = random.Random(seed)
    korean = make_words(rng, vocabulary, korean=True)
    english = make_words(rng, vocabulary, korean=False)
    # Zipf-like frequencies, as in real text (cumulated once: fast draws).
    weights = list(itertools.accumulate(1 / (r + 1) for r in range(vocabulary)))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for _ in range(pairs):
            length = rng.randint(3, 24)
            source = rng.choices(korean, cum_weights=weights, k=length)
            target = rng.choices(
                english, cum_weights=weights, k=length + rng.randint(-2, 2)
            )
            f.write(f"{' '.join(source)}.\t{' '.join(target).capitalize()}.\n")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.streaming_memory"
    )
    parser.add_argument("--pairs", type=int, default=2_000_000)
    parser.add_argument(
        "--tokenizer", choices=("word", "sentencepiece"), default="word"
    )
    parser.add_argument("--vocabulary-size", type=int, default=8000)
    parser.add_argument("--input-sentence-size", type=int, default=300_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--shuffle-buffer-size", type=int, default=100_000)
    parser.add_argument(
        "--directory", help="Where the corpus goes (default: a /tmp dir)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the corpus.")
    args = parser.parse_args(argv)

    results = {"pairs": args.pairs, "tokenizer": args.tokenizer}
    start = time.monotonic()

    def record(phase):
        results[phase] = {
            "seconds": round(time.monotonic() - start, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "rss_mb": round(current_rss_mb(), 1),
        }
        print(f"{phase:>12}: {results[phase]}", flush=True)

    directory = pathlib.Path(
        args.directory or tempfile.mkdtemp(prefix="streaming-memory-")
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "train.tsv"
    try:
        if not path.exists():
            generate(path, args.pairs)
        results["file_mb"] = round(path.stat().st_size / 2**20, 1)
        record("generated")

        import tensorflow as tf  # noqa: F401

        from keras_attention.data.batching import Batching
        from keras_attention.data.length_policy import LengthPolicy
        from keras_attention.data.pipeline import count_batches
        from keras_attention.data.pipeline import make_streaming_dataset
        from keras_attention.data.pipeline import padding_fraction
        from keras_attention.data.tsv_reader import TsvReader
        from keras_attention.text.sentencepiece_tokenizer import (
            SentencePieceTokenizer,
        )
        from keras_attention.text.word_tokenizer import WordTokenizer

        record("imported")
        reader = TsvReader(path)

        def learn(texts, side):
            if args.tokenizer == "word":
                return WordTokenizer.from_texts(texts)
            return SentencePieceTokenizer.from_texts(
                texts,
                vocabulary_size=args.vocabulary_size,
                model_path=directory / f"{side}.model",
                input_sentence_size=args.input_sentence_size,
            )

        source_tokenizer = learn((s for s, _ in reader), "source")
        target_tokenizer = learn((t for _, t in reader), "target")
        results["vocabulary_sizes"] = [
            source_tokenizer.vocabulary_size,
            target_tokenizer.vocabulary_size,
        ]
        record("vocabulary")
        policy = LengthPolicy(64, 64, "drop")
        lengths, counts = policy.measure(
            reader, source_tokenizer, target_tokenizer, return_lengths=True
        )
        results["length_policy"] = lengths
        record("measured")
        batching = Batching(
            batch_size=args.batch_size,
            shuffle=True,
            seed=1234,
            length_policy=policy,
            bucket_by_length=True,
            shuffle_buffer_size=args.shuffle_buffer_size,
        )
        dataset = make_streaming_dataset(
            reader,
            source_tokenizer,
            target_tokenizer,
            batching,
            num_batches=count_batches(counts, batching),
        )
        results["padding"] = padding_fraction(dataset)
        record("epoch")
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":
    main()
