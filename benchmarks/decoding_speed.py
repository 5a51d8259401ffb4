"""Sentences/second of an export's two signatures, side by side.

Loads a SavedModel with only `tensorflow` and `tensorflow_text` (as TF
Serving would) and translates a file of sentences in batches with its
`serving_default` (beam search) and `greedy` signatures. The machine is
shared, so the signatures are timed interleaved: every round translates
the whole file once with each (the order alternates) and the fastest
round of each is reported, with the median ratio of the two.

    .venv/bin/python -m benchmarks.decoding_speed saved_models/anki/1 \\
        ../shared/data/es-en-anki/valid.tsv --batch-size 64

The sentences file is plain text, one sentence a line, or a TSV whose
first column is the source. `--calibrate-ms` records the machine's figure
(`calibrate.py`'s ms/step) with the results. For a ratio against the
TensorFlow tutorial's model, measured on the same machine and sentences,
see `benchmarks/decoding_vs_tutorial.py`.

Results are recorded in benchmarks/RESULTS-decoding.md with the command.
"""

import argparse
import json
import os
import pathlib
import statistics
import time


def read_sentences(path, limit=None):
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
    sentences = [line.split("\t")[0] for line in lines if line.strip()]
    return sentences[:limit]


def translate_file(function, batches):
    """Seconds to translate every batch, and the output tokens."""
    tokens = 0
    start = time.perf_counter()
    for batch in batches:
        tokens += int(function(text=batch)["lengths"].numpy().sum())
    return time.perf_counter() - start, tokens


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.decoding_speed",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("export", help="A SavedModel version directory.")
    parser.add_argument("sentences", help="Text or TSV file of sources.")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--calibrate-ms",
        type=float,
        help="calibrate.py's figure on this machine (recorded).",
    )
    parser.add_argument("--output", help="Also write the results as JSON.")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (registers the tokenizer ops)

    sentences = read_sentences(args.sentences, args.limit)
    if not sentences:
        raise SystemExit(f"{args.sentences}: no sentences.")
    loaded = tf.saved_model.load(args.export)
    names = ("serving_default", "greedy")
    functions = {name: loaded.signatures[name] for name in names}
    batches = [
        tf.constant(sentences[i : i + args.batch_size])
        for i in range(0, len(sentences), args.batch_size)
    ]
    for function in functions.values():  # warm-up
        function(text=batches[0])
    seconds = {name: [] for name in names}
    tokens = {}
    load_before = os.getloadavg()[0]
    for round_index in range(args.rounds):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            elapsed, tokens[name] = translate_file(functions[name], batches)
            seconds[name].append(elapsed)
    results = {
        "export": args.export,
        "sentences_file": args.sentences,
        "sentences": len(sentences),
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "machine_ms_per_step": args.calibrate_ms,
        "cpu_count": os.cpu_count(),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    for name in names:
        best = min(seconds[name])
        results[name] = {
            "sentences_per_second": round(len(sentences) / best, 1),
            "output_tokens_per_sentence": round(
                tokens[name] / len(sentences), 2
            ),
            "seconds": [round(s, 2) for s in seconds[name]],
        }
    results["greedy_over_beam"] = round(
        statistics.median(
            b / g for g, b in zip(seconds["greedy"], seconds["serving_default"])
        ),
        2,
    )
    print(json.dumps(results, indent=2))
    if args.output:
        pathlib.Path(args.output).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
