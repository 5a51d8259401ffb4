"""Export a trained run as a SavedModel for TensorFlow Serving.

Example:

    python -m training.export runs/demo --name ko_en
"""

import argparse

from keras_attention.config import DecodingConfig
from training import cli

EPILOG = """\
layout:
  OUTPUT_DIR/NAME/VERSION/ where VERSION is the next free integer (1, 2, ...).
  The version is written to a hidden temporary directory in OUTPUT_DIR/NAME
  and renamed into place, so a server never sees a half-written model.

signatures (input: `text`, a 1-D string tensor of raw sentences):
  serving_default   beam search (--beam-width, --length-penalty)
  greedy            greedy search
  outputs: translation, scores, token_ids, lengths, attention, source_lengths

serve it:
  tensorflow_model_server --rest_api_port=8501 \\
      --model_name=NAME --model_base_path=$PWD/OUTPUT_DIR/NAME
  curl -d '{"instances": ["나는 학생 입니다."]}' \\
      http://localhost:8501/v1/models/NAME:predict

The export refuses a run directory without a trained model.keras.
Loading it needs only `tensorflow` and `tensorflow_text` (see
README.md, "Serving").
"""


PROG = "python -m training.export"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
        description=(
            "Export a trained run directory as a versioned SavedModel "
            "(raw strings in, translations out) for TensorFlow Serving."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "run_dir", help="A run directory written by training.train."
    )
    parser.add_argument(
        "--name",
        required=True,
        help="Model name: the directory under --output-dir, and the "
        "--model_name TF Serving serves it as.",
    )
    parser.add_argument(
        "--output-dir",
        default="saved_models",
        help="Model base directory. Default: %(default)s.",
    )
    parser.add_argument(
        "--beam-width",
        type=cli.positive_int,
        help="Beam width of serving_default. Default: the run's config "
        "(beam_width).",
    )
    parser.add_argument(
        "--length-penalty",
        type=cli.non_negative_float,
        help="GNMT length penalty alpha of serving_default (0 = none). "
        "Default: the run's config (length_penalty).",
    )
    parser.add_argument(
        "--beam-stopping",
        choices=DecodingConfig.STOPPINGS,
        help="When serving_default stops a sentence: exact (never changes "
        "the result) or heuristic (faster). Default: the run's config "
        "(beam_stopping).",
    )
    parser.add_argument(
        "--max-source-length",
        type=cli.positive_int,
        help="Source tokens beyond this are dropped (bounds the cost of "
        "very long requests). Default: the run's config "
        "(max_source_length).",
    )
    parser.add_argument(
        "--max-decode-length",
        type=cli.positive_int,
        help="Hard cap on generated tokens. Default: the run's config "
        "(max_decode_length).",
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    # The searches and the export are TensorFlow graphs, whatever backend
    # trained the run (its model.keras loads on any).
    from keras_attention.backend import select_backend

    select_backend("tensorflow")
    from keras_attention.export.saved_model_exporter import SavedModelExporter

    # A flag given overrides the run's config; the others keep it.
    flags = {
        "beam_width": args.beam_width,
        "length_penalty": args.length_penalty,
        "beam_stopping": args.beam_stopping,
        "max_source_length": args.max_source_length,
        "max_decode_length": args.max_decode_length,
    }
    kwargs = {name: value for name, value in flags.items() if value is not None}
    exporter = SavedModelExporter.from_run_directory(args.run_dir, **kwargs)
    path = exporter.export(args.output_dir, args.name)
    print(f"Exported {args.run_dir} to {path}")
    print(
        "Signatures: serving_default (beam search, width "
        f"{exporter.metadata['beam_width']}), greedy. Input: text (1-D "
        "strings)."
    )
    return 0


if __name__ == "__main__":
    cli.run(main)
