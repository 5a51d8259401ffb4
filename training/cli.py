"""The `keras-attention` command, and what every entry point shares.

`keras-attention train|translate|export|evaluate|tune|demo|plot ...` runs
`python -m training.train ...` and so on with the same options.

Every entry point's `main` is wrapped by `entry_point`: an expected
failure (a `UsageError` such as `CorpusError` or `ConfigError`, or a file
that is missing, unreadable or in the way) prints one `error: …` line and
exits with status 2; any other exception keeps its traceback. Command-line
mistakes (`ArgumentParser`) end the same way. Nothing here imports
TensorFlow, so `--help` answers at once.

TensorFlow's C++ log lines stay off stderr (`quiet_native_logs`), so that
bad input prints the `error:` line alone: `TF_CPP_MIN_LOG_LEVEL` is 3
unless the environment sets it (`TF_CPP_MIN_LOG_LEVEL=0` shows them all),
and the lines the native libraries print while they load, which no level
filters, are dropped (replayed if the import fails).
"""

import argparse
import contextlib
import functools
import importlib
import importlib.abc
import importlib.machinery
import math
import os
import sys
import tempfile

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
# Packages whose native libraries log to stderr while they load (absl's
# "before absl::InitializeLog()" lines: no log level filters them).
NOISY_IMPORTS = ("tensorflow", "tensorflow_text")


class ArgumentParser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose errors are one `error:` line.

    argparse prints the usage and `PROG: error: MESSAGE`; this prints
    `error: MESSAGE (see PROG --help)` and exits with status 2, like every
    other expected failure of the entry points.
    """

    def error(self, message):
        fail(f"{message} (see `{self.prog} --help`)")


def add_config_arguments(parser):
    """Adds `--config FILE` and the repeatable `--set KEY=VALUE`."""
    parser.add_argument(
        "--config",
        help="YAML file of config sections (model, data, training, "
        "decoding, memory, distribution, tuning; default: all defaults).",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Override one config field, as SECTION.FIELD=VALUE or "
        "FIELD=VALUE, the value read as YAML (repeatable), e.g. "
        "--set model.units=64.",
    )


def load_config(args, **changes):
    """The `Config` of `--config` and `--set`, then `changes` not `None`."""
    from keras_attention.config import Config

    config = Config.from_yaml(args.config) if args.config else Config()
    config = config.override(args.set)
    return config.replace(
        **{name: value for name, value in changes.items() if value is not None}
    )


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
        quiet_native_logs()
        try:
            return main(*args, **kwargs)
        except Exception as error:
            message = describe(error)
            if message is None:
                raise
            fail(message)

    return wrapped


def quiet_native_logs():
    """Keeps TensorFlow's C++ log lines off stderr from now on.

    Sets `TF_CPP_MIN_LOG_LEVEL` to 3 (errors that matter reach Python as
    exceptions) unless the environment sets it, and makes the first
    imports of `NOISY_IMPORTS` run with file descriptor 2 pointed at a
    temporary file, dropped once the import succeeds and written to
    stderr if it fails. Imports nothing itself; calling it again is a
    no-op.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if not any(isinstance(f, _QuietImportFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietImportFinder())


class _QuietImportFinder(importlib.abc.MetaPathFinder):
    """Finds `NOISY_IMPORTS` as usual, loading them with stderr captured."""

    def find_spec(self, name, path=None, target=None):
        if name not in NOISY_IMPORTS or name in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        # The module keeps the real loader (resources are read through it).
        module.__spec__.loader = module.__loader__ = self.loader
        with _native_stderr_captured():
            self.loader.exec_module(module)


@contextlib.contextmanager
def _native_stderr_captured():
    """File descriptor 2 into a temporary file; replayed on an exception."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    sys.stderr.flush()
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except BaseException:
            sys.stderr.flush()
            os.dup2(saved, 2)
            captured.seek(0)
            os.write(2, captured.read())
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


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
