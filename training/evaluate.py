"""Evaluate a trained run or an exported SavedModel on a test file.

Reports sacreBLEU BLEU and chrF (with their signatures), exact match and
length ratio for greedy and beam search, and, when the file carries gold
word alignments (the bundled corpus's 3-column TSV) and MODEL is a run
directory, the alignment error rate (AER) of the attention.

Example:

    python -m training.evaluate runs/demo --data runs/demo/data/test.tsv \
        --output runs/demo/evaluation.json
"""

import argparse
import json
import pathlib


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m training.evaluate",
        description=(
            "Score a run directory or a SavedModel on a test file: BLEU, "
            "chrF, exact match, length ratio (greedy and beam), and the "
            "attention's alignment error rate when the file has gold "
            "alignments."
        ),
    )
    parser.add_argument(
        "model",
        help=(
            "A run directory (training.train) or a SavedModel directory "
            "(saved_models/NAME/VERSION or saved_models/NAME)."
        ),
    )
    parser.add_argument(
        "--data",
        required=True,
        help=(
            "Test file: source<TAB>target[<TAB>...] or the bundled corpus's "
            "source<TAB>target<TAB>alignment."
        ),
    )
    parser.add_argument(
        "--beam-width",
        type=int,
        help="Beam width of a run directory's beam search (default: its own).",
    )
    parser.add_argument(
        "--aer-threshold",
        type=float,
        default=0.3,
        help="Weight threshold of the thresholded AER (default: 0.3).",
    )
    parser.add_argument(
        "--batch-size", type=int, default=128, help="Default: 128."
    )
    parser.add_argument("--output", help="Write the JSON report here.")
    parser.add_argument(
        "--quiet", action="store_true", help="No progress bars."
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # Imported here so that --help answers without loading TensorFlow.
    from keras_attention.evaluation.evaluator import Evaluator
    from keras_attention.evaluation.loaded_model import LoadedModel
    from keras_attention.evaluation.reference_corpus import ReferenceCorpus

    corpus = ReferenceCorpus.read(args.data)
    model = LoadedModel.load(args.model, beam_width=args.beam_width)
    evaluator = Evaluator(
        model,
        batch_size=args.batch_size,
        threshold=args.aer_threshold,
        verbose=0 if args.quiet else 1,
    )
    report = evaluator.evaluate(corpus)
    print()
    print(Evaluator.format_table(report))
    if args.output:
        output = pathlib.Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        print(f"\nReport written to {output}")
    return report


if __name__ == "__main__":
    main()
