"""Translate sentences with a trained run (greedy decoding).

Example:

    python -m training.translate runs/demo \
        "나는 인공지능을 공부하는 학생 입니다."
"""

import sys

from training import cli

PROG = "python -m training.translate"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
        description=(
            "Translate sentences with a trained run directory (greedy "
            "decoding); prints source<TAB>translation per line."
        ),
    )
    parser.add_argument(
        "run_dir", help="A directory written by training.train."
    )
    parser.add_argument(
        "sentences",
        nargs="*",
        help=(
            "Sentences to translate (default: one per line on stdin; blank "
            "lines are skipped and counted on stderr)."
        ),
    )
    return parser.parse_args(argv)


def read_stdin():
    """The non-blank lines of stdin, and how many blank ones were skipped."""
    sentences, blank = [], 0
    for line in sys.stdin:
        if line.strip():
            sentences.append(line.rstrip("\r\n"))
        else:
            blank += 1
    return sentences, blank


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    # The searches and the export are TensorFlow graphs, whatever backend
    # trained the run (its model.keras loads on any).
    from keras_attention.backend import select_backend

    select_backend("tensorflow")
    sentences, blank = (args.sentences, 0) if args.sentences else read_stdin()
    if not sentences:
        cli.fail(
            "no sentences to translate: give them as arguments or one per "
            "line on stdin"
        )
    if blank:
        print(
            f"{prog}: skipped {blank} blank line(s) of stdin; translating "
            f"{len(sentences)}",
            file=sys.stderr,
        )
    from keras_attention.run_directory import RunDirectory

    translator = RunDirectory(args.run_dir).translator()
    translations = translator.translate_texts(sentences)
    for source, translation in zip(sentences, translations):
        print(f"{source}\t{translation}")
    return translations


if __name__ == "__main__":
    cli.run(main)
