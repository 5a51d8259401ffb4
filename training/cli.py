"""The `keras-attention` command, and what every entry point shares.

`keras-attention train|translate|export|evaluate|tune|demo|plot ...` runs
`python -m training.train ...` and so on with the same options.

Every entry point's `main` is wrapped by `entry_point`: an expected
failure (a `UsageError` such as `CorpusError` or `ConfigError`, or a file
that is missing, unreadable or in the way) prints one `error: …` line and
exits with status 2; any other exception keeps its traceback. Command-line
mistakes (`ArgumentParser`) end the same way. Nothing here imports
TensorFlow, so `--help` answers at once.
"""

import argparse
import functools
import importlib
import math
import sys

PROG = "keras-attention"
# Subcommand -> module; each module has `main(argv=None, prog=...)`.
COMMANDS = {
    "train": "training.train",
    "translate": "training.translate",
    "export": "training.export",
    "evaluate": "training.evaluate",
    "tune": "training.tune",
    "demo": "training.demo",
    "plot": "training.plot",
}
# File errors a user's paths cause (the file is missing, a directory, not
# a directory, not readable, already there); other OSErrors are not
# expected and keep their traceback.
FILE_ERRORS = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)
# Exit status of an expected failure (argparse's, for bad options).
USAGE_STATUS = 2


class ArgumentParser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose errors are one `error:` line.

    argparse prints the usage and `PROG: error: MESSAGE`; this prints
    `error: MESSAGE (see PROG --help)` and exits with status 2, like every
    other expected failure of the entry points.
    """

    def error(self, message):
        fail(f"{message} (see `{self.prog} --help`)")


def positive_int(text):
    """argparse type: an int >= 1."""
    return _number(text, int, lambda value: value >= 1, "an integer >= 1")


def non_negative_float(text):
    """argparse type: a finite float >= 0."""
    return _number(text, float, lambda value: value >= 0, "a number >= 0")


def unit_float(text):
    """argparse type: a float in [0, 1]."""
    return _number(
        text, float, lambda value: 0 <= value <= 1, "a number in [0, 1]"
    )


def _number(text, kind, ok, expected):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def fail(message):
    """Prints `error: MESSAGE` on one line of stderr and exits with 2."""
    message = " ".join(str(message).split())
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_STATUS)


def describe(error):
    """The one-line message of an expected failure, or `None`.

    `None` means the error is not an expected one (a bug, or a failure of
    the machine) and must keep its traceback.
    """
    if isinstance(error, FILE_ERRORS):
        if error.filename is None:  # raised with a message of our own
            return str(error)
        return f"{error.filename}: {error.strerror}"
    usage_error = sys.modules.get("keras_attention.usage_error")
    # Nothing imported it, so nothing could have raised one.
    if usage_error is not None and isinstance(error, usage_error.UsageError):
        return str(error)
    return None


def entry_point(main):
    """Decorates an entry point's `main(argv=None, ...)`.

    The decorated `main` returns what `main` returns; an expected failure
    (see `describe`) prints one `error: …` line and raises `SystemExit(2)`,
    any other exception propagates with its traceback.
    """

    @functools.wraps(main)
    def wrapped(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except Exception as error:
            message = describe(error)
            if message is None:
                raise
            fail(message)

    return wrapped


def exit_status(result):
    """The process exit status of a `main`'s result: an int, else 0."""
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0


def run(main):
    """Runs an entry point's `main` as a script (`python -m training.x`)."""
    sys.exit(exit_status(main()))


def parse_args(argv=None):
    parser = ArgumentParser(
        prog=PROG,
        description=(
            "Attention-based neural machine translation for Keras 3: "
            "train, translate, export, evaluate and tune. "
            f"`{PROG} COMMAND --help` shows a command's options (the same "
            "as `python -m training.COMMAND`)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n"
        + "\n".join(
            f"  {name:<10} {summary(module)}"
            for name, module in COMMANDS.items()
        ),
    )
    parser.add_argument(
        "command",
        choices=COMMANDS,
        metavar="COMMAND",
        help="One of " + ", ".join(COMMANDS) + " (see below).",
    )
    parser.add_argument(
        "args",
        nargs=argparse.REMAINDER,
        metavar="ARGS",
        help="The command's arguments and options.",
    )
    return parser.parse_args(argv)


def summary(module):
    """The first line of an entry point module's docstring."""
    return importlib.import_module(module).__doc__.strip().splitlines()[0]


def main(argv=None):
    """The `keras-attention` console command; returns the exit status."""
    args = parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command])
    return exit_status(module.main(args.args, prog=f"{PROG} {args.command}"))


if __name__ == "__main__":
    run(main)
