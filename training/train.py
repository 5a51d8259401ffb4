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
    parser.add_argument(
        "--config",
        help="YAML file of Config fields (default: all defaults).",
    )
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
        choices=("tsv", "csv", "anki", "aligned"),
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
        choices=("word", "sentencepiece"),
        help="Override the config's tokenizer (config default: word).",
    )
    parser.add_argument(
        "--decoder",
        choices=("seed", "luong"),
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
        choices=("auto", "mirrored", "multi_worker", "one_device"),
        help="tf.distribute strategy (config default: auto = mirrored over "
        "the GPUs when there are several, multi_worker when TF_CONFIG names "
        "a cluster, else one device). multi_worker reads TF_CONFIG; run the "
        "same command on every worker. The config's batch_size is the "
        "global batch, split over the replicas.",
    )
    parser.add_argument(
        "--mixed-precision",
        choices=("none", "mixed_float16", "mixed_bfloat16"),
        help="Keras dtype policy while training (config default: none).",
    )
    parser.add_argument(
        "--backend",
        choices=("tensorflow", "jax", "torch"),
        help=(
            "Keras backend of model.fit (config default: KERAS_BACKEND, "
            "else tensorflow); evaluation runs on TensorFlow."
        ),
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    # Imported here so that --help answers without loading TensorFlow.
    from keras_attention.config import Config

    config = Config.from_yaml(args.config) if args.config else Config()
    overrides = {
        "train": args.train,
        "valid": args.valid,
        "test": args.test,
        "corpus_format": args.corpus_format,
        "skip_bad_lines": args.skip_bad_lines,
        "tokenizer": args.tokenizer,
        "decoder": args.decoder,
        "max_train_seconds": args.max_train_seconds,
        "jit_compile": args.jit_compile,
        "distribution": args.distribution,
        "mixed_precision": args.mixed_precision,
        "backend": args.backend,
    }
    config = config.replace(
        **{k: v for k, v in overrides.items() if v is not None}
    )
    # Before Keras is imported: it reads KERAS_BACKEND once.
    from keras_attention.backend import select_backend

    select_backend(config.backend)
    # Imported here so that --help answers without loading TensorFlow.
    from keras_attention.task.trainer import Trainer

    trainer = Trainer(config, args.run_dir, overwrite=args.overwrite)
    print(f"Model: {config.model_kwargs()}")
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
