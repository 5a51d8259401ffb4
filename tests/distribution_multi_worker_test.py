"""`training.train --distribution multi_worker`: two local worker processes.

Each test starts real `python -m training.train` processes with their own
`TF_CONFIG` on free 127.0.0.1 ports (`make test-distributed`).
"""

import json
import os
import pathlib
import re
import shutil
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


def start(config_path, run_dir, log, tf_config=None, *extra, tmpdir=None):
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
    }
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
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


def start_workers(
    tmp_path, config, run_dir, workers=None, logs="worker", tmpdir=None
):
    """Two workers on `workers` (addresses; default: two free ports).

    Their logs are `tmp_path / f"{logs}{index}.log"`.
    """
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    if workers is None:
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
                tmp_path / f"{logs}{index}.log",
                tf_config,
                "--distribution",
                "multi_worker",
                tmpdir=tmpdir,
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


def kill_in_epoch_2(tmp_path, workers, victim, logs="worker"):
    """Kills `workers[victim]` once the chief has started epoch 2.

    Returns:
        The seconds the survivor took to exit after the kill.
    """
    chief_log = tmp_path / f"{logs}0.log"
    survivor = workers[1 - victim]
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        while "Epoch 2/" not in chief_log.read_text():
            assert workers[0].poll() is None, chief_log.read_text()[-3000:]
            assert time.monotonic() < deadline, "training never started"
            time.sleep(0.5)
        workers[victim].send_signal(signal.SIGKILL)
        killed = time.monotonic()
        survivor.wait(timeout=LOST_WORKER_SECONDS)
        return time.monotonic() - killed
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)


def assert_lost_worker(process, log, peer):
    assert process.returncode == 1, log[-3000:]
    last = log.strip().splitlines()[-1]
    assert last.startswith(
        "error: multi_worker: lost contact with another worker"
    ), log[-3000:]
    assert f"/job:worker/replica:0/task:{peer}" in last


@pytest.mark.slow
@pytest.mark.distributed
def test_a_killed_worker_stops_the_other_with_a_clear_message(tmp_path):
    run_dir = tmp_path / "run"
    config = {**TINY, "num_pairs": 3000, "epochs": 50, "patience": 50}
    # The killed worker cannot remove its temporary directory.
    _, workers = start_workers(tmp_path, config, run_dir, tmpdir=tmp_path)
    waited = kill_in_epoch_2(tmp_path, workers, victim=1)
    log = (tmp_path / "worker0.log").read_text()
    assert_lost_worker(workers[0], log, peer=1)
    assert waited < LOST_WORKER_SECONDS


@pytest.mark.slow
@pytest.mark.distributed
@pytest.mark.parametrize(
    "victim", [1, 0], ids=["worker-killed", "chief-killed"]
)
def test_rerunning_the_workers_after_a_kill_resumes_the_run(tmp_path, victim):
    """A worker is killed in epoch 2; the same two commands again finish.

    Both workers continue from the chief's last backup (the same epoch,
    weights and optimizer state, or their collectives would disagree).
    Worker 1's temporary directory is gone when it exits, also when its
    fit raised (the chief killed).
    """
    run_dir = tmp_path / "run"
    epochs = 4
    config = {**TINY, "num_pairs": 3000, "epochs": epochs, "patience": 50}
    addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
    temporary = {name: tmp_path / name for name in ("tmp-killed", "tmp-rerun")}
    for path in temporary.values():
        path.mkdir()
    _, workers = start_workers(
        tmp_path, config, run_dir, addresses, tmpdir=temporary["tmp-killed"]
    )
    kill_in_epoch_2(tmp_path, workers, victim)
    survivor = 1 - victim
    log = (tmp_path / f"worker{survivor}.log").read_text()
    assert_lost_worker(workers[survivor], log, peer=victim)
    assert (run_dir / "backup" / "state.json").exists()
    if victim == 0:
        # Only worker 1 makes temporary directories; it removed them.
        assert not [p for p in temporary["tmp-killed"].iterdir() if p.is_dir()]

    _, workers = start_workers(
        tmp_path,
        config,
        run_dir,
        addresses,
        logs="rerun",
        tmpdir=temporary["tmp-rerun"],
    )
    wait_all(workers, TIMEOUT_SECONDS)
    logs = [(tmp_path / f"rerun{i}.log").read_text() for i in range(2)]
    for process, log in zip(workers, logs):
        assert process.returncode == 0, log[-3000:]
    resumed = []
    for log in logs:
        line = re.search(
            r"Resuming from (\S+): (\d+) epochs done, continuing with epoch "
            rf"(\d+)/{epochs}\.",
            log,
        )
        assert line, log[-3000:]
        resumed.append(int(line[3]))
    # Both continue where the chief's backup is, from its directory.
    assert resumed[0] == resumed[1] > 1
    assert f"Resuming from {run_dir / 'backup'}:" in logs[0]
    assert f"Run saved in {run_dir}" in logs[0]

    assert RUN_FILES <= {p.name for p in run_dir.iterdir()}
    assert not (run_dir / "backup").exists()
    history = json.loads((run_dir / "history.json").read_text())
    for key in ("loss", "val_loss"):
        assert len(history[key]) == epochs
        assert all(np.isfinite(history[key]))
    training = json.loads((run_dir / "training.json").read_text())
    assert training["epochs"] == epochs
    assert [r["epoch"] for r in training["resumed_from"]] == [resumed[0] - 1]
    # The rerun workers removed their temporary directories.
    assert list(temporary["tmp-rerun"].iterdir()) == []


@pytest.mark.slow
@pytest.mark.distributed
def test_a_worker_that_cannot_see_the_chiefs_backup_is_refused(tmp_path):
    """Worker 1 reruns on a copy of the run directory without the backup.

    It would start from scratch while the chief continues: both stop with
    the same one-line error instead of hanging in mismatched collectives.
    """
    run_dir = tmp_path / "run"
    config = {**TINY, "num_pairs": 3000, "epochs": 4, "patience": 50}
    addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
    config_path, workers = start_workers(
        tmp_path, config, run_dir, addresses, tmpdir=tmp_path
    )
    kill_in_epoch_2(tmp_path, workers, victim=1)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(run_dir, elsewhere, ignore=shutil.ignore_patterns("backup"))

    workers = []
    for index, directory in enumerate((run_dir, elsewhere)):
        tf_config = {
            "cluster": {"worker": addresses},
            "task": {"type": "worker", "index": index},
        }
        workers.append(
            start(
                config_path,
                directory,
                tmp_path / f"rerun{index}.log",
                tf_config,
                "--distribution",
                "multi_worker",
                tmpdir=tmp_path,
            )
        )
    wait_all(workers, TIMEOUT_SECONDS)
    for index, process in enumerate(workers):
        log = (tmp_path / f"rerun{index}.log").read_text()
        assert process.returncode == 2, log[-3000:]
        last = log.strip().splitlines()[-1]
        assert re.match(
            r"error: multi_worker: the workers would start from different "
            r"points of the run \(\[epoch, batch, optimizer step\] of each "
            r"replica: \[\[1, 0, [1-9]\d*\], \[0, 0, 0\]\]\)",
            last,
        ), log[-3000:]
    assert (run_dir / "backup" / "state.json").exists()
