"""Distributed tuning: the chief writes the shared files once; workers read.

The multi-process version (a chief and two workers) is in
distributed_test.py, behind the `distributed` marker.
"""

import threading

import pytest

from keras_attention.config import Config
from keras_attention.data import corpus_splits
from keras_attention.task.trainer import Trainer
from keras_attention.tuning import config_search
from keras_attention.tuning.config_search import ConfigSearch

CONFIG = Config().replace(
    embedding_dim=8, units=8, num_pairs=200, batch_size=32, epochs=1
)


def snapshot(directory):
    """`{path: (inode, mtime)}`: a rewrite, even atomic, changes the inode."""
    return {
        str(path.relative_to(directory)): (
            path.stat().st_ino,
            path.stat().st_mtime_ns,
        )
        for path in sorted(directory.rglob("*"))
    }


def test_a_worker_waits_for_the_chiefs_corpus_and_writes_nothing(tmp_path):
    workers = []
    worker = threading.Thread(
        target=lambda: workers.append(
            Trainer(CONFIG, tmp_path, verbose=False, chief=False)
        )
    )
    worker.start()
    chief = Trainer(CONFIG, tmp_path, verbose=False)
    worker.join(timeout=60)
    [worker] = workers
    before = snapshot(tmp_path)
    assert sorted(before) == [
        "data",
        "data/test.tsv",
        "data/train.tsv",
        "data/valid.tsv",
    ]
    assert worker.splits["valid"] == chief.splits["valid"]
    worker.prepare()
    worker.build_model()
    # No corpus.json, tokenizers or config.yaml from a worker.
    assert snapshot(tmp_path) == before
    chief.prepare()
    assert worker.source_tokenizer.vocabulary == (
        chief.source_tokenizer.vocabulary
    )
    assert (tmp_path / "config.yaml").exists()


def test_a_worker_without_a_chief_gives_up_naming_the_files(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(corpus_splits, "CHIEF_TIMEOUT_SECONDS", 0.2)
    with pytest.raises(TimeoutError, match=r"for the chief to write .*\.tsv"):
        Trainer(CONFIG, tmp_path, chief=False)
    assert list(tmp_path.iterdir()) == []


def test_a_search_worker_reads_the_chiefs_search_file(tmp_path, monkeypatch):
    monkeypatch.setattr(config_search, "CHIEF_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", "1")
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "tuner0")
    with pytest.raises(TimeoutError, match="search.json"):
        ConfigSearch(CONFIG, tmp_path / "project")
    assert not (tmp_path / "project").exists()
