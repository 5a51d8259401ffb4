"""Keras Tuner's chief/worker mode: one chief and two workers, all local."""

import json
import socket
import time

import pytest

TIMEOUT_SECONDS = 600
SPLITS = ("train", "valid", "test")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.distributed
def test_chief_and_two_workers_share_one_search(tmp_path, tune_cli):
    config_path = tune_cli.write_config(tmp_path, tune_cli.tiny_search)
    project = tmp_path / "project"
    command = tune_cli.command(
        config_path, project, "--tuner", "random", "--max-trials", "4"
    )
    oracle = {
        "KERASTUNER_ORACLE_IP": "127.0.0.1",
        "KERASTUNER_ORACLE_PORT": str(free_port()),
    }
    names = ("chief", "tuner0", "tuner1")
    processes = {}
    try:
        for name in names:
            processes[name] = tune_cli.start(
                command,
                tmp_path / f"{name}.log",
                KERASTUNER_TUNER_ID=name,
                **oracle,
            )
        deadline = time.monotonic() + TIMEOUT_SECONDS
        # The chief writes the corpus once; a rewrite (even atomic) would
        # change a file's inode.
        corpus = [project / "data" / f"{s}.tsv" for s in SPLITS]
        while not all(path.exists() for path in corpus):
            assert time.monotonic() < deadline, "the corpus never appeared"
            time.sleep(0.05)
        written = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in corpus]
        for name in names:
            remaining = max(1.0, deadline - time.monotonic())
            processes[name].wait(timeout=remaining)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in names}
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in corpus] == (
        written
    )
    # Workers wrote no shared file (their tokenizers stayed in memory).
    assert not (project / "corpus.json").exists()
    assert not (project / "source_vocabulary.txt").exists()
    for name in names:
        assert processes[name].returncode == 0, logs[name][-3000:]

    summary = json.loads((project / "summary.json").read_text())
    trials = summary["trials"]
    assert len(trials) == 4
    assert {t["status"] for t in trials} == {"COMPLETED"}
    # Both workers ran trials; the chief only served the oracle.
    assert {t["worker"] for t in trials} == {"tuner0", "tuner1"}
    assert "Role: chief" in logs["chief"]
    assert "Worker finished its trials" in logs["tuner0"]
    scores = [t["val_loss"] for t in trials]
    assert summary["best_score"] == min(scores)
