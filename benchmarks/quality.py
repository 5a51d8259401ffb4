"""Quality benchmark: train a config in its budget, export, score the export.

For one training config (optionally changed with `--set key=value`, one
per ablation) it:

1. trains with `Trainer.fit` (the config's `max_train_seconds` is the
   budget, tokenizer learning included) in this process;
2. exports the run with `SavedModelExporter` (to `RUN_DIR/export/`);
3. loads the export in a fresh `python -I benchmarks/export_client.py`
   process that imports only `tensorflow` and `tensorflow_text`, and
   translates the valid split with the `serving_default` (beam) and
   `greedy` signatures in batches of `--batch-size`;
4. scores both with the project's one scorer (`TranslationScorer`:
   sacreBLEU BLEU cased and lowercased, chrF; signatures recorded)
   against the valid references as read and adds one row, with the
   command, to the results table of `benchmarks/RESULTS-quality.md`
   (`append_row`; details in `RUN_DIR/quality.json`).

Recorded: steps/s and target tokens/s of the training batches (time
spent inside `model.fit`'s train steps, input pipeline waits included,
validation and callbacks' epoch ends excluded; target tokens = real label
tokens, counted from one pass over the training dataset and scaled by
the steps taken), the wall time of `fit` (validation included), of the
budget (tokenizer learning + `fit`, what `max_train_seconds` counts) and
of the whole benchmark, and the peak RSS of the training process and of
the scoring process. `--calibrate-ms` records the machine's figure
(`calibrate.py`'s ms/step, measured just before the run) in the row; the
benchmark does not run a calibration itself.

Backends: training runs on the Keras backend of `KERAS_BACKEND`
(`KERAS_BACKEND=jax python -m benchmarks.quality ...`); on JAX or
PyTorch the export is written by `training.export` in a TensorFlow
process (the SavedModel is TensorFlow graphs); the scoring is the same.

Data: a config naming `data/<corpus>/...` (the repository's convention)
reads `../shared/data/<corpus>/...` next to the repository when
`data/<corpus>/` is absent; `--train`/`--valid` name other files. A
missing corpus is an error that says which file and how to fix it.

    .venv/bin/python -m benchmarks.quality \\
        --config training/configs/tatoeba-ko-en.yaml --calibrate-ms 180
    .venv/bin/python -m benchmarks.quality \\
        --config training/configs/tatoeba-ko-en.yaml \\
        --set label_smoothing=0.1 --label "label smoothing 0.1"
"""

import argparse
import datetime
import json
import os
import pathlib
import resource
import shlex
import subprocess
import sys
import time

import keras

from keras_attention.atomic_write import write_text
from keras_attention.data.reader_factory import reader_from_config

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared"
CLIENT = pathlib.Path(__file__).with_name("export_client.py")
RESULTS = ROOT / "benchmarks" / "RESULTS-quality.md"
SIGNATURES = ("serving_default", "greedy")
COLUMNS = (
    "date",
    "machine ms/step",
    "config",
    "changes",
    "beam BLEU lc",
    "beam BLEU",
    "beam chrF",
    "greedy BLEU lc",
    "greedy BLEU",
    "greedy chrF",
    "beam sent/s",
    "greedy sent/s",
    "epochs",
    "steps",
    "steps/s",
    "target tok/s",
    "fit s",
    "budget s",
    "wall s",
    "peak RSS MB (train / score)",
    "command",
)
HEADER = """# Quality: the exported model on the valid split

`benchmarks/quality.py` adds a row to this table per run (its docstring
says what each column measures). BLEU is sacreBLEU's corpus BLEU of the
export's `serving_default` (beam) and `greedy` signatures, translated in a
fresh process that imports only `tensorflow` and `tensorflow_text`,
against the valid references as read, scored by the project's
`TranslationScorer` (text cleaning + NFC on both sides): cased
(`nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`) and
lowercased (both sides lowercased first); chrF is sacreBLEU's default
(`nc:6|nw:0|space:no`).
`changes` are the `--set` overrides of the config. `machine ms/step` is
`calibrate.py`'s figure for the machine the row was measured on (lower is
faster; budgets stated for a 286 ms/step machine scale by figure / 286):
compare speeds only between rows of similar figures.

"""


def corpus_path(path):
    """The file a config's data path means here (see the module doc)."""
    if path is None:
        return None
    candidate = pathlib.Path(path)
    if candidate.is_absolute() or candidate.exists():
        return str(candidate)
    if (ROOT / candidate).exists():
        return str(ROOT / candidate)
    if candidate.parts[:1] == ("data",) and (SHARED_DATA / candidate).exists():
        return str(SHARED_DATA / candidate)
    raise SystemExit(
        f"benchmarks.quality: corpus file {path} not found (looked in "
        f"{ROOT} and {SHARED_DATA}). Put the corpus in data/ at the "
        "repository root or pass --train/--valid."
    )


def corpus_paths(files):
    """`corpus_path` of a config's file, or of each file of its list."""
    if not isinstance(files, list):
        return corpus_path(files)
    from keras_attention.config.data_config import file_name

    return [
        {**entry, "path": corpus_path(entry["path"])}
        if isinstance(entry, dict)
        # The name the config's own path gives, not the resolved one's.
        else {"path": corpus_path(entry), "name": file_name(entry)}
        for entry in files
    ]


def load_config(args):
    from keras_attention.config import Config

    config = Config.from_yaml(args.config).override(args.set)
    changes = Config.parse_overrides(args.set)
    paths = {
        "train": args.train or corpus_paths(config.data.train),
        "valid": args.valid or corpus_paths(config.data.valid),
        # The test split is never read here.
        "test": None,
    }
    return config.replace(**paths), changes


class StepTimer(keras.callbacks.Callback):
    """Sums the wall time and counts the training batches of `model.fit`.

    Counted here, not read from the optimizer: restoring the best weights
    at the end also restores the optimizer's step counter.
    """

    def __init__(self):
        super().__init__()
        self.seconds = 0.0
        self.steps = 0

    def on_train_batch_begin(self, batch, logs=None):
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.seconds += time.perf_counter() - self._start
        self.steps += 1


def count_target_tokens(dataset):
    """`(label tokens, batches)` of one pass over a training dataset."""
    import numpy as np

    tokens = batches = 0
    for _, _, weights in dataset.as_numpy_iterator():
        tokens += int(np.count_nonzero(weights))
        batches += 1
    return tokens, batches


def score_export(path, sources, batch_size, timeout):
    """Runs `export_client.py` on `sources`; returns its JSON report."""
    request = {
        "sentences": sources,
        "batch_size": batch_size,
        "signatures": list(SIGNATURES),
    }
    completed = subprocess.run(
        [sys.executable, "-I", str(CLIENT), str(path)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        cwd=pathlib.Path(path).parent,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"Scoring {path} in a fresh process failed (exit "
            f"{completed.returncode}):\n{completed.stderr[-3000:]}"
        )
    report = json.loads(completed.stdout)
    if report["project_modules"]:
        raise RuntimeError(
            "The scoring process imported project modules: "
            f"{report['project_modules']}"
        )
    return report


def sacrebleu_scores(hypotheses, references):
    """BLEU cased and lowercased, chrF: the project's `TranslationScorer`."""
    from keras_attention.evaluation.translation_scorer import TranslationScorer

    cased = TranslationScorer().score(hypotheses, references, digits=2)
    lowercased = TranslationScorer(lowercase=True).score(
        hypotheses, references, digits=2
    )
    return {
        "bleu": cased["bleu"],
        "bleu_lc": lowercased["bleu"],
        "chrf": cased["chrf"],
        "exact_match": cased["exact_match"],
        "length_ratio": cased["length_ratio"],
        "signatures": {
            "bleu": cased["bleu_signature"],
            # The scorer lowercases both sides itself (sacreBLEU's own
            # `lowercase=True` gives the same score, signed case:lc).
            "bleu_lc": "lowercased by TranslationScorer, then "
            + lowercased["bleu_signature"],
            "chrf": cased["chrf_signature"],
        },
    }


def machine_cell(ms_per_step):
    """The machine column: `180` for 180.0 ms/step, `-` when not given."""
    return "-" if ms_per_step is None else f"{ms_per_step:g}"


def append_row(results_path, result, command):
    """Adds the run's row at the end of the file's results table.

    The table is the first one whose header row is `COLUMNS`: rows go
    right after its last row, so that sections written below it stay
    below. A missing or empty file gets `HEADER` and the table; a file
    without the table gets it after its introduction, before its first
    `## ` section (at its end if it has none), so that it is the file's
    first table.
    """
    path = pathlib.Path(results_path)
    header = "| " + " | ".join(COLUMNS) + " |\n"
    table = header + "|" + " --- |" * len(COLUMNS) + "\n"
    beam = result["signatures"]["serving_default"]
    greedy = result["signatures"]["greedy"]
    changes = ", ".join(f"{k}={v}" for k, v in result["changes"].items())
    train = result["train"]
    cells = [
        result["date"],
        machine_cell(result.get("machine_ms_per_step")),
        result["config"],
        (result["label"] + ": " if result["label"] else "") + (changes or "-"),
        beam["bleu_lc"],
        beam["bleu"],
        beam["chrf"],
        greedy["bleu_lc"],
        greedy["bleu"],
        greedy["chrf"],
        beam["sentences_per_second"],
        greedy["sentences_per_second"],
        train["epochs"],
        train["steps"],
        train["steps_per_second"],
        train["target_tokens_per_second"],
        train["seconds"],
        train["budget_seconds"],
        result["wall_seconds"],
        f"{train['peak_rss_mb']} / {result['score_peak_rss_mb']}",
        f"`{command}`",
    ]
    row = "| " + " | ".join(str(c) for c in cells) + " |\n"
    text = path.read_text("utf-8") if path.exists() else ""
    lines = text.splitlines(keepends=True)
    if not text.strip():
        lines = [HEADER, table, row]
    elif header not in lines:
        if not text.endswith("\n"):
            lines[-1] += "\n"
        sections = [i for i, line in enumerate(lines) if line.startswith("## ")]
        if sections:
            at = sections[0]
            lines[at:at] = [table, row, "\n"]
        else:
            lines += ["\n", table, row]
    else:
        end = lines.index(header) + 2
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        lines.insert(end, row)
    write_text(path, "".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.quality",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--config", required=True, help="A training YAML.")
    parser.add_argument("--train", help="Training file (default: see doc).")
    parser.add_argument("--valid", help="Validation file (default: see doc).")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Override a Config field (repeatable), e.g. label_smoothing=0.1.",
    )
    parser.add_argument(
        "--also-score",
        action="append",
        default=[],
        metavar="FILE",
        help="Another held-out file (the config's corpus format) that the "
        "export also translates and scores apart; not used in training "
        "(repeatable), e.g. data/ko-en-kss/valid.tsv.",
    )
    parser.add_argument("--label", default="", help="Names the row.")
    parser.add_argument(
        "--run-dir",
        help="Where the run is written (default: runs/quality/CONFIG-TIME).",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--calibrate-ms",
        type=float,
        help="This machine's figure (ms/step) from a machine calibration "
        "such as calibrate.py; recorded in the row's machine column.",
    )
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument(
        "--score-timeout",
        type=float,
        default=3600,
        help="Seconds before the scoring process is killed.",
    )
    args = parser.parse_args(argv)
    command = "python -m benchmarks.quality " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    wall_start = time.monotonic()
    config, changes = load_config(args)
    name = pathlib.Path(args.config).stem
    stamp = datetime.datetime.now(datetime.timezone.utc)
    run_dir = pathlib.Path(
        args.run_dir
        or ROOT / "runs" / "quality" / f"{name}-{stamp:%Y%m%dT%H%M%S}"
    ).resolve()  # the scoring process runs in another directory

    from keras_attention.task.trainer import Trainer

    trainer = Trainer(config, run_dir)
    timer = StepTimer()
    budget_start = time.monotonic()
    history = trainer.fit(verbose=2, callbacks=[timer])
    budget_seconds = time.monotonic() - budget_start
    train_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    steps = timer.steps
    tokens, batches = count_target_tokens(trainer.data["train"])
    step_seconds = max(timer.seconds, 1e-9)
    export = trainer.export(run_dir / "export", "quality")
    sources, references = trainer.splits["valid"]
    report = score_export(
        export, list(sources), args.batch_size, args.score_timeout
    )
    signatures = {}
    files = {}
    for signature, output in report["signatures"].items():
        signatures[signature] = {
            **sacrebleu_scores(output["translations"], list(references)),
            "sentences_per_second": output["sentences_per_second"],
            "seconds": output["seconds"],
        }
        # Each validation file of a list, scored apart.
        parts = trainer.splits.by_file(
            "valid", list(zip(output["translations"], references))
        )
        for file, pairs in (parts or {}).items():
            files.setdefault(file, {})[signature] = {
                **sacrebleu_scores(*map(list, zip(*pairs))),
                "sentences": len(pairs),
            }
    for path in args.also_score:
        file = f"{path} (not used in training)"
        extra_sources, extra_references = reader_from_config(
            config, "valid", corpus_path(path)
        ).read()
        extra = score_export(
            export, extra_sources, args.batch_size, args.score_timeout
        )
        for signature, output in extra["signatures"].items():
            files.setdefault(file, {})[signature] = {
                **sacrebleu_scores(output["translations"], extra_references),
                "sentences": len(extra_sources),
                "sentences_per_second": output["sentences_per_second"],
            }
    result = {
        "date": f"{stamp:%Y-%m-%d %H:%M}",
        "machine_ms_per_step": args.calibrate_ms,
        "config": args.config,
        "backend": keras.backend.backend(),
        "changes": changes,
        "label": args.label,
        "run_dir": str(run_dir),
        "export": str(export),
        "valid": config.data.valid or str(run_dir / "data" / "valid.tsv"),
        "sentences": len(sources),
        "signatures": signatures,
        "files": files,
        "train": {
            "epochs": len(history["loss"]),
            "steps": steps,
            "seconds": round(trainer.train_seconds, 1),
            "budget_seconds": round(budget_seconds, 1),
            "step_seconds": round(step_seconds, 1),
            "steps_per_second": round(steps / step_seconds, 2),
            "target_tokens_per_epoch": tokens,
            "batches_per_epoch": batches,
            "target_tokens_per_second": round(
                steps * tokens / max(batches, 1) / step_seconds
            ),
            "peak_rss_mb": train_peak,
        },
        "score_peak_rss_mb": report["peak_rss_mb"],
        "cpu_count": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "command": command,
    }
    result["wall_seconds"] = round(time.monotonic() - wall_start, 1)
    (run_dir / "quality.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    append_row(args.results, result, command)
    for file, scores in files.items():
        append_row(
            args.results,
            {
                **result,
                "config": f"{args.config} [{file}]",
                **{
                    "signatures": {
                        s: {"sentences_per_second": "-", **v}
                        for s, v in scores.items()
                    }
                },
            },
            command,
        )
    summary = {
        s: {k: v[k] for k in ("bleu_lc", "bleu", "chrf")}
        for s, v in signatures.items()
    }
    for file, scores in files.items():
        summary[file] = {
            s: {k: v[k] for k in ("bleu_lc", "bleu", "chrf")}
            for s, v in scores.items()
        }
    print(json.dumps({"run_dir": str(run_dir), **summary}, indent=2))
    return result


if __name__ == "__main__":
    main()
