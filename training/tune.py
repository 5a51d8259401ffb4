"""Search model and optimizer settings with Keras Tuner.

Every trial is the `Config` of `--config` with the searched fields replaced
and is built by `Trainer.build_model`, exactly as `training.train` builds.
Rerunning the same command resumes the search; see docs/tuning.md.

Example:

    python -m training.tune --config training/configs/tune.yaml \
        --tuner random --max-trials 8 --project-dir runs/tune \
        --export-best tuned
"""

import json
import pathlib
import time

from training import cli

PROG = "python -m training.tune"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
        description=(
            "Keras Tuner search over the Config fields embedding_dim, units, "
            "num_layers, cell, bidirectional, dropout, learning_rate, "
            "decoder and score_mode (ranges: the config's "
            "tuning.search_space). "
            "Rerun the same command to resume an interrupted search. Set "
            "KERASTUNER_TUNER_ID, KERASTUNER_ORACLE_IP and "
            "KERASTUNER_ORACLE_PORT to run a chief and workers."
        ),
    )
    cli.add_config_arguments(parser)
    parser.add_argument(
        "--tuner",
        choices=("hyperband", "bayesian", "random"),
        default="random",
        help="Search algorithm (default: random). bayesian needs "
        "scikit-learn and scipy.",
    )
    parser.add_argument(
        "--max-trials",
        type=cli.positive_int,
        default=10,
        help="Trials to run at most, Hyperband included (default: 10).",
    )
    parser.add_argument(
        "--project-dir",
        required=True,
        help="Keras Tuner project directory (trials, summary, corpus). "
        "Shared by the chief and the workers.",
    )
    parser.add_argument(
        "--epochs",
        type=cli.positive_int,
        help="Epochs per trial (Hyperband: the most any trial gets); "
        "overrides the config's epochs.",
    )
    parser.add_argument(
        "--objective",
        choices=("val_loss", "val_bleu"),
        default="val_loss",
        help="val_loss (minimized, default) or val_bleu: greedy corpus BLEU "
        "on a fixed validation sample, maximized.",
    )
    parser.add_argument(
        "--bleu-sentences",
        type=cli.positive_int,
        default=200,
        help="Validation sentences of val_bleu (default: 200).",
    )
    parser.add_argument(
        "--export-best",
        metavar="NAME",
        help="Write the best trial's model as the run directory "
        "RUNS_DIR/NAME (readable by training.translate and training.export).",
    )
    parser.add_argument(
        "--runs-dir",
        default="runs",
        help="Parent of the --export-best run directory (default: runs).",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="Delete an existing project directory instead of resuming it.",
    )
    parser.add_argument(
        "--verbose",
        type=int,
        choices=(0, 1, 2),
        default=2,
        help="Keras verbosity per trial (default: 2, a line per epoch).",
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    config = cli.load_config(args, epochs=args.epochs)
    # Imported here so that --help answers without loading TensorFlow.
    from keras_attention.tuning.config_search import ConfigSearch
    from keras_attention.tuning.search_space import SearchSpace

    # A bad search_space fails here, before any corpus or model work.
    space = SearchSpace.from_config(config)
    search = ConfigSearch(
        config,
        args.project_dir,
        tuner=args.tuner,
        max_trials=args.max_trials,
        objective=args.objective,
        bleu_sentences=args.bleu_sentences,
        overwrite=args.overwrite,
    )
    print(f"Role: {search.role}. Search space: {space.ranges}")
    start = time.monotonic()
    search.search(verbose=args.verbose)
    seconds = time.monotonic() - start
    if search.role == "worker":
        print(f"Worker finished its trials in {seconds:.0f} s.")
        return None
    print(f"\nSearch finished in {seconds:.0f} s ({args.objective}).")
    print(search.format_summary())
    paths = search.write_summary()
    print("Summary: " + ", ".join(str(p) for p in paths))
    best = search.best_trial()
    result = {
        "best_trial": best.trial_id,
        args.objective: best.score,
        "best_config": search.best_config().to_dict(),
    }
    if args.export_best:
        run_dir = pathlib.Path(args.runs_dir) / args.export_best
        run = search.export_best(run_dir)
        print(json.dumps(run.load_config().model.to_dict()))
        print(f"Best model exported to {run_dir}")
        result["run_dir"] = str(run_dir)
    return result


if __name__ == "__main__":
    cli.run(main)
