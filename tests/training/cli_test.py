import subprocess
import sys

import pytest

from training import translate


@pytest.mark.parametrize(
    "module", ["training.train", "training.translate", "training.demo"]
)
def test_help_answers_without_error(module):
    result = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m " + module in result.stdout


def test_translate_cli_prints_source_and_translation(tiny_run, capsys):
    sources = tiny_run.splits["test"][0][:2]
    translations = translate.main([str(tiny_run.run.path), *sources])
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines == [f"{s}\t{t}" for s, t in zip(sources, translations)]
    assert all(t for t in translations)


def test_translate_cli_refuses_an_untrained_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a trained run directory"):
        translate.main([str(tmp_path), "나는 학생 입니다."])
