"""Training throughput (target tokens/second) of both decoders, XLA on/off.

Trains on the bundled corpus (no ../shared data needed) for a fixed number
of steps after a warm-up epoch fraction, and reports real (non-padding)
target tokens per second of `model.fit`.

    .venv/bin/python -m benchmarks.training_speed --steps 150

Results are recorded in benchmarks/RESULTS.md with the command.
"""

import argparse
import json
import time

import keras
import numpy as np

from keras_attention.config import Config
from keras_attention.trainer import Trainer


class _Timer(keras.callbacks.Callback):
    def __init__(self, warmup):
        super().__init__()
        self.warmup = warmup
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())


def measure(decoder, jit_compile, steps, warmup, run_dir):
    config = Config.from_yaml("training/configs/demo.yaml").replace(
        decoder=decoder, jit_compile=jit_compile
    )
    trainer = Trainer(config, run_dir)
    trainer.prepare()
    data = trainer.data["train"]
    data = data.take(steps + warmup).cache()
    tokens = [float(np.sum(w)) for _, _, w in data]
    model = trainer.build_model()
    timer = _Timer(warmup)
    model.fit(data, epochs=1, verbose=0, callbacks=[timer])
    elapsed = timer.times[-1] - timer.times[warmup - 1]
    return sum(tokens[warmup:]) / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--run-dir", default="runs/benchmark_speed")
    args = parser.parse_args()
    results = {}
    for decoder in ("seed", "luong"):
        for jit in (True, False):
            rate = measure(decoder, jit, args.steps, args.warmup, args.run_dir)
            key = f"{decoder} jit_compile={jit}"
            results[key] = round(rate)
            print(f"{key}: {rate:,.0f} target tokens/s", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
