import csv
import json
import signal
import subprocess
import sys

import pytest

from keras_attention.config import Config
from keras_attention.task.run_directory import RunDirectory
from training import translate
from training import tune


def test_help_answers_without_error():
    result = subprocess.run(
        [sys.executable, "-m", "training.tune", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m training.tune" in result.stdout
    for option in ("--tuner", "--max-trials", "--project-dir", "--epochs"):
        assert option in result.stdout
    assert "{hyperband,bayesian,random}" in result.stdout


def test_unknown_search_space_key_fails_before_any_work(tmp_path, capsys):
    config = tmp_path / "bad.yaml"
    config.write_text("search_space:\n  hidden_units: [64]\n")
    with pytest.raises(SystemExit) as caught:
        tune.main(
            ["--config", str(config), "--project-dir", str(tmp_path / "p")]
        )
    assert caught.value.code == 2
    assert "unknown key(s) ['hidden_units']" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_killed_search_keeps_finished_trials(resumed_search):
    at_kill = resumed_search.at_kill
    assert at_kill.returncode == -signal.SIGKILL
    # Killed during trial 1: trial 0 finished, trial 1 running.
    assert json.loads(at_kill.trial_0["trial.json"])["status"] == "COMPLETED"
    assert "checkpoint.weights.h5" in at_kill.trial_0
    assert json.loads(at_kill.trial_1["trial.json"])["status"] == "RUNNING"
    assert "run.json" not in at_kill.trial_1

    project = resumed_search.project
    after = {
        name: (project / "trial_0" / name).read_bytes()
        for name in at_kill.trial_0
    }
    # Trial 0's files, checkpoint and score are untouched by the rerun.
    assert after == at_kill.trial_0


def test_resumed_search_completes_the_remaining_trials(resumed_search):
    project = resumed_search.project
    trials = {
        path.parent.name: json.loads(path.read_text())
        for path in project.glob("trial_*/trial.json")
    }
    assert sorted(trials) == ["trial_0", "trial_1", "trial_2"]
    assert {t["status"] for t in trials.values()} == {"COMPLETED"}
    # The killed trial was rerun with the hyperparameters it had.
    killed = json.loads(resumed_search.at_kill.trial_1["trial.json"])
    rerun = trials["trial_1"]
    assert (
        rerun["hyperparameters"]["values"]
        == (killed["hyperparameters"]["values"])
    )
    assert rerun["score"] is not None


def test_summary_is_saved_as_csv_and_json(resumed_search):
    project = resumed_search.project
    with open(project / "summary.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["trial"] for row in rows] == ["0", "1", "2"]
    assert {"units", "learning_rate", "cell", "val_loss", "seconds"} <= set(
        rows[0]
    )
    summary = json.loads((project / "summary.json").read_text())
    scores = {t["trial"]: t["val_loss"] for t in summary["trials"]}
    assert summary["best_trial"] == min(scores, key=scores.get)
    assert summary["best_score"] == min(scores.values())
    assert summary["direction"] == "min"
    for trial in summary["trials"]:
        assert trial["status"] == "COMPLETED"
        assert trial["seconds"] > 0
        assert trial["units"] in (16, 32)
        assert trial["bidirectional"] is False
        assert 1e-3 <= trial["learning_rate"] <= 1e-2
        assert trial["epochs"] == 1 and trial["best_epoch"] == 1
    assert resumed_search.result["best_trial"] == summary["best_trial"]


def test_export_best_writes_a_run_directory_that_translates(
    resumed_search, capsys
):
    run = RunDirectory(resumed_search.run_dir)
    summary = json.loads((resumed_search.project / "summary.json").read_text())
    config = run.load_config()
    best = summary["best_hyperparameters"]
    assert {
        name: getattr(getattr(config, Config.field(name)[0]), name)
        for name in best
    } == best
    assert config.tuning.search_space is None and config.data.num_pairs == 1500
    for name in (
        "history.json",
        "metrics.json",
        "source_vocabulary.txt",
        "translation_memory.json",
    ):
        assert (run.path / name).exists(), name
    metrics = json.loads((run.path / "metrics.json").read_text())
    # The exported weights are the best trial's: same validation loss.
    assert metrics["valid"]["loss"] == pytest.approx(
        summary["best_score"], abs=1e-4
    )
    assert metrics["tuning"]["trial"] == summary["best_trial"]

    sources = ["나는 학생 입니다.", "그는 사과를 먹습니다."]
    translations = translate.main([str(run.path), *sources])
    assert len(translations) == 2 and all(translations)
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines[-2:] == [f"{s}\t{t}" for s, t in zip(sources, translations)]
    assert Config.from_yaml(run.path / "config.yaml") == config
