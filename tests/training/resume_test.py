"""`python -m training.train` killed with SIGKILL, then rerun: it resumes.

Each killed run is a real subprocess of the CLI; `kill_hook/sitecustomize.py`
(on its PYTHONPATH) makes it SIGKILL itself at a named point (`KILL_AT`).
The final rerun is the same command in this process.
"""

import json
import os
import pathlib
import signal
import subprocess
import sys

import pytest
import yaml

from keras_attention.task.run_directory import RunDirectory

ROOT = pathlib.Path(__file__).parents[2]
HOOK = pathlib.Path(__file__).parent / "kill_hook"

# 400 bundled pairs: 360 train (13 length-bucketed batches of up to 32 an
# epoch), 20 valid, 20 test.
TINY = {
    "embedding_dim": 16,
    "units": 16,
    "num_pairs": 400,
    "batch_size": 32,
    "epochs": 3,
    "learning_rate": 0.01,
    "patience": 10,
    "max_decode_length": 12,
    "backup_every_steps": 5,
}


def command(config, run_dir, *extra):
    return [
        "--config",
        str(config),
        "--run-dir",
        str(run_dir),
        *extra,
    ]


def run_killed(arguments, kill_at, log):
    """Runs the CLI in a subprocess that SIGKILLs itself at `kill_at`."""
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "KILL_AT": kill_at,
        "PYTHONPATH": os.pathsep.join(
            [str(HOOK), str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
    }
    with open(log, "wb") as output:
        process = subprocess.run(
            [sys.executable, "-m", "training.train", *arguments],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=600,
        )
    text = pathlib.Path(log).read_text(errors="replace")
    assert process.returncode == -signal.SIGKILL, text[-3000:]
    assert f"KILL_AT {kill_at}: killing myself" in text
    return text


def backup_state(run_dir):
    path = RunDirectory(run_dir).backup_path / "state.json"
    return json.loads(path.read_text()) if path.exists() else None


def write_config(directory, **changes):
    path = pathlib.Path(directory) / "tiny.yaml"
    path.write_text(yaml.safe_dump({**TINY, **changes}))
    return path


def check_complete(run_dir, epochs):
    run = RunDirectory(run_dir)
    assert run.status() == "finished"
    history = json.loads((run.path / "history.json").read_text())
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert {len(values) for values in history.values()} == {epochs}
    training = json.loads((run.path / "training.json").read_text())
    assert training["epochs"] == epochs
    assert training["best_epoch"] == history["val_loss"].index(
        min(history["val_loss"])
    )
    metrics = json.loads((run.path / "metrics.json").read_text())
    assert metrics["test"]["sentences"] == 20
    assert not run.backup_path.exists()
    assert not [p for p in run.path.rglob(".tmp-*")]
    return history, metrics


# Slow (about a minute): the in-process restarts of run_backup_test run by
# default; this one kills a real training process.
@pytest.mark.slow
def test_killed_mid_epoch_during_a_save_and_evaluating_then_resumed(
    tmp_path, capsys
):
    from training import train

    config = write_config(tmp_path)
    run_dir = tmp_path / "run"
    arguments = command(config, run_dir)
    kills = {}

    # 1. Mid-epoch: before batch 8 of epoch 1; the last backup is the step
    #    backup after batch 5 of that epoch.
    run_killed(arguments, "batch:1:8", tmp_path / "1.log")
    state = backup_state(run_dir)
    kills["batch:1:8"] = (state["epoch"], state["step"])
    assert kills["batch:1:8"] == (1, 5)
    assert len(state["history"]["loss"]) == 1

    # 2. During a save: the rerun resumes at epoch 1 (batch 0, weights of
    #    batch 5) and is killed writing its 3rd backup (the end of epoch
    #    1: steps 5 and 10 came first). The previous backup is kept.
    log = run_killed(arguments, "save:weights:3", tmp_path / "2.log")
    assert "Resuming from" in log and "epoch 2" in log
    state = backup_state(run_dir)
    kills["save:weights:3"] = (state["epoch"], state["step"])
    assert kills["save:weights:3"] == (1, 10)
    assert len(state["history"]["loss"]) == 1

    # 3. During the final evaluation (the test split): training finished
    #    and the run is saved, the metrics are not.
    run_killed(arguments, "evaluate:2", tmp_path / "3.log")
    assert RunDirectory(run_dir).status() == "trained"
    assert backup_state(run_dir) is None

    # 4. The same command again: evaluates only.
    train.main(arguments)
    history, metrics = check_complete(run_dir, epochs=3)
    assert history["loss"][-1] < history["loss"][0]

    # 5. And once more: a finished run is refused (one error line, exit 2).
    with pytest.raises(SystemExit) as exit:
        train.main(arguments)
    assert exit.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"error: {run_dir} holds a finished run (metrics.json exists). Pass "
        "--overwrite to train it again, or choose another --run-dir."
    )
    training = json.loads((run_dir / "training.json").read_text())
    assert training["resumed_from"] == [
        {"epoch": 1, "step": 5},
        {"epoch": 1, "step": 10},
    ]


@pytest.mark.slow
def test_killed_between_epochs_committing_and_validating_then_resumed(
    tmp_path,
):
    from training import train

    config = write_config(tmp_path, backup_every_steps=None)
    run_dir = tmp_path / "run"
    arguments = command(config, run_dir)

    # 1. Between epochs: at the start of epoch 1, after epoch 0's backup.
    run_killed(arguments, "epoch:1", tmp_path / "1.log")
    state = backup_state(run_dir)
    assert (state["epoch"], state["step"]) == (1, 0)

    # 2. Committing: epoch 1's weights file is renamed into place, the
    #    state.json naming it is not: the rerun continues from epoch 1.
    run_killed(arguments, "save:state:1", tmp_path / "2.log")
    state = backup_state(run_dir)
    assert (state["epoch"], state["step"]) == (1, 0)
    assert len(state["history"]["loss"]) == 1

    # 3. In the final evaluation of the valid split.
    run_killed(arguments, "evaluate:1", tmp_path / "3.log")
    assert RunDirectory(run_dir).status() == "trained"

    train.main(arguments)
    check_complete(run_dir, epochs=3)
    training = json.loads((run_dir / "training.json").read_text())
    # Run 2 was killed before its first commit: only run 3's restart is
    # recorded (both continued from the same backup).
    assert training["resumed_from"] == [{"epoch": 1, "step": 0}]
