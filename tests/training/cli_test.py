import io
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from keras_attention.data.corpus_error import CorpusError
from training import cli
from training import translate

ROOT = pathlib.Path(__file__).parents[2]
MODULES = [f"training.{name}" for name in cli.COMMANDS]


def python(*args, stdin=None):
    """Runs `python ARGS` from the repository root; returns the result."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
        input=stdin,
    )


@pytest.mark.parametrize("module", MODULES)
def test_help_answers_without_importing_tensorflow(module):
    # In a fresh interpreter: run the entry point's --help, then check what
    # it imported.
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['{module}', '--help']\n"
        "try:\n"
        f"    runpy.run_module('{module}', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    result = python("-c", code)
    assert result.returncode == 0, result.stderr
    assert f"usage: python -m {module}" in result.stdout
    assert result.stdout.rstrip().endswith("False False"), result.stdout


def test_help_texts_give_defaults():
    # Words only: argparse wraps lines where the terminal width says.
    help_texts = {
        module: " ".join(python("-m", module, "--help").stdout.split())
        for module in MODULES
    }
    assert "Default: saved_models." in help_texts["training.export"]
    assert (
        "Default: the run's config (beam_width)."
        in (help_texts["training.export"])
    )
    assert "(default: 10)" in help_texts["training.tune"]
    assert "(default: runs/demo)" in help_texts["training.demo"]
    assert "(config default: off)" in help_texts["training.train"]
    assert "(default: 0.3)" in help_texts["training.evaluate"]


def test_console_command_dispatches_to_the_entry_points():
    result = python("-m", "training.cli", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: keras-attention [-h] COMMAND" in result.stdout
    for name, module in cli.COMMANDS.items():
        assert f"  {name:<10} {cli.summary(module)}" in result.stdout
    result = python("-m", "training.cli", "export", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: keras-attention export [-h] --name NAME" in result.stdout
    result = python("-m", "training.cli", "fly")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "error: argument COMMAND: invalid choice: 'fly'"
    )


def test_console_command_is_installed_by_setup_cfg():
    import configparser

    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    scripts = setup["options.entry_points"]["console_scripts"].strip()
    assert scripts == "keras-attention = training.cli:main"


def test_an_expected_failure_is_one_line_and_status_2_in_a_process(tmp_path):
    result = python(
        "-m", "training.train", "--config", str(tmp_path / "absent.yaml"),
        "--run-dir", str(tmp_path / "run"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [
        line for line in result.stderr.splitlines() if line.startswith("error")
    ]
    assert errors == [
        f"error: {tmp_path / 'absent.yaml'}: No such file or directory"
    ]
    result = python("-m", "training.cli", "translate", str(tmp_path), stdin="")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: no sentences to translate: give them as arguments or one "
        "per line on stdin"
    )


def test_bad_input_after_tensorflow_loads_is_one_line_of_stderr(tmp_path):
    # Regression: TensorFlow's C++ log lines (printed while its libraries
    # load, whatever TF_CPP_MIN_LOG_LEVEL says, and at the first op) came
    # before the `error:` line. The demo loads TensorFlow before reading
    # its config; train reads the corpus after running TensorFlow ops.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    bad_config = tmp_path / "bad.yaml"
    bad_config.write_text("units: 8\nepoch: 3\n", encoding="utf-8")
    corpus = tmp_path / "bad.tsv"
    corpus.write_text("a\tb\nno columns\n", encoding="utf-8")
    corpus_config = tmp_path / "corpus.yaml"
    corpus_config.write_text(
        f"data:\n  train: {corpus}\n  valid: {corpus}\n", encoding="utf-8"
    )
    cases = [
        (
            ["training.demo", "--config", str(bad_config)],
            f"error: {bad_config}:2: unknown config field 'epoch' (did you "
            "mean 'epochs'?)",
        ),
        (
            ["training.train", "--config", str(corpus_config)],
            f"error: {corpus}:2: expected 2 tab-separated columns (as on "
            "line 1), found 1",
        ),
    ]
    for index, (args, expected) in enumerate(cases):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                *args,
                "--run-dir",
                str(tmp_path / f"{index}"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            env=env,
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [expected]


def test_native_stderr_of_an_import_is_dropped_or_replayed(capfd):
    with cli._native_stderr_captured():
        os.write(2, b"I0000 loaded\n")
    assert capfd.readouterr().err == ""
    with pytest.raises(ImportError, match="no library"):
        with cli._native_stderr_captured():
            os.write(2, b"E0000 missing libfoo.so\n")
            raise ImportError("no library")
    assert capfd.readouterr().err == "E0000 missing libfoo.so\n"


def test_an_unexpected_error_keeps_its_traceback():
    code = (
        "from training import cli\n"
        "@cli.entry_point\n"
        "def main(argv=None):\n"
        "    return {}['missing']\n"
        "cli.run(main)\n"
    )
    result = python("-c", code)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("KeyError: 'missing'")
    assert "error:" not in result.stderr


def test_entry_point_maps_only_expected_errors(capsys):
    def raising(error):
        @cli.entry_point
        def main(argv=None):
            raise error

        return main

    with pytest.raises(SystemExit) as caught:
        raising(CorpusError("train.tsv", 7, "empty line\n(twice)"))()
    assert caught.value.code == 2
    assert capsys.readouterr().err == "error: train.tsv:7: empty line (twice)\n"
    with pytest.raises(SystemExit):
        raising(PermissionError(13, "Permission denied", "c.yaml"))()
    assert capsys.readouterr().err == "error: c.yaml: Permission denied\n"
    # A ValueError that is not a UsageError is a bug: it propagates.
    with pytest.raises(ValueError, match="a bug"):
        raising(ValueError("a bug"))()
    with pytest.raises(OSError, match="No space"):
        raising(OSError(28, "No space left on device"))()
    assert capsys.readouterr().err == ""


def test_main_returns_what_the_entry_point_returns():
    @cli.entry_point
    def main(argv=None, prog="x"):
        return {"argv": argv, "prog": prog}

    assert main(["a"], prog="y") == {"argv": ["a"], "prog": "y"}
    assert [cli.exit_status(r) for r in ({}, None, 0, 1, 2, True)] == [
        0, 0, 0, 1, 2, 0,
    ]  # fmt: skip


def test_translate_cli_prints_source_and_translation(tiny_run, capsys):
    sources = tiny_run.splits["test"][0][:2]
    translations = translate.main([str(tiny_run.run.path), *sources])
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines == [f"{s}\t{t}" for s, t in zip(sources, translations)]
    assert all(t for t in translations)


def test_translate_cli_counts_the_blank_lines_of_stdin_it_skips(
    tiny_run, capsys, monkeypatch
):
    first, second = tiny_run.splits["test"][0][:2]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{first}\r\n\n \n{second}\n"))
    translations = translate.main([str(tiny_run.run.path)])
    captured = capsys.readouterr()
    lines = captured.out.strip().split("\n")
    assert lines == [f"{s}\t{t}" for s, t in zip([first, second], translations)]
    assert captured.err.splitlines()[-1] == (
        f"{translate.PROG}: skipped 2 blank line(s) of stdin; translating 2"
    )


def test_translate_cli_cleans_stdin_as_it_cleans_arguments(
    tiny_run, capsys, monkeypatch
):
    # Regression: stdin lines were `str.strip`ped only, so a line of a
    # zero-width space was a sentence and a tab stayed in the source
    # column; `clean_string` (the model's cleaning) now decides.
    first, second = tiny_run.splits["test"][0][:2]
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO(f"\ufeff{first}\u200b\n\u200b\n\t{second}\u00a0\n"),
    )
    translations = translate.main([str(tiny_run.run.path)])
    captured = capsys.readouterr()
    assert captured.out.strip().split("\n") == [
        f"{s}\t{t}" for s, t in zip([first, second], translations)
    ]
    assert captured.err.splitlines()[-1] == (
        f"{translate.PROG}: skipped 1 blank line(s) of stdin; translating 2"
    )
    arguments = translate.main(
        [str(tiny_run.run.path), f"\ufeff{first}\u200b", f"\t{second}\u00a0"]
    )
    assert arguments == translations
    assert capsys.readouterr().out.strip().split("\n") == [
        f"{s}\t{t}" for s, t in zip([first, second], translations)
    ]


def test_translate_cli_refuses_an_untrained_directory(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        translate.main([str(tmp_path), "나는 학생 입니다."])
    assert caught.value.code == 2
    assert "is not a trained run directory" in capsys.readouterr().err


def test_pip_install_puts_keras_attention_on_the_path(tmp_path):
    # What `pip install .` installs, without dependencies (they are in this
    # environment) and without the network: built from a copy, so the
    # build leaves nothing in the repository.
    source = tmp_path / "source"
    for name in ("keras_attention", "training"):
        shutil.copytree(
            ROOT / name, source / name, ignore=shutil.ignore_patterns("__py*")
        )
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    target = tmp_path / "target"
    python(
        "-m", "pip", "install", "--quiet", "--no-deps",
        "--no-build-isolation", "--target", str(target), str(source),
    ).check_returncode()  # fmt: skip
    assert (target / "training" / "configs" / "demo.yaml").is_file()
    command = str(target / "bin" / "keras-attention")
    env = {**os.environ, "PYTHONPATH": str(target)}

    def run(*args):
        # Outside the repository: only the installed copy can answer.
        return subprocess.run(
            [command, *args], capture_output=True, text=True, cwd=tmp_path,
            env=env, timeout=300,
        )  # fmt: skip

    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert "train      Train an attention encoder-decoder" in result.stdout
    for name in ("train", "translate", "export", "evaluate", "tune"):
        result = run(name, "--help")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"usage: keras-attention {name} ")
    result = run("train", "--run-dir", "r", "--config", "absent.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: absent.yaml: No such file or directory"
    )
