import subprocess
import sys

import matplotlib.image

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from training import plot


def test_help_answers_without_error():
    result = subprocess.run(
        [sys.executable, "-m", "training.plot", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m training.plot" in result.stdout


def test_attention_and_history_commands(tiny_run, tmp_path, capsys):
    run_dir = str(tiny_run.run.path)
    heatmap = plot.main(
        [
            "attention",
            run_dir,
            NOTE_SENTENCE,
            "--output",
            str(tmp_path / "a.png"),
        ]
    )
    curves = plot.main(
        ["history", run_dir, "--output", str(tmp_path / "h.png")]
    )
    assert matplotlib.image.imread(heatmap).shape[2] == 4  # RGBA PNG
    assert matplotlib.image.imread(curves).shape[:2] == (418, 1100)
    printed = capsys.readouterr().out
    assert printed.startswith(NOTE_SENTENCE + "\t")
    assert f"Wrote {tmp_path / 'h.png'}" in printed
