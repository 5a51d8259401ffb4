"""Tiny searches: 1,500 bundled pairs, units 16-32, one epoch per trial."""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import types

import pytest
import yaml

ROOT = pathlib.Path(__file__).parents[2]

TINY_SEARCH = {
    "embedding_dim": 16,
    "units": 16,
    "num_pairs": 1500,
    "batch_size": 64,
    "epochs": 1,
    "learning_rate": 0.005,
    "max_decode_length": 24,
    "decoder": "luong",
    # The exported best run carries the training pairs' memory.
    "translation_memory": "exact",
    "search_space": {
        "embedding_dim": [16],
        "units": {"min": 16, "max": 32, "step": 16},
        "num_layers": [1],
        "cell": ["gru", "lstm"],
        "bidirectional": [False],
        "dropout": [0.0],
        "learning_rate": {"min": 1e-3, "max": 1e-2, "sampling": "log"},
        "decoder": ["luong"],
        "score_mode": ["dot", "general"],
    },
}


@pytest.fixture
def tiny_search():
    """The `Config` fields of a tiny search (a fresh dict)."""
    return json.loads(json.dumps(TINY_SEARCH))


def write_config(directory, values):
    path = pathlib.Path(directory) / "tiny.yaml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path


def tune_command(config_path, project_dir, *extra):
    return [
        sys.executable,
        "-m",
        "training.tune",
        "--config",
        str(config_path),
        "--project-dir",
        str(project_dir),
        "--verbose",
        "0",
        *extra,
    ]


def start(command, log_path, **environment):
    """Starts a CLI process in the repository, output to `log_path`."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **environment}
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def files_of(directory):
    """`{name: bytes}` of the files of a trial directory."""
    return {
        path.name: path.read_bytes()
        for path in sorted(pathlib.Path(directory).iterdir())
        if path.is_file()
    }


@pytest.fixture(scope="session")
def tune_cli():
    """Helpers to run `python -m training.tune` in subprocesses."""
    return types.SimpleNamespace(
        tiny_search=TINY_SEARCH,
        write_config=write_config,
        command=tune_command,
        start=start,
    )


@pytest.fixture(scope="session")
def resumed_search(tmp_path_factory):
    """A 3-trial random search killed during trial 1, then rerun.

    The first run is the CLI in a subprocess, killed with SIGKILL as soon
    as trial 1 has started (trial_1/trial.json exists, so trial 0 has
    ended and been saved). The rerun is the same command (in this process)
    plus `--export-best`. Returns the project, the snapshots taken at the
    kill and the rerun's result.
    """
    from training import tune

    root = tmp_path_factory.mktemp("resumed_search")
    config_path = write_config(root, TINY_SEARCH)
    project = root / "project"
    command = tune_command(
        config_path, project, "--tuner", "random", "--max-trials", "3"
    )
    process = start(command, root / "first_run.log")
    started = project / "trial_1" / "trial.json"
    try:
        deadline = time.monotonic() + 300
        while not started.exists():
            assert process.poll() is None, (root / "first_run.log").read_text()
            assert time.monotonic() < deadline, "trial 1 never started"
            time.sleep(0.1)
        # trial.json is written before oracle.json: let both land.
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
    at_kill = types.SimpleNamespace(
        returncode=process.returncode,
        trial_0=files_of(project / "trial_0"),
        trial_1=files_of(project / "trial_1"),
    )
    result = tune.main(
        command[3:] + ["--export-best", "best", "--runs-dir", str(root)]
    )
    return types.SimpleNamespace(
        project=project, at_kill=at_kill, result=result, run_dir=root / "best"
    )


def pytest_configure(config):
    # Also to be registered in setup.cfg; here so that these tests run
    # (warnings are errors) before that line lands.
    config.addinivalue_line(
        "markers",
        "distributed: Keras Tuner chief/worker processes on 127.0.0.1; "
        "run with `make test-distributed`",
    )
