"""Evaluate a trained run or an exported SavedModel on a test file.

Reports sacreBLEU BLEU and chrF (with their signatures), exact match and
length ratio for greedy and beam search, and, when the file carries gold
word alignments (the bundled corpus's 3-column TSV) and MODEL is a run
directory, the alignment error rate (AER) of the attention.

Example:

    python -m training.evaluate runs/demo --data runs/demo/data/test.tsv \
        --output runs/demo/evaluation.json
"""

import json
import pathlib

from training import cli

PROG = "python -m training.evaluate"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
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
        "--config",
        help=(
            "Config YAML whose corpus fields (corpus_format, columns, "
            "languages, corpus_header) say how to read --data. Default: the "
            "run directory's config.yaml; for a SavedModel, "
            "source<TAB>target."
        ),
    )
    parser.add_argument(
        "--beam-width",
        type=cli.positive_int,
        help="Beam width of a run directory's beam search (default: its own).",
    )
    parser.add_argument(
        "--aer-threshold",
        type=cli.unit_float,
        default=0.3,
        help="Weight threshold of the thresholded AER (default: 0.3).",
    )
    parser.add_argument(
        "--batch-size",
        type=cli.positive_int,
        default=128,
        help="Sentences translated per batch (default: %(default)s).",
    )
    parser.add_argument(
        "--output",
        help="Also write the JSON report here (default: print only).",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="No progress bars."
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    # The searches and the export are TensorFlow graphs, whatever backend
    # trained the run (its model.keras loads on any).
    from keras_attention.backend import select_backend

    select_backend("tensorflow")
    # Imported here so that --help answers without loading TensorFlow.
    from keras_attention.config import Config
    from keras_attention.evaluation.evaluator import Evaluator
    from keras_attention.evaluation.reference_corpus import ReferenceCorpus
    from keras_attention.task.loaded_model import LoadedModel

    # Read as the model's training data was: same format and direction.
    config = None
    if args.config:
        config = Config.from_yaml(args.config)
    elif (pathlib.Path(args.model) / "config.yaml").is_file():
        config = Config.from_yaml(pathlib.Path(args.model) / "config.yaml")
    corpus = ReferenceCorpus.read(args.data, config=config)
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
    cli.run(main)
