"""Every entry point answers bad input with one `error:` line and status 2.

Each case calls an entry point's `main(argv)` in this process and checks
that it raises `SystemExit(2)` after printing exactly one line on stderr,
`error: …`, naming the file (and line) or the field. `CASES` counts them
per entry point.
"""

import io
import pathlib
import re

import pytest

from training import demo
from training import evaluate
from training import export
from training import train
from training import translate
from training import tune

TSV = "나는 학생 입니다.\tI am a student.\n그는 의사 입니다.\tHe is a doctor.\n"


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding)
    return str(path)


def config_cases(prefix):
    """Bad `--config` files: (name, argv maker, expected) for any command."""
    return [
        (
            "missing config",
            lambda t: [*prefix(t), "--config", str(t / "nope.yaml")],
            r"nope\.yaml: No such file or directory",
        ),
        (
            "config is a directory",
            lambda t: [*prefix(t), "--config", str(t)],
            r"Is a directory",
        ),
        (
            "unknown field",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", "units: 8\nepoch: 3\n"),
            ],
            r"c\.yaml:2: unknown config field 'epoch' \(did you mean "
            r"'epochs'\?\)",
        ),
        (
            "wrong type",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", "units: 8\nbatch_size: many\n"),
            ],
            r"c\.yaml:2: Config field 'training.batch_size' expects int\. "
            r"Received: batch_size='many'",
        ),
        (
            "impossible value",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", "epochs: 0\n"),
            ],
            r"c\.yaml:1: Config field 'training.epochs' must be >= 1\. "
            r"Received: epochs=0",
        ),
        (
            "unknown choice",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", "units: 8\n\ncell: rnn\n"),
            ],
            r"c\.yaml:3: Config field 'model.cell' must be one of \('gru', "
            r"'lstm'\)",
        ),
        (
            "invalid YAML",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", "units: 8\nepochs: [3\n"),
            ],
            r"c\.yaml:3: not valid YAML",
        ),
        (
            "YAML not a mapping",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", "- units\n"),
            ],
            r"c\.yaml: expected a mapping of config sections",
        ),
        (
            "config not UTF-8",
            lambda t: [
                *prefix(t),
                "--config",
                write(t / "c.yaml", b"units: 8\ncell: \xff\n"),
            ],
            r"c\.yaml:2: invalid UTF-8",
        ),
    ]


def corpus(t, train_text=TSV, valid_text=TSV):
    return [
        "--run-dir",
        str(t / "run"),
        "--train",
        write(t / "train.tsv", train_text),
        "--valid",
        write(t / "valid.tsv", valid_text),
    ]


def empty_run(t):
    (t / "run").mkdir(exist_ok=True)
    return str(t / "run")


def broken_run(t):
    """A run directory whose model.keras is not a .keras file."""
    from keras_attention.config import Config

    run = t / "run"
    run.mkdir(exist_ok=True)
    Config().replace(units=8).to_yaml(run / "config.yaml")
    vocabulary = "[PAD]\n[UNK]\n[START]\n[END]\na\n"
    write(run / "source_vocabulary.txt", vocabulary)
    write(run / "target_vocabulary.txt", vocabulary)
    write(run / "model.keras", b"PK\x03\x04 cut short")
    return str(run)


def run_without(t, name):
    """`broken_run` without the file `name`."""
    run = pathlib.Path(broken_run(t))
    (run / name).unlink()
    return str(run)


def run_with(t, name, text):
    """`broken_run` with the file `name` holding `text`."""
    run = pathlib.Path(broken_run(t))
    write(run / name, text)
    return str(run)


def run_dir(t):
    return ["--run-dir", str(t / "run")]


def started_run(t, metrics=False, **changes):
    """`corpus(t)` with RUN_DIR/config.yaml of a run started before.

    The run's config is the one `corpus(t)` trains with, with `changes`;
    `metrics` adds the metrics.json of a finished run.
    """
    from keras_attention.config import Config

    argv = corpus(t)
    run = t / "run"
    run.mkdir()
    config = Config().replace(
        train=str(t / "train.tsv"), valid=str(t / "valid.tsv")
    )
    config.replace(**changes).to_yaml(run / "config.yaml")
    if metrics:
        write(run / "metrics.json", "{}\n")
    return argv


# train and demo write the bundled corpus into RUN_DIR/data first.
RUN_DIR_IS_A_FILE = (
    "run directory is a file",
    lambda t: [
        "--run-dir",
        write(t / "run", "x"),
        "--config",
        write(t / "c.yaml", "data:\n  num_pairs: 100\n"),
    ],
    r"run/data: Not a directory|run: File exists",
)
CASES = {
    "train": [
        *config_cases(run_dir),
        (
            "missing training file",
            lambda t: [
                *run_dir(t),
                "--train",
                str(t / "absent.tsv"),
                "--valid",
                write(t / "v.tsv", TSV),
            ],
            r"absent\.tsv: no such corpus file",
        ),
        (
            "malformed corpus line",
            lambda t: corpus(t, train_text=TSV + "한 줄\n"),
            r"train\.tsv:3: expected 2 tab-separated columns \(as on line "
            r"1\), found 1",
        ),
        (
            "corpus line not UTF-8",
            lambda t: corpus(t, train_text=TSV.encode() + b"\xff\tx\n"),
            r"train\.tsv:3: invalid UTF-8",
        ),
        (
            "empty validation split",
            lambda t: corpus(t, valid_text=""),
            r"valid\.tsv: the file has no sentence pairs \(it is empty\)",
        ),
        (
            "train without valid",
            lambda t: [*run_dir(t), "--train", write(t / "t.tsv", TSV)],
            r"Config field 'data.valid' is needed with 'train'",
        ),
        (
            "valid without train",
            lambda t: [*run_dir(t), "--valid", write(t / "v.tsv", TSV)],
            r"Config field 'data.valid' needs 'train' too",
        ),
        (
            "aligned format without languages",
            lambda t: [*corpus(t), "--corpus-format", "aligned"],
            r"Config field 'data.source_language' is needed by corpus_format "
            r"'aligned'",
        ),
        (
            "bad option value",
            lambda t: [*run_dir(t), "--max-train-seconds", "-5"],
            r"argument --max-train-seconds: expected a number >= 0, got '-5' "
            r"\(see `python -m training.train --help`\)",
        ),
        RUN_DIR_IS_A_FILE,
        (
            "run directory holds a finished run",
            lambda t: started_run(t, metrics=True),
            r"run holds a finished run \(metrics\.json exists\)\. Pass "
            r"--overwrite",
        ),
        (
            "run directory holds a run with another config",
            lambda t: started_run(t, units=16),
            r"run holds a run with another config \(changed: model\.units: "
            r"16 -> 256\)",
        ),
    ],
    "translate": [
        ("untrained run directory", lambda t: [empty_run(t), "나는"], None),
        (
            "no such run directory",
            lambda t: [str(t / "run"), "나는"],
            None,
        ),
        (
            "model file not a .keras archive",
            lambda t: [broken_run(t), "나는"],
            r"run/model\.keras: not a \.keras model file",
        ),
        (
            "run directory without its vocabulary",
            lambda t: [run_without(t, "source_vocabulary.txt"), "나는"],
            r"run/source_vocabulary\.txt: No such file or directory",
        ),
        (
            "bad vocabulary file",
            lambda t: [run_with(t, "target_vocabulary.txt", "a\nb\n"), "나"],
            r"run/target_vocabulary\.txt: not a vocabulary file: The "
            r"vocabulary must hold",
        ),
        (
            "impossible value in the run's config.yaml",
            lambda t: [run_with(t, "config.yaml", "units: -3\n"), "나는"],
            r"run/config\.yaml:1: Config field 'model.units' must be >= 1",
        ),
        (
            "no sentences on stdin",
            lambda t: [empty_run(t)],
            r"no sentences to translate",
        ),
    ],
    "export": [
        (
            "untrained run directory",
            lambda t: [empty_run(t), "--name", "m"],
            r"Refusing to export .*run: it holds no trained model "
            r"\(model\.keras is missing\)",
        ),
        (
            "model file not a .keras archive",
            lambda t: [broken_run(t), "--name", "m"],
            r"run/model\.keras: not a \.keras model file",
        ),
        (
            "bad --beam-width",
            lambda t: [empty_run(t), "--name", "m", "--beam-width", "0"],
            r"argument --beam-width: expected an integer >= 1, got '0'",
        ),
        (
            "bad --length-penalty",
            lambda t: [empty_run(t), "--name", "m", "--length-penalty", "x"],
            r"argument --length-penalty: expected a number >= 0, got 'x'",
        ),
        (
            "missing --name",
            lambda t: [empty_run(t)],
            r"the following arguments are required: --name",
        ),
    ],
    "evaluate": [
        (
            "missing test file",
            lambda t: [empty_run(t), "--data", str(t / "absent.tsv")],
            r"absent\.tsv: no such corpus file",
        ),
        (
            "malformed test file",
            lambda t: [
                empty_run(t),
                "--data",
                write(t / "test.tsv", TSV + "\t\n"),
            ],
            r"test\.tsv:3: empty line",
        ),
        (
            "empty test file",
            lambda t: [empty_run(t), "--data", write(t / "test.tsv", "")],
            r"test\.tsv: the file has no sentence pairs \(it is empty\)",
        ),
        (
            "neither a run nor a SavedModel",
            lambda t: [empty_run(t), "--data", write(t / "test.tsv", TSV)],
            r"run is neither a run directory \(no model\.keras\) nor a "
            r"SavedModel",
        ),
        (
            "model file not a .keras archive",
            lambda t: [broken_run(t), "--data", write(t / "test.tsv", TSV)],
            r"run/model\.keras: not a \.keras model file",
        ),
        (
            "bad --aer-threshold",
            lambda t: [empty_run(t), "--data", "x", "--aer-threshold", "2"],
            r"argument --aer-threshold: expected a number in \[0, 1\]",
        ),
    ],
    "tune": [
        *config_cases(lambda t: ["--project-dir", str(t / "project")]),
        (
            "unknown search_space key",
            lambda t: [
                "--project-dir",
                str(t / "project"),
                "--config",
                write(
                    t / "c.yaml",
                    "tuning:\n  search_space:\n    hidden_units: [64]\n",
                ),
            ],
            r"search_space: unknown key\(s\) \['hidden_units'\]",
        ),
        (
            "impossible search_space value",
            lambda t: [
                "--project-dir",
                str(t / "project"),
                "--config",
                write(
                    t / "c.yaml",
                    "tuning:\n  search_space:\n    dropout: [0.5, 1.5]\n",
                ),
            ],
            r"search_space\['dropout'\]: Config field 'model.dropout' must be "
            r"< 1",
        ),
        (
            "bad --max-trials",
            lambda t: ["--project-dir", str(t), "--max-trials", "0"],
            r"argument --max-trials: expected an integer >= 1, got '0'",
        ),
        (
            "project directory of another search",
            lambda t: [
                "--project-dir",
                str(pathlib.Path(write(t / "p" / "search.json", "{}")).parent),
            ],
            r"p holds a different search \(changed: ",
        ),
    ],
    "demo": [
        *config_cases(lambda t: ["--run-dir", str(t / "run")]),
        RUN_DIR_IS_A_FILE,
    ],
}
MAINS = {
    "train": train.main,
    "translate": translate.main,
    "export": export.main,
    "evaluate": evaluate.main,
    "tune": tune.main,
    "demo": demo.main,
}
UNTRAINED = r"run is not a trained run directory: model\.keras is missing"


def cases():
    for command, entries in CASES.items():
        for name, argv, *expected in entries:
            expected = (expected or [None])[0] or UNTRAINED
            yield pytest.param(command, argv, expected, id=f"{command}: {name}")


@pytest.mark.parametrize("command, argv, expected", list(cases()))
def test_bad_input_is_one_error_line_and_status_2(
    command, argv, expected, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n  \n"))
    with pytest.raises(SystemExit) as caught:
        MAINS[command](argv(tmp_path))
    assert caught.value.code == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert re.search(expected, lines[0]), lines[0]


def test_every_entry_point_has_cases():
    counts = {command: len(entries) for command, entries in CASES.items()}
    assert counts == {
        "train": 20,
        "translate": 7,
        "export": 5,
        "evaluate": 6,
        "tune": 13,
        "demo": 10,
    }
