import subprocess
import sys


def test_load_needs_no_other_import(tiny_run):
    # Regression: RunDirectory.load failed with "Could not locate class
    # 'EncoderDecoder'" unless the caller had imported the trainer first.
    code = (
        "import sys\n"
        "from keras_attention.run_directory import RunDirectory\n"
        "model, *_ = RunDirectory(sys.argv[1]).load()\n"
        "print(type(model).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tiny_run.run.path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("EncoderDecoder")
