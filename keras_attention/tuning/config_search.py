"""A resumable, distributable Keras Tuner search over one `Config`."""

import csv
import io
import json
import os
import pathlib
import shutil
import time
import warnings

import keras
import keras_tuner

from keras_attention.atomic_write import wait_for_files
from keras_attention.atomic_write import write_text
from keras_attention.task.trainer import Trainer
from keras_attention.tuning.config_hyper_model import OBJECTIVES
from keras_attention.tuning.config_hyper_model import ConfigHyperModel
from keras_attention.tuning.search_space import SearchSpace
from keras_attention.usage_error import UsageError

TUNERS = ("hyperband", "bayesian", "random")
SEARCH_FILE = "search.json"
RUN_FILE = "run.json"
SUMMARY_FILES = ("summary.csv", "summary.json")
# How long a worker waits for the chief's search.json and corpus files.
CHIEF_TIMEOUT_SECONDS = 600


class ConfigSearch:
    """Searches `Config` fields with Keras Tuner; resumes, distributes, exports.

    One `Trainer` prepares the data and tokenizers all trials share; a
    `ConfigHyperModel` builds each trial. The project directory's layout,
    resuming (constructing on an existing project reloads it) and the
    chief/worker roles (`KERASTUNER_*` variables) are in docs/tuning.md.

    Args:
        config: the base `Config` (its search space: `SearchSpace`).
        project_dir: str or path. The project directory.
        tuner: str. One of `TUNERS`. Defaults to `"random"`.
        max_trials: int. Trials to run at most. Defaults to `10`.
        objective: str. `"val_loss"` (minimized) or `"val_bleu"`
            (maximized). Defaults to `"val_loss"`.
        bleu_sentences: int. Sentences of `val_bleu`. Defaults to `200`.
        overwrite: bool. Delete an existing project first (a worker never
            does). Defaults to `False`.
        hyperband_factor: int. Hyperband's `factor`. Defaults to `3`.

    Example:

    ```python
    config = Config().replace(epochs=2)
    search = ConfigSearch(config, "runs/search", max_trials=4)
    search.search()
    search.write_summary()
    search.export_best("runs/best")
    ```
    """

    def __init__(
        self,
        config,
        project_dir,
        tuner="random",
        max_trials=10,
        objective="val_loss",
        bleu_sentences=200,
        overwrite=False,
        hyperband_factor=3,
    ):
        if tuner not in TUNERS:
            raise UsageError(
                f"tuner must be one of {TUNERS}. Received: tuner={tuner!r}"
            )
        if max_trials < 1:
            raise UsageError(f"max_trials must be >= 1. Received: {max_trials}")
        if objective not in OBJECTIVES:
            raise UsageError(
                f"objective must be one of {sorted(OBJECTIVES)}. "
                f"Received: objective={objective!r}"
            )
        SearchSpace.from_config(config)  # Fails before anything is written.
        self.config = config
        self.objective = objective
        self.project_dir = pathlib.Path(project_dir).absolute()
        self.role = role()
        if overwrite and self.role != "worker" and self.project_dir.exists():
            shutil.rmtree(self.project_dir)
        identity = {
            "config": config.to_dict(),
            "tuner": tuner,
            "objective": objective,
            "bleu_sentences": bleu_sentences,
            "hyperband_factor": hyperband_factor,
        }
        # As it reads back from search.json (tuples become lists).
        self.identity = json.loads(json.dumps(identity))
        self._check_project()
        # Workers wait for the chief's corpus files and write no shared file.
        self.trainer = Trainer(
            config, self.project_dir, chief=self.role != "worker"
        )
        self.hypermodel = ConfigHyperModel(
            self.trainer, objective=objective, bleu_sentences=bleu_sentences
        )
        self.tuner = _make_tuner(
            tuner,
            self.hypermodel,
            objective=self.hypermodel.keras_tuner_objective,
            max_trials=max_trials,
            max_epochs=config.training.epochs,
            factor=hyperband_factor,
            seed=config.training.seed,
            directory=str(self.project_dir.parent),
            project_name=self.project_dir.name,
        )

    def _check_project(self):
        path = self.project_dir / SEARCH_FILE
        if self.role == "worker":
            wait_for_files([path], timeout=CHIEF_TIMEOUT_SECONDS)
        if path.exists():
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous != self.identity:
                changed = _changed_keys(previous, self.identity)
                raise UsageError(
                    f"{self.project_dir} holds a different search (changed: "
                    f"{', '.join(changed)}). Resume it with the same config "
                    "and options, or start a new one with another "
                    "--project-dir or --overwrite."
                )
            return
        write_text(
            path, json.dumps(self.identity, indent=2, ensure_ascii=False) + "\n"
        )

    def search(self, verbose=2, callbacks=None):
        """Runs the remaining trials, then checks that every one completed.

        Raises `RuntimeError` naming each failed trial (Keras Tuner 1.4.8
        only records them); a worker checks the trials it ran.

        Args:
            verbose: Keras verbosity of `model.fit` and of the tuner.
                Defaults to `2` (one line per epoch).
            callbacks: list of extra `keras.callbacks.Callback` given to
                every trial, plus TensorBoard with `training.tensorboard`.

        Returns:
            A list of `(trial_id, status)` for the trials checked.
        """
        callbacks = list(callbacks or [])
        if self.config.training.tensorboard:
            # Keras Tuner appends the trial id to log_dir and adds HParams.
            callbacks.append(
                keras.callbacks.TensorBoard(log_dir=self.project_dir / "logs")
            )
        self.tuner.search(callbacks=callbacks, verbose=verbose)
        if self.role == "worker":
            ended = self.tuner.ended
        else:
            ended = [(t.trial_id, t.status, t.message) for t in self.trials()]
        failed = [e for e in ended if e[1] != "COMPLETED"]
        if failed:
            reasons = "\n".join(
                f"- trial {trial_id} {status}: {_last_line(message)}"
                for trial_id, status, message in failed
            )
            raise RuntimeError(
                f"{len(failed)} of {len(ended)} trials did not complete "
                f"(Keras Tuner does not raise this itself):\n{reasons}\n"
                f"Full tracebacks: the 'message' of "
                f"{self.project_dir}/trial_<id>/trial.json. Fix the cause "
                "and rerun with --overwrite (failed trials are not retried "
                "on resume)."
            )
        if self.role != "worker" and not ended:
            raise RuntimeError(f"No trial ran in {self.project_dir}.")
        return [(trial_id, status) for trial_id, status, _ in ended]

    def trials(self):
        """The oracle's trials sorted by id (chief or single process)."""
        trials = self.tuner.oracle.trials
        # Numerically: raising --max-trials on resume widens new ids.
        return [trials[key] for key in sorted(trials, key=int)]

    def trial_record(self, trial_id):
        """The `run.json` of a trial: seconds, worker, epochs, history."""
        path = self.project_dir / f"trial_{trial_id}" / RUN_FILE
        if not path.exists():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))

    def summary(self):
        """One dict per trial: the columns of docs/tuning.md's summary.

        With `val_bleu`, `val_loss` is the one of the best epoch.
        """
        space = self.hypermodel.space
        rows = []
        for trial in self.trials():
            values = space.cast(trial.hyperparameters.values)
            record = self.trial_record(trial.trial_id)
            epochs = record.get("epochs")
            row = {"trial": trial.trial_id, "status": trial.status}
            row.update({name: values.get(name) for name in space.ranges})
            row["epochs"] = epochs[-1] + 1 if epochs else None
            row["best_epoch"] = (
                trial.best_step + 1 if trial.score is not None else None
            )
            row[self.objective] = trial.score
            if self.objective != "val_loss":
                row["val_loss"] = _at_epoch(record, "val_loss", trial.best_step)
            row["seconds"] = record.get("seconds")
            row["worker"] = record.get("tuner_id")
            rows.append(row)
        return rows

    def best_trial(self):
        """The completed trial with the best objective value."""
        best = self.tuner.oracle.get_best_trials(1)
        if not best or best[0].status != "COMPLETED":
            raise RuntimeError(f"No completed trial in {self.project_dir}.")
        return best[0]

    def best_config(self):
        """The best trial's `Config` (search_space cleared, epochs trained)."""
        trial = self.best_trial()
        config = self.hypermodel.config_for(trial.hyperparameters)
        epochs = self.trial_record(trial.trial_id).get("epochs")
        changes = {"search_space": None}
        if epochs:
            changes["epochs"] = epochs[-1] + 1
        return config.replace(**changes)

    def write_summary(self):
        """Writes summary.csv and summary.json; returns their paths."""
        rows = self.summary()
        csv_path, json_path = (self.project_dir / n for n in SUMMARY_FILES)
        table = io.StringIO()
        writer = csv.DictWriter(
            table, fieldnames=list(rows[0]), lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        write_text(csv_path, table.getvalue())
        best = self.best_trial()
        document = {
            "objective": self.objective,
            "direction": self.hypermodel.keras_tuner_objective.direction,
            "best_trial": best.trial_id,
            "best_score": best.score,
            "best_hyperparameters": self.hypermodel.space.cast(
                best.hyperparameters.values
            ),
            "trials": rows,
        }
        write_text(
            json_path, json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        )
        return csv_path, json_path

    def format_summary(self):
        """The summary as a fixed-width text table, best trial marked `*`."""
        rows = self.summary()
        best = self.best_trial().trial_id
        header = list(rows[0])
        cells = [header] + [
            [_format_cell(row[key]) for key in header] for row in rows
        ]
        widths = [max(map(len, column)) for column in zip(*cells)]
        lines = []
        for index, line in enumerate(cells):
            mark = "*" if index and rows[index - 1]["trial"] == best else " "
            text = "  ".join(cell.rjust(w) for cell, w in zip(line, widths))
            lines.append(f"{mark} {text}")
        return "\n".join(lines)

    def export_best(self, run_dir):
        """Saves the best trial's model as a run directory and evaluates it.

        The trial's best-epoch checkpoint is loaded, not retrained, and saved
        in `training.train`'s layout (`Trainer.save_trained`, then
        `Trainer.evaluate`); see docs/tuning.md, "Exporting the best model".

        Args:
            run_dir: str or path of the new run directory.

        Returns:
            The `RunDirectory`. Its `metrics.json` holds `Trainer.evaluate`'s
            metrics, plus `tuning`.
        """
        trial = self.best_trial()
        config = self.best_config()
        self.trainer.prepare()
        # The checkpoint's optimizer state is skipped (with a warning): only
        # the weights are exported.
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="Skipping variable loading for optimizer"
            )
            model = self.tuner.load_model(trial)
        record = self.trial_record(trial.trial_id)
        history = record.get("history", {})
        # Same corpus and data fields: the search's tokenizers are saved.
        trainer = Trainer(config, run_dir, verbose=False)
        trainer.prepare(
            (self.trainer.source_tokenizer, self.trainer.target_tokenizer)
        )
        trainer.save_trained(
            model,
            history,
            {
                "epochs": len(history.get("loss", [])),
                "best_epoch": trial.best_step,
                "train_seconds": round(record.get("seconds", 0.0), 1),
            },
        )
        trainer.evaluate(
            extra={
                "tuning": {
                    "project_dir": str(self.project_dir),
                    "trial": trial.trial_id,
                    "objective": self.objective,
                    "score": trial.score,
                }
            }
        )
        return trainer.run


def role():
    """`"single"`, `"chief"` or `"worker"`, from Keras Tuner's variables."""
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return "single"
    tuner_id = os.environ.get("KERASTUNER_TUNER_ID", "")
    return "chief" if "chief" in tuner_id else "worker"


class _Recording:
    """Tuner mixin: no build at start-up, trial records, ended statuses."""

    def __init__(self, *args, **kwargs):
        self.ended = []
        super().__init__(*args, **kwargs)

    # Private Keras Tuner 1.4.8 API, no public one does the job (checked by
    # test_the_private_keras_tuner_api_is_still_there).
    def _populate_initial_space(self):
        # Declare without building a model: the space has no conditional
        # hyperparameters, so the chief never needs the datasets.
        hp = self.oracle.get_space()
        self.hypermodel.declare_hyperparameters(hp)
        self.oracle.update_space(hp)

    def reload(self):
        super().reload()
        if role() == "worker":
            return
        # oracle.json lists a just-ended trial as ongoing until the next one
        # starts; the trial files are the truth: rerun exactly the RUNNING.
        oracle = self.oracle
        ids = sorted(oracle.trials, key=int)
        running = [t for t in ids if oracle.trials[t].status == "RUNNING"]
        queue = [t for t in oracle._retry_queue if t in running]
        oracle._retry_queue = queue + [t for t in running if t not in queue]
        for trial_id in ids:
            if trial_id not in running and trial_id not in oracle.end_order:
                oracle.end_order.append(trial_id)

    def run_trial(self, trial, *args, **kwargs):
        start = time.monotonic()
        histories = super().run_trial(trial, *args, **kwargs)
        history = histories[-1]
        record = {
            "trial_id": trial.trial_id,
            "tuner_id": self.tuner_id,
            "seconds": round(time.monotonic() - start, 1),
            "epochs": list(history.epoch),
            "history": {
                key: [float(v) for v in values]
                for key, values in history.history.items()
            },
        }
        path = pathlib.Path(self.get_trial_dir(trial.trial_id)) / RUN_FILE
        write_text(path, json.dumps(record, indent=2) + "\n")
        return histories

    def on_trial_end(self, trial):
        self.ended.append((trial.trial_id, trial.status, trial.message))
        super().on_trial_end(trial)


class _RandomSearch(_Recording, keras_tuner.RandomSearch):
    pass


class _BayesianOptimization(_Recording, keras_tuner.BayesianOptimization):
    pass


class _Hyperband(_Recording, keras_tuner.Hyperband):
    pass


def _make_tuner(name, hypermodel, max_trials, max_epochs, factor, **kwargs):
    if name != "hyperband":
        search = _RandomSearch if name == "random" else _BayesianOptimization
        return search(hypermodel, max_trials=max_trials, **kwargs)
    tuner = _Hyperband(
        hypermodel,
        max_epochs=max_epochs,
        factor=factor,
        # Enough iterations for max_trials; the cap below stops the search.
        hyperband_iterations=max_trials,
        **kwargs,
    )
    # Hyperband has no max_trials argument; a worker's `OracleClient` holds
    # the oracle as `_oracle` (private).
    oracle = getattr(tuner.oracle, "_oracle", tuner.oracle)
    oracle.max_trials = max_trials
    return tuner


def _at_epoch(record, metric, epoch):
    """`metric` of a trial's history at `epoch` (0-based), or `None`."""
    epochs = record.get("epochs") or []
    values = record.get("history", {}).get(metric)
    if not values or epoch not in epochs:
        return None
    return values[epochs.index(epoch)]


def _changed_keys(previous, current):
    changed = []
    for key in sorted(set(previous) | set(current)):
        old, new = previous.get(key), current.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            changed += [f"{key}.{k}" for k in _changed_keys(old, new)]
        elif old != new:
            changed.append(f"{key}: {old!r} -> {new!r}")
    return changed


def _last_line(message):
    lines = [line for line in (message or "").strip().splitlines() if line]
    return lines[-1] if lines else "(no message)"


def _format_cell(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
