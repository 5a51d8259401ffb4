"""Translate sentences with a trained run (greedy decoding).

Example:

    python -m training.translate runs/demo \
        "나는 인공지능을 공부하는 학생 입니다."
"""

import argparse
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m training.translate",
        description="Translate sentences with a trained run directory.",
    )
    parser.add_argument(
        "run_dir", help="A directory written by training.train."
    )
    parser.add_argument(
        "sentences",
        nargs="*",
        help="Sentences to translate (default: one per line on stdin).",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sentences = args.sentences or [
        line.rstrip("\n") for line in sys.stdin if line.strip()
    ]
    from keras_attention.run_directory import RunDirectory
    from keras_attention.trainer import translate_all

    translator = RunDirectory(args.run_dir).translator()
    translations = translate_all(translator, sentences)
    for source, translation in zip(sentences, translations):
        print(f"{source}\t{translation}")
    return translations


if __name__ == "__main__":
    main()
