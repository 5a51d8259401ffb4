import subprocess
import sys

import pytest

from keras_attention.config import Config
from keras_attention.task.run_directory import RunDirectory
from keras_attention.task.stages import save_tokenizers
from keras_attention.text.word_tokenizer import WordTokenizer

WORDS = WordTokenizer.from_texts(["a b c"])


def test_load_needs_no_other_import(tiny_run):
    # Regression: loading failed with "Could not locate class
    # 'EncoderDecoder'" unless the caller had imported the trainer first.
    code = (
        "import sys\n"
        "from keras_attention.task.stages import load_run\n"
        "model, *_ = load_run(sys.argv[1])\n"
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


def test_status_follows_the_files_of_a_run(tmp_path):
    run = RunDirectory(tmp_path / "run")
    assert run.status() == "new"
    save_tokenizers(run.path, WORDS, WORDS, Config())
    assert run.status() == "prepared"
    (run.backup_path).mkdir()
    (run.backup_path / "state.json").write_text("{}")
    assert run.status() == "training"
    run.save_json("training.json", {"epochs": 1})
    assert run.status() == "trained"
    run.save_json("metrics.json", {})
    assert run.status() == "finished"
    with pytest.raises(FileExistsError, match="holds a finished run"):
        run.check_not_finished()


def test_a_run_continues_only_with_its_config(tmp_path):
    run = RunDirectory(tmp_path)
    run.check_config(Config().replace(units=8))
    save_tokenizers(run.path, WORDS, WORDS, Config().replace(units=8))
    run.check_config(Config().replace(units=8))
    with pytest.raises(
        FileExistsError,
        match=r"another config \(changed: model\.units: 8 -> 16\)",
    ):
        run.check_config(Config().replace(units=16))


def test_clear_removes_the_run_and_nothing_else(tmp_path):
    run = RunDirectory(tmp_path)
    save_tokenizers(run.path, WORDS, WORDS, Config())
    run.save_json("metrics.json", {})
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.tsv").write_text("a\tb\n")
    (tmp_path / "backup").mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    run.clear()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "notes.txt"]
    assert run.status() == "new"
