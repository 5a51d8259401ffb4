import json
import shutil

import pytest

from keras_attention.config import Config
from keras_attention.tuning.config_search import ConfigSearch
from keras_attention.tuning.validation_bleu import ValidationBleu


def test_failed_trials_raise_with_their_reason(
    tiny_search, tmp_path, monkeypatch
):
    # Keras Tuner 1.4.8 marks the trial FAILED and `search` returns normally.
    search = ConfigSearch(
        Config().replace(**tiny_search), tmp_path / "p", max_trials=2
    )

    def broken(config=None):
        raise ValueError("boom: units too small")

    monkeypatch.setattr(search.trainer, "build_model", broken)
    with pytest.raises(RuntimeError) as error:
        search.search(verbose=0)
    message = str(error.value)
    assert "2 of 2 trials did not complete" in message
    assert "trial 0 FAILED: ValueError: boom: units too small" in message
    trial = json.loads((tmp_path / "p" / "trial_0" / "trial.json").read_text())
    assert trial["status"] == "FAILED"


def test_val_bleu_objective_is_maximized_and_logged(
    tiny_search, tmp_path, monkeypatch
):
    config = Config().replace(**tiny_search)
    search = ConfigSearch(
        config,
        tmp_path / "p",
        max_trials=1,
        objective="val_bleu",
        bleu_sentences=40,
    )
    search.search(verbose=0)
    [trial] = search.trials()
    record = search.trial_record(trial.trial_id)
    history = record["history"]
    assert set(history) >= {"val_loss", "val_bleu", "loss"}
    assert trial.score == max(history["val_bleu"])
    assert search.tuner.oracle.objective.direction == "max"
    [row] = search.summary()
    assert row["val_bleu"] == trial.score
    assert row["val_loss"] == history["val_loss"][trial.best_step]
    # The logged BLEU is the BLEU of the checkpointed (exported) weights.
    model = search.tuner.load_model(trial)
    sources, targets = search.trainer.splits["valid"]
    bleu = ValidationBleu(
        sources,
        targets,
        search.trainer.source_tokenizer,
        search.trainer.target_tokenizer,
        max_decode_length=config.decoding.max_decode_length,
        sample_size=40,
        seed=config.training.seed,
    )
    bleu.set_model(model)
    assert bleu.score() == pytest.approx(trial.score, abs=1e-9)
    # The summary files are replaced whole: a write that fails (here the
    # flush of the new summary.csv) leaves the previous files and no
    # temporary file.
    csv_path, json_path = search.write_summary()
    before = csv_path.read_text(), json_path.read_text()
    assert json.loads(before[1])["best_score"] == trial.score

    def failing_flush(path):
        raise OSError("disk full")

    monkeypatch.setattr("keras_attention.atomic_write._flush", failing_flush)
    with pytest.raises(OSError, match="disk full"):
        search.write_summary()
    assert (csv_path.read_text(), json_path.read_text()) == before
    assert not list(csv_path.parent.glob(".tmp-*"))


def test_a_project_of_another_search_is_refused(tiny_search, tmp_path):
    ConfigSearch(Config().replace(**tiny_search), tmp_path / "p", max_trials=1)
    with pytest.raises(
        ValueError, match=r"changed: config.training.epochs: 1 -> 2"
    ):
        ConfigSearch(
            Config().replace(**{**tiny_search, "epochs": 2}),
            tmp_path / "p",
            max_trials=1,
        )
    with pytest.raises(ValueError, match=r"tuner: 'random' -> 'bayesian'"):
        ConfigSearch(
            Config().replace(**tiny_search), tmp_path / "p", tuner="bayesian"
        )
    # --overwrite starts afresh.
    search = ConfigSearch(
        Config().replace(**{**tiny_search, "epochs": 2}),
        tmp_path / "p",
        overwrite=True,
    )
    assert search.config.training.epochs == 2


# Slow (three trials, about 50 s).
@pytest.mark.slow
def test_resume_never_reruns_a_trial_its_file_says_ended(
    resumed_search, tiny_search, tmp_path
):
    # oracle.json lists a trial as ongoing until the next trial starts; a
    # kill in that window must not make the rerun train it again.
    project = tmp_path / "copy"
    shutil.copytree(resumed_search.project, project)
    state = json.loads((project / "oracle.json").read_text())
    state["ongoing_trials"] = {"tuner0": "2"}
    state["end_order"] = ["0", "1"]
    (project / "oracle.json").write_text(json.dumps(state))
    before = {
        path: path.read_bytes()
        for path in project.glob("trial_*/*")
        if path.is_file()
    }

    search = ConfigSearch(
        Config().replace(**tiny_search), project, max_trials=3
    )
    assert search.tuner.oracle._retry_queue == []
    assert search.tuner.oracle.end_order == ["0", "1", "2"]
    statuses = search.search(verbose=0)
    assert statuses == [(i, "COMPLETED") for i in ("0", "1", "2")]
    after = {path: path.read_bytes() for path in before}
    assert after == before


@pytest.mark.slow
def test_bayesian_search_completes(tiny_search, tmp_path):
    search = ConfigSearch(
        Config().replace(**tiny_search),
        tmp_path / "p",
        tuner="bayesian",
        max_trials=3,
    )
    assert search.search(verbose=0) == [
        (i, "COMPLETED") for i in ("0", "1", "2")
    ]
    rows = search.summary()
    assert all(16 <= row["units"] <= 32 for row in rows)


@pytest.mark.slow
def test_hyperband_continues_the_best_trial(tiny_search, tmp_path):
    # max_epochs 3, factor 3: three 1-epoch trials, then the best of them
    # continues from its checkpoint to epoch 3.
    config = Config().replace(**{**tiny_search, "epochs": 3})
    search = ConfigSearch(
        config, tmp_path / "p", tuner="hyperband", max_trials=4
    )
    search.search(verbose=0)
    trials = search.trials()
    assert [t.status for t in trials] == ["COMPLETED"] * 4
    rows = search.summary()
    assert [row["epochs"] for row in rows] == [1, 1, 1, 3]
    first_round = {t.trial_id: t.score for t in trials[:3]}
    continued = trials[3].hyperparameters.values
    assert continued["tuner/trial_id"] == min(first_round, key=first_round.get)
    assert continued["tuner/initial_epoch"] == 1
    assert search.best_config().training.epochs in (1, 3)


def test_the_private_keras_tuner_api_is_still_there():
    # ConfigSearch relies on private Keras Tuner 1.4.8 API that no public
    # one replaces: it overrides `Tuner._populate_initial_space` (called by
    # the tuner's constructor) and repairs `Oracle._retry_queue` and
    # `Oracle.end_order` on reload; Hyperband's worker oracle is reached
    # through `OracleClient._oracle`. This fails when Keras Tuner changes.
    import inspect

    import keras_tuner

    constructors = [
        inspect.getsource(cls.__init__)
        for cls in keras_tuner.Tuner.__mro__
        if inspect.isfunction(vars(cls).get("__init__"))
    ]
    assert any("_populate_initial_space()" in c for c in constructors)
    assert callable(keras_tuner.Tuner._populate_initial_space)
    oracle = keras_tuner.oracles.RandomSearchOracle(
        objective="val_loss", max_trials=1
    )
    assert oracle._retry_queue == [] and oracle.end_order == []
    # reload() restores both from oracle.json.
    set_state = inspect.getsource(keras_tuner.Oracle.set_state)
    assert "_retry_queue" in set_state and "end_order" in set_state
    from keras_tuner.src.distribute.oracle_client import OracleClient

    assert "self._oracle = oracle" in inspect.getsource(OracleClient.__init__)
