"""Train an attention encoder-decoder with `model.fit`.

Example:

    python -m training.train --config training/configs/demo.yaml \
        --run-dir runs/demo
    python -m training.train --config training/configs/tatoeba-ko-en.yaml \
        --run-dir runs/tatoeba --skip-bad-lines

Killed or interrupted? Rerun the same command: training continues from the
last backup in RUN_DIR/backup (every epoch, and every `backup_every_steps`
batches if the config sets it). A finished run is refused unless
`--overwrite`.
"""

import argparse
import json

from keras_attention.config import Config
from training import cli

PROG = "python -m training.train"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
        description=(
            "Train an encoder-decoder with DotAttention on the bundled "
            "Korean→English corpus (default) or on your own TSV files, "
            "then report token accuracy and exact match on valid/test."
        ),
    )
    cli.add_config_arguments(parser)
    parser.add_argument(
        "--run-dir",
        required=True,
        help="Where the run is written (model, tokenizers, config, history, "
        "metrics; see RunDirectory).",
    )
    parser.add_argument(
        "--train",
        help="Training pairs, source<TAB>target per line (see "
        "--corpus-format for others). Config default: the bundled "
        "Korean→English corpus.",
    )
    parser.add_argument("--valid", help="Validation pairs (with --train).")
    parser.add_argument("--test", help="Optional test pairs (with --train).")
    parser.add_argument(
        "--corpus-format",
        choices=Config.choices("corpus_format"),
        help="Format of --train/--valid/--test (config default: tsv).",
    )
    parser.add_argument(
        "--skip-bad-lines",
        action="store_true",
        default=None,
        help="Skip bad corpus lines (invalid UTF-8, wrong column count, "
        "empty side) instead of stopping at the first; their number is "
        "printed and saved in RUN_DIR/corpus.json.",
    )
    parser.add_argument(
        "--tokenizer",
        choices=Config.choices("tokenizer"),
        help="Override the config's tokenizer (config default: word).",
    )
    parser.add_argument(
        "--decoder",
        choices=Config.choices("decoder"),
        help="Override the config's decoder variant (config default: seed).",
    )
    parser.add_argument(
        "--max-train-seconds",
        type=cli.non_negative_float,
        help="Stop after the epoch in which this many seconds ran out "
        "(config default: no limit).",
    )
    parser.add_argument(
        "--jit-compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="Compile the training step with XLA (config default: off).",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="Delete the run directory's files and train from scratch. "
        "Without it, rerunning the same command continues an interrupted "
        "run from its last backup, and a finished run is refused.",
    )
    parser.add_argument(
        "--distribution",
        choices=Config.choices("distribution.strategy"),
        help="tf.distribute strategy (config default: auto = mirrored over "
        "the GPUs when there are several, multi_worker when TF_CONFIG names "
        "a cluster, else one device). multi_worker reads TF_CONFIG; run the "
        "same command on every worker. The config's batch_size is the "
        "global batch, split over the replicas.",
    )
    parser.add_argument(
        "--mixed-precision",
        choices=Config.choices("mixed_precision"),
        help="Keras dtype policy while training (config default: none).",
    )
    parser.add_argument(
        "--backend",
        choices=Config.choices("backend"),
        help=(
            "Keras backend of model.fit (config default: KERAS_BACKEND, "
            "else tensorflow); evaluation runs on TensorFlow."
        ),
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    config = cli.load_config(
        args,
        train=args.train,
        valid=args.valid,
        test=args.test,
        corpus_format=args.corpus_format,
        skip_bad_lines=args.skip_bad_lines,
        tokenizer=args.tokenizer,
        decoder=args.decoder,
        max_train_seconds=args.max_train_seconds,
        jit_compile=args.jit_compile,
        distribution=args.distribution,
        mixed_precision=args.mixed_precision,
        backend=args.backend,
    )
    # Before Keras is imported: it reads KERAS_BACKEND once.
    from keras_attention.backend import select_backend

    select_backend(config.distribution.backend)
    # Imported here so that --help answers without loading TensorFlow.
    from keras_attention.task.trainer import Trainer

    trainer = Trainer(config, args.run_dir, overwrite=args.overwrite)
    print(f"Model: {config.model.to_dict()}")
    # `fit` prints the corpus report (pairs, skipped lines, length policy,
    # padding) once the tokenizers are learned.
    from keras_attention.worker_lost_error import WorkerLostError

    try:
        with trainer.distribution.lost_workers():
            trainer.fit()
            metrics = trainer.evaluate()
    except WorkerLostError as error:
        raise SystemExit(f"error: {error}") from None
    print(json.dumps(metrics, indent=2, ensure_ascii=False))
    if trainer.distribution.is_chief:
        print(f"Run saved in {trainer.run.path}")
    else:
        print(
            f"Worker {trainer.distribution.worker_index} done; the chief "
            f"saved the run in {trainer.run.path}."
        )
    return metrics


if __name__ == "__main__":
    cli.run(main)
