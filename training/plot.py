"""Plot a run: attention heatmaps and training curves (PNG).

Examples:

    python -m training.plot attention runs/demo \
        "나는 인공지능을 공부하는 학생 입니다." --output attention.png
    python -m training.plot history runs/demo --output history.png
"""

from training import cli

PROG = "python -m training.plot"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
        description="Plot attention heatmaps and training curves of a run.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    attention = commands.add_parser(
        "attention",
        help="Heatmap of the attention of a greedy translation.",
    )
    attention.add_argument(
        "run_dir", help="A directory written by training.train."
    )
    attention.add_argument("sentence", help="The source sentence.")
    attention.add_argument(
        "--output",
        default="attention.png",
        help="PNG file (default: %(default)s).",
    )
    history = commands.add_parser(
        "history", help="Training and validation loss/accuracy curves."
    )
    history.add_argument("run_dir", help="A directory with history.json.")
    history.add_argument(
        "--output",
        default="history.png",
        help="PNG file (default: %(default)s).",
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    import pathlib

    if args.command == "history":
        from keras_attention.evaluation.history_plot import plot_history

        run_dir = pathlib.Path(args.run_dir)
        path = plot_history(
            run_dir / "history.json", args.output, title=str(run_dir)
        )
    else:
        from keras_attention.evaluation.attention_heatmap import (
            greedy_attention,
        )
        from keras_attention.evaluation.attention_heatmap import plot_attention
        from keras_attention.task.loaded_model import LoadedModel

        model = LoadedModel.from_run_directory(args.run_dir)
        source, target, attention, translation = greedy_attention(
            model.translator, args.sentence
        )
        print(f"{args.sentence}\t{translation}")
        path = plot_attention(
            attention,
            source,
            target,
            args.output,
            title=f"source: {args.sentence}\ngreedy: {translation}",
        )
    print(f"Wrote {path}")
    return path


if __name__ == "__main__":
    cli.run(main)
