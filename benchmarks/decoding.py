"""Greedy vs beam search: quality on a held-out split and SavedModel speed.

For a trained run directory it exports a SavedModel (to a temporary
directory, not saved_models/), loads it as TF Serving would, and reports
for its `greedy` and `serving_default` (beam) signatures: sacreBLEU BLEU,
chrF and exact match on the split, and sentences/second at a fixed batch
size. A sweep of the beam's length penalty (in process, same graph code)
shows how `alpha` moves quality.

    .venv/bin/python -m benchmarks.decoding runs/demo

Results are recorded in benchmarks/RESULTS-decoding.md with the command.
"""

import argparse
import json
import os
import pathlib
import tempfile
import time


def split_path(run_dir, split):
    """The split's TSV: the run's bundled copy, else the config's file."""
    from keras_attention.task.run_directory import RunDirectory

    run = RunDirectory(run_dir)
    bundled = run.path / "data" / f"{split}.tsv"
    if bundled.exists():
        return bundled
    path = getattr(run.load_config(), split)
    if path is None:
        raise SystemExit(f"{run_dir} has no {split} split.")
    return pathlib.Path(path)


def translate(function, sources, batch_size, repeats=1):
    """Runs a string signature over `sources` in batches.

    Returns `(translations, seconds)`, the fastest of `repeats` passes
    (the machine is shared: the minimum is the least disturbed).
    """
    import tensorflow as tf

    function(text=tf.constant(sources[:batch_size]))  # warm-up
    batches = [
        tf.constant(sources[i : i + batch_size])
        for i in range(0, len(sources), batch_size)
    ]
    best = float("inf")
    for _ in range(repeats):
        outputs = []
        start = time.perf_counter()
        for batch in batches:
            outputs.append(function(text=batch)["translation"].numpy())
        best = min(best, time.perf_counter() - start)
    texts = [t.decode("utf-8") for batch in outputs for t in batch]
    return texts, best


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.decoding",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("run_dir", nargs="?", default="runs/demo")
    parser.add_argument("--split", default="test", help="test or valid.")
    parser.add_argument("--beam-width", type=int, default=4)
    parser.add_argument("--length-penalty", type=float, default=0.6)
    parser.add_argument(
        "--sweep",
        type=float,
        nargs="*",
        default=[0.0, 0.6, 1.0, 2.0],
        help="Length penalties to compare in process (quality only).",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="Timed passes over the split; the fastest is reported.",
    )
    parser.add_argument("--output", help="Also write the results as JSON.")
    args = parser.parse_args(argv)

    import tensorflow as tf

    from keras_attention.data.parallel_tsv import read_parallel_tsv
    from keras_attention.evaluation.translation_scorer import TranslationScorer
    from keras_attention.export.saved_model_exporter import SavedModelExporter

    path = split_path(args.run_dir, args.split)
    sources, references = read_parallel_tsv(path)
    sources, references = sources[: args.limit], references[: args.limit]
    scorer = TranslationScorer()
    exporter = SavedModelExporter.from_run_directory(
        args.run_dir,
        beam_width=args.beam_width,
        length_penalty=args.length_penalty,
    )
    results = {
        "run_dir": args.run_dir,
        "split": str(path),
        "sentences": len(sources),
        "batch_size": args.batch_size,
        "beam_width": args.beam_width,
        "length_penalty": args.length_penalty,
        "cpu_count": os.cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory() as directory:
        version = exporter.export(directory, "benchmark")
        loaded = tf.saved_model.load(str(version))
        for name, label in (("greedy", "greedy"), ("serving_default", "beam")):
            hypotheses, seconds = translate(
                loaded.signatures[name], sources, args.batch_size, args.repeats
            )
            scores = scorer.score(hypotheses, references)
            results[label] = {
                "bleu": scores["bleu"],
                "chrf": scores["chrf"],
                "exact_match": scores["exact_match"],
                "length_ratio": scores["length_ratio"],
                "sentences_per_second": round(len(sources) / seconds, 1),
            }
            print(label, json.dumps(results[label]), flush=True)
        results["bleu_signature"] = scores["bleu_signature"]
        results["load_average_after"] = round(os.getloadavg()[0], 2)

    from keras_attention.decoding.translator import Translator

    sweep = {}
    base = exporter.translator
    for alpha in args.sweep:
        translator = Translator.from_config(
            base.model,
            base.source_tokenizer,
            base.target_tokenizer,
            max_decode_length=base.max_decode_length,
            beam_width=args.beam_width,
            length_penalty=alpha,
        )
        hypotheses, _ = translate(
            lambda text, t=translator: t.translate_beam(text), sources, 256
        )
        scores = scorer.score(hypotheses, references)
        sweep[str(alpha)] = {
            key: scores[key]
            for key in ("bleu", "chrf", "exact_match", "length_ratio")
        }
        print(f"beam alpha={alpha}", json.dumps(sweep[str(alpha)]), flush=True)
    results["length_penalty_sweep"] = sweep
    print(json.dumps(results, indent=2))
    if args.output:
        pathlib.Path(args.output).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
