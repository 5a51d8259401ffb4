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
            "decoding); prints source<TAB>translation per line. A "
            "translation the run's translation memory gave is named on "
            "stderr with the training source it came from."
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
            "lines are skipped and counted on stderr). Both are cleaned as "
            "the model cleans text (invisible characters dropped, white "
            "space runs made one space)."
        ),
    )
    return parser.parse_args(argv)


def read_stdin():
    """The non-blank lines of stdin, cleaned, and how many blank ones were.

    Cleaned by `clean_string` (as arguments are, and as the model cleans
    text): a line of invisible characters or white space is blank.
    """
    from keras_attention.text.text_cleaning import clean_string

    sentences, blank = [], 0
    for line in sys.stdin:
        if sentence := clean_string(line):
            sentences.append(sentence)
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
    if args.sentences:
        from keras_attention.text.text_cleaning import clean_string

        sentences, blank = [clean_string(s) for s in args.sentences], 0
    else:
        sentences, blank = read_stdin()
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
    from keras_attention.task import stages

    translator = stages.load_translator(args.run_dir)
    translations, memory_sources = translator.translate_texts(
        sentences, outputs=("translation", "memory_source")
    )
    for number, (source, translation, memory_source) in enumerate(
        zip(sentences, translations, memory_sources), 1
    ):
        print(f"{source}\t{translation}")
        if memory_source:
            print(
                f"{prog}: sentence {number}: translated by the translation "
                f"memory (training source: {memory_source!r})",
                file=sys.stderr,
                flush=True,
            )
    return translations


if __name__ == "__main__":
    cli.run(main)
