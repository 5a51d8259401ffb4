"""Training speed of one config on each Keras backend.

Each backend runs in its own process (`KERAS_BACKEND` is read once, when
Keras is imported), one after the other, on the same config, corpus,
tokenizers (learned again, deterministically) and `tf.data` pipeline.

Speed (`--steps`): `model.train_on_batch` over the training batches in
pipeline order. A batch whose shape is new is a compile step (JAX
compiles the train step with XLA once per shape; TensorFlow traces its
`tf.function` once per shape; PyTorch runs eagerly, `jit_compile` being
`torch.compile`): those are timed apart, as "compile s". The steady state
is the real target tokens (non-zero sample weights) of every other step
over their wall time.

Valid BLEU in a budget on a backend is `benchmarks.quality` run with
`KERAS_BACKEND` set (it trains on that backend, exports and scores the
export as for TensorFlow).

    .venv/bin/python -m benchmarks.backends \\
        --config training/configs/anki-es-en.yaml --steps 60

Prints one JSON line per backend and a Markdown table; the corpus paths
resolve as in `benchmarks.quality`. Results: benchmarks/RESULTS-backends.md.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).parents[1]
BACKENDS = ("tensorflow", "jax", "torch")


def load_config(path, items):
    from benchmarks.quality import corpus_path
    from keras_attention.config import Config

    config = Config.from_yaml(path)
    config = config.replace(
        train=corpus_path(config.data.train),
        valid=corpus_path(config.data.valid),
        test=None,
    )
    return config.override(items)


def measure_speed(config, steps):
    import keras
    import numpy as np

    from keras_attention.task.trainer import Trainer

    with tempfile.TemporaryDirectory() as directory:
        trainer = Trainer(config, directory, verbose=False)
        keras.utils.set_random_seed(config.training.seed)
        trainer.prepare()
        model = trainer.build_model()
        seen = set()
        compile_seconds = steady_seconds = 0.0
        steady_tokens = steady_steps = compile_steps = 0
        batches = trainer.data["train"].repeat().as_numpy_iterator()
        for _ in range(steps):
            inputs, labels, weights = next(batches)
            shape = (inputs["encoder_token_ids"].shape, labels.shape)
            start = time.perf_counter()
            model.train_on_batch(inputs, labels, sample_weight=weights)
            seconds = time.perf_counter() - start
            if shape in seen:
                steady_seconds += seconds
                steady_tokens += int(np.count_nonzero(weights))
                steady_steps += 1
            else:
                seen.add(shape)
                compile_seconds += seconds
                compile_steps += 1
    return {
        "steady_tokens_per_second": round(steady_tokens / steady_seconds, 1),
        "steady_steps": steady_steps,
        "steady_ms_per_step": round(1000 * steady_seconds / steady_steps, 1),
        "compile_steps": compile_steps,
        "compile_seconds": round(compile_seconds, 1),
    }


def worker(args):
    """One backend, in this process (`KERAS_BACKEND` set by the parent)."""
    import keras

    config = load_config(args.config, args.set)
    result = {"backend": keras.backend.backend(), "jit_compile": False}
    result["jit_compile"] = config.training.jit_compile
    if args.steps:
        result.update(measure_speed(config, args.steps))
    print("RESULT " + json.dumps(result), flush=True)


def run(args):
    results = []
    for name in args.backends:
        backend, _, flag = name.partition("+")
        items = [*args.set, f"backend={backend}"]
        if flag == "jit":
            items.append("jit_compile=true")
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2")
        command = [
            sys.executable,
            "-m",
            "benchmarks.backends",
            "--worker",
            "--config",
            args.config,
            *(part for item in items for part in ("--set", item)),
            "--steps",
            str(args.steps),
        ]
        output = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True
        )
        lines = [
            line[len("RESULT ") :]
            for line in output.stdout.splitlines()
            if line.startswith("RESULT ")
        ]
        if output.returncode != 0 or not lines:
            result = {
                "backend": name,
                "error": output.stderr.strip().splitlines()[-1:],
            }
        else:
            result = json.loads(lines[-1])
        print(json.dumps(result), flush=True)
        results.append(result)
    print(table(results))


def table(results):
    columns = (
        "backend",
        "jit_compile",
        "steady_tokens_per_second",
        "steady_ms_per_step",
        "compile_steps",
        "compile_seconds",
    )
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for result in results:
        lines.append(
            "| "
            + " | ".join(str(result.get(c, "")) for c in columns)
            + " |"
            + (f" error: {result['error']}" if "error" in result else "")
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.backends", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--config", default="training/configs/anki-es-en.yaml")
    parser.add_argument(
        "--backends",
        nargs="+",
        default=list(BACKENDS),
        help="Backends in turn; `NAME+jit` sets jit_compile.",
    )
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Override a config field (repeatable; see Config.override).",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
