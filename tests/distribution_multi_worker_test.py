"""`training.train --distribution multi_worker`: two local worker processes.

Each test starts real `python -m training.train` processes with their own
`TF_CONFIG` on free 127.0.0.1 ports (`make test-distributed`).
"""

import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import yaml

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 900
# A survivor must give up this soon after its peer died: TensorFlow's
# cluster health check runs every 30 s (3 tries of up to 10 s each).
LOST_WORKER_SECONDS = 180
TINY = {
    "embedding_dim": 16,
    "units": 16,
    "num_pairs": 600,
    "batch_size": 32,
    "epochs": 2,
    "learning_rate": 0.005,
    "max_decode_length": 16,
}
RUN_FILES = {
    "best.weights.h5",
    "config.yaml",
    "corpus.json",
    "history.json",
    "metrics.json",
    "model.keras",
}


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def start(config_path, run_dir, log, tf_config=None, *extra):
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TF_CONFIG", None)
    if tf_config is not None:
        env["TF_CONFIG"] = json.dumps(tf_config)
    command = [
        sys.executable,
        "-m",
        "training.train",
        "--config",
        str(config_path),
        "--run-dir",
        str(run_dir),
        *extra,
    ]
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def start_workers(tmp_path, config, run_dir):
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    for index in range(2):
        tf_config = {
            "cluster": {"worker": workers},
            "task": {"type": "worker", "index": index},
        }
        processes.append(
            start(
                config_path,
                run_dir,
                tmp_path / f"worker{index}.log",
                tf_config,
                "--distribution",
                "multi_worker",
            )
        )
    return config_path, processes


def wait_all(processes, timeout):
    deadline = time.monotonic() + timeout
    try:
        for process in processes:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)


@pytest.mark.slow
@pytest.mark.distributed
def test_two_workers_train_like_one_process(tmp_path):
    """Two workers of one replica each, global batch 32 (16 per worker).

    The loss curve matches one process with the same global batch within
    1e-2 relative (observed: 3e-4; each worker averages the loss over its
    own tokens, so the mean of the halves differs slightly from the
    batch's mean).
    """
    run_dir = tmp_path / "run"
    config_path, workers = start_workers(tmp_path, TINY, run_dir)
    single = start(config_path, tmp_path / "single", tmp_path / "single.log")
    wait_all([*workers, single], TIMEOUT_SECONDS)
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    for process, log in zip(workers, logs):
        assert process.returncode == 0, log[-3000:]
    assert single.returncode == 0, (tmp_path / "single.log").read_text()

    assert RUN_FILES <= {p.name for p in run_dir.iterdir()}
    assert f"Run saved in {run_dir}" in logs[0]
    assert f"Worker 1 done; the chief saved the run in {run_dir}" in logs[1]

    shares = []
    for index, log in enumerate(logs):
        line = re.search(
            r"this is worker (\d) \((chief|worker)\), training on (\d+) of "
            r"(\d+) pairs per epoch",
            log,
        )
        assert line, log[-3000:]
        assert int(line[1]) == index
        assert line[2] == ("chief" if index == 0 else "worker")
        shares.append(int(line[3]))
        total = int(line[4])
    assert sum(shares) == total == 540
    assert "global batch 32 = 2 x 16 per replica" in logs[0]

    multi = json.loads((run_dir / "history.json").read_text())
    alone = json.loads((tmp_path / "single" / "history.json").read_text())
    for key in ("loss", "val_loss"):
        assert len(multi[key]) == 2
        np.testing.assert_allclose(multi[key], alone[key], rtol=1e-2)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["valid"]["loss"] == pytest.approx(
        multi["val_loss"][-1], abs=1e-3
    )


@pytest.mark.slow
@pytest.mark.distributed
def test_a_killed_worker_stops_the_other_with_a_clear_message(tmp_path):
    run_dir = tmp_path / "run"
    config = {**TINY, "num_pairs": 3000, "epochs": 50, "patience": 50}
    _, workers = start_workers(tmp_path, config, run_dir)
    chief_log = tmp_path / "worker0.log"
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        while "Epoch 2/" not in chief_log.read_text():
            assert workers[0].poll() is None, chief_log.read_text()[-3000:]
            assert time.monotonic() < deadline, "training never started"
            time.sleep(2)
        workers[1].send_signal(signal.SIGKILL)
        killed = time.monotonic()
        workers[0].wait(timeout=LOST_WORKER_SECONDS)
        waited = time.monotonic() - killed
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)
    log = chief_log.read_text()
    assert workers[0].returncode == 1, log[-3000:]
    last = log.strip().splitlines()[-1]
    assert last.startswith(
        "error: multi_worker: lost contact with another worker"
    ), log[-3000:]
    assert waited < LOST_WORKER_SECONDS
    assert "/job:worker/replica:0/task:1" in last
