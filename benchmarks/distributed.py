"""Training throughput on 1 and N replicas, and with mixed precision.

Target tokens per second (real, non-padding) of `model.fit` on the bundled
corpus (no ../shared data needed) with the demo config, for every
combination of `--replicas` and `--mixed-precision`. One replica is the
default strategy; N replicas are `MirroredStrategy` over the GPUs, or over
N logical CPU devices carved out of the CPU when there is no GPU (the
same cores: this measures the strategy's overhead, not a speed-up). Each
measurement runs in its own process, since logical devices and the dtype
policy are fixed when TensorFlow starts.

    .venv/bin/python -m benchmarks.distributed --replicas 1 2 \\
        --mixed-precision none mixed_bfloat16 mixed_float16

Results are recorded in benchmarks/RESULTS.md with the command.
"""

import argparse
import json
import subprocess
import sys
import time


def child(replicas, mixed_precision, decoder, steps, warmup, run_dir, pairs):
    """Measures one configuration in this (fresh) process."""
    import keras
    import numpy as np
    import tensorflow as tf

    from keras_attention.config import Config
    from keras_attention.task import stages
    from keras_attention.task.trainer import Trainer

    gpus = tf.config.list_physical_devices("GPU")
    if replicas > 1 and not gpus:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * replicas
        )
    config = Config.from_yaml("training/configs/demo.yaml").replace(
        decoder=decoder,
        distribution="mirrored" if replicas > 1 else "auto",
        mixed_precision=mixed_precision,
        num_pairs=pairs,
    )
    trainer = Trainer(config, run_dir, verbose=False)
    assert trainer.distribution.num_replicas == replicas
    trainer.prepare()
    data = trainer.data["train"].take(warmup + steps).cache()
    tokens = [float(np.sum(weights)) for _, _, weights in data]
    model = trainer.build_model()
    ends = []
    timer = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: ends.append(time.perf_counter())
    )
    stages.train(model, {"train": data}, [timer], epochs=1, verbose=0)
    return sum(tokens[warmup:]) / (ends[-1] - ends[warmup - 1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--mixed-precision",
        nargs="+",
        default=["none"],
        choices=("none", "mixed_float16", "mixed_bfloat16"),
    )
    parser.add_argument("--decoder", default="seed", choices=("seed", "luong"))
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--num-pairs", type=int, default=36000, help="bundled corpus size"
    )
    parser.add_argument("--run-dir", default="runs/benchmark_distributed")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        rate = child(
            args.replicas[0],
            args.mixed_precision[0],
            args.decoder,
            args.steps,
            args.warmup,
            args.run_dir,
            args.num_pairs,
        )
        print(json.dumps({"tokens_per_second": rate}))
        return
    results = {}
    for precision in args.mixed_precision:
        for replicas in args.replicas:
            command = [
                sys.executable,
                "-m",
                "benchmarks.distributed",
                "--child",
                "--replicas",
                str(replicas),
                "--mixed-precision",
                precision,
                "--decoder",
                args.decoder,
                "--steps",
                str(args.steps),
                "--warmup",
                str(args.warmup),
                "--num-pairs",
                str(args.num_pairs),
                "--run-dir",
                f"{args.run_dir}/{precision}-{replicas}",
            ]
            output = subprocess.run(
                command, check=True, capture_output=True, text=True
            ).stdout
            rate = json.loads(output.strip().splitlines()[-1])
            key = f"{args.decoder} replicas={replicas} {precision}"
            results[key] = round(rate["tokens_per_second"])
            print(f"{key}: {results[key]:,} target tokens/s", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
