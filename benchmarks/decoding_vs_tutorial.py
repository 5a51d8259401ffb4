"""Decoding speed against the TensorFlow tutorial's model, side by side.

In one process, on one machine, on the same sentences in the same batch
size:

1. trains the tutorial's model (`benchmarks/tutorial_model.py`, a Keras 3
   replica of "NMT with attention") on the training split for
   `--seconds` (its vectorizers' learning included), as the project's
   config is trained for its budget;
2. loads the project's export (`SavedModel`, as `benchmarks.quality`
   writes it to `RUN_DIR/export/quality/1`) with `tf.saved_model.load`;
3. translates the valid sources in batches of `--batch-size` with the
   tutorial's greedy `translate` (its `tf.function`) and with the
   export's `greedy` and `serving_default` (beam) signatures, after one
   warm-up batch each. The machine is shared, so the three are timed
   interleaved: each round translates every sentence once with each (the
   order rotates) and the fastest round of each is reported;
4. reports sentences/s, the ratios of the export's signatures to the
   tutorial's greedy loop, and, for context, each side's sacreBLEU
   (cased and lowercased) and chrF on those sentences with the project's
   `TranslationScorer` (the tutorial's output is lowercased, its
   punctuation spaced, apostrophes dropped: its cased BLEU is low by
   construction).

    .venv/bin/python -m benchmarks.decoding_vs_tutorial \\
        RUN_DIR/export/quality/1 \\
        ../shared/data/ko-en-tatoeba/train.tsv \\
        ../shared/data/ko-en-tatoeba/valid.tsv --seconds 135 --calibrate-ms 180

Results are recorded in benchmarks/RESULTS-decoding.md with the command.
"""

import argparse
import json
import os
import pathlib
import time

SIDES = ("tutorial greedy", "greedy", "serving_default")


def batches_of(sentences, batch_size):
    import tensorflow as tf

    return [
        tf.constant(sentences[i : i + batch_size], tf.string)
        for i in range(0, len(sentences), batch_size)
    ]


def timed(function, batches):
    """`(seconds, translations)` of one pass over `batches`."""
    start = time.perf_counter()
    outputs = [function(batch).numpy() for batch in batches]
    seconds = time.perf_counter() - start
    return seconds, [t.decode("utf-8") for out in outputs for t in out]


def compare(functions, batches, rounds):
    """Best seconds and the translations of each function, interleaved."""
    for function in functions.values():  # warm-up: tracing, first call
        function(batches[0])
    names = list(functions)
    seconds = {name: [] for name in names}
    translations = {}
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            elapsed, translations[name] = timed(functions[name], batches)
            seconds[name].append(elapsed)
    return seconds, translations


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.decoding_vs_tutorial",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("export", help="The project's SavedModel directory.")
    parser.add_argument("train", help="Training TSV for the tutorial model.")
    parser.add_argument("valid", help="Valid TSV: the decoded sentences.")
    parser.add_argument(
        "--seconds",
        type=float,
        required=True,
        help="The tutorial model's training budget (the project's).",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--calibrate-ms",
        type=float,
        help="calibrate.py's figure on this machine (recorded).",
    )
    parser.add_argument("--output", help="Also write the report as JSON.")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (registers the export's ops)

    from benchmarks.quality import sacrebleu_scores
    from benchmarks.tutorial_model import read_pairs
    from benchmarks.tutorial_model import train

    _, tutorial_translate, tutorial_report = train(
        args.train, args.valid, args.seconds
    )
    loaded = tf.saved_model.load(args.export)

    def signature(name):
        function = loaded.signatures[name]
        return lambda batch: function(text=batch)["translation"]

    functions = {
        "tutorial greedy": tutorial_translate,
        "greedy": signature("greedy"),
        "serving_default": signature("serving_default"),
    }
    sources, references = read_pairs(args.valid)
    batches = batches_of(sources, args.batch_size)
    load_before = os.getloadavg()[0]
    seconds, translations = compare(functions, batches, args.rounds)
    report = {
        "export": args.export,
        "valid": args.valid,
        "sentences": len(sources),
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "machine_ms_per_step": args.calibrate_ms,
        "cpu_count": os.cpu_count(),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "tutorial_training": tutorial_report,
        "sides": {},
    }
    for name in SIDES:
        scores = sacrebleu_scores(translations[name], references)
        report["sides"][name] = {
            "sentences_per_second": round(len(sources) / min(seconds[name]), 1),
            "seconds": [round(s, 3) for s in seconds[name]],
            **{k: scores[k] for k in ("bleu_lc", "bleu", "chrf")},
        }
    tutorial = report["sides"]["tutorial greedy"]["sentences_per_second"]
    for name in ("greedy", "serving_default"):
        side = report["sides"][name]
        side["over_tutorial"] = round(
            side["sentences_per_second"] / tutorial, 2
        )
    report["examples"] = [
        {"source": sources[i], **{n: translations[n][i] for n in SIDES}}
        for i in range(3)
    ]
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        pathlib.Path(args.output).write_text(text + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
