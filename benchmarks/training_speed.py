"""Training throughput (real target tokens/s) of pipeline and batching variants.

The machine is shared, so variants are measured in one process,
interleaved: every round runs `--steps` training steps of each variant in
turn (the order rotates), and each variant is reported as the median over
rounds of its tokens/s and of its ratio to the first variant in the same
round. Every variant has its own model (same config, fresh weights) and
its own `tf.data` pipeline over the same training file and tokenizers;
one pass of each pipeline is drawn before timing, so cached variants are
timed in their steady state (later epochs). Steps that meet a batch shape
for the first time (a new XLA compilation, or a retrace) are counted and
timed separately, the rest is the steady state.

    .venv/bin/python -m benchmarks.training_speed \\
        --config training/configs/anki-es-en.yaml \\
        --train ../shared/data/es-en-anki/train.tsv --lines 20000

Without `--train` the config's own files (or the bundled corpus) are used.
`--output-share` also times one training step at fixed shapes with the
real target vocabulary and with a 64-word one (the output layer's share).
Threads: `--intra-op`/`--inter-op` (TensorFlow's thread pools) apply to
this process; `--thread-sweep` runs one subprocess per setting, in turn.

Results are recorded in benchmarks/RESULTS.md with the command.
"""

import argparse
import itertools
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

# name: (Config changes, cache the token ids)
VARIANTS = {
    # The pipeline as it was: strings re-tokenized every epoch.
    "before": ({"pad_to_multiple": 8}, False),
    "ids cached": ({"pad_to_multiple": 8}, True),
    "pad 4": ({"pad_to_multiple": 4}, True),
    "pad 2": ({"pad_to_multiple": 2}, True),
    "pad 1": ({"pad_to_multiple": 1}, True),
    "pad 2, 1024 tokens": (
        {"pad_to_multiple": 2, "batch_tokens": 1024},
        True,
    ),
    "pad 2, 2048 tokens": (
        {"pad_to_multiple": 2, "batch_tokens": 2048},
        True,
    ),
    "xla pad 8": ({"pad_to_multiple": 8, "jit_compile": True}, True),
    "xla pad 16, 1024 tokens": (
        {"pad_to_multiple": 16, "batch_tokens": 1024, "jit_compile": True},
        True,
    ),
}
DEFAULT_VARIANTS = "before;ids cached;pad 2;pad 1;pad 2, 1024 tokens"


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime


def base_config(args, directory):
    from keras_attention.config import Config

    config = Config.from_yaml(args.config)
    changes = {}
    if args.train:
        train = pathlib.Path(args.train)
        if not train.exists():
            raise SystemExit(f"{train} not found (a ../shared corpus?).")
        if args.lines:
            sliced = pathlib.Path(directory) / "train.tsv"
            with open(train, encoding="utf-8") as lines:
                sliced.write_text(
                    "".join(itertools.islice(lines, args.lines)),
                    encoding="utf-8",
                )
            train = sliced
        changes["train"] = str(train)
        changes["valid"] = args.valid or str(train)
    return config.replace(**changes)


class Variant:
    """One model and one pipeline, stepped by hand."""

    def __init__(self, name, trainer, config, cache):
        from keras_attention.data.batching import Batching
        from keras_attention.data.length_policy import LengthPolicy
        from keras_attention.data.pipeline import count_batches
        from keras_attention.data.pipeline import make_streaming_dataset

        self.name = name
        self.config = config
        policy = LengthPolicy(
            config.data.max_source_tokens,
            config.data.max_target_tokens,
            config.data.length_policy,
        )
        reader = trainer.splits.readers["train"]
        if not hasattr(trainer, "train_lengths"):
            _, trainer.train_lengths = policy.measure(
                reader,
                trainer.source_tokenizer,
                trainer.target_tokenizer,
                return_lengths=True,
            )
        batching = Batching(
            batch_size=config.training.batch_size,
            shuffle=True,
            seed=config.training.seed,
            pad_to_multiple=config.data.pad_to_multiple,
            length_policy=policy,
            bucket_by_length=config.data.bucket_by_length,
            shuffle_buffer_size=config.data.shuffle_buffer_size,
            pad_batches=config.training.jit_compile,
            batch_tokens=(
                config.data.batch_tokens
                if config.data.bucket_by_length
                else None
            ),
            cache=cache,
        )
        self.num_batches = count_batches(trainer.train_lengths, batching)
        data = make_streaming_dataset(
            reader, trainer.source_tokenizer, trainer.target_tokenizer, batching
        )
        self.batches = iter(data.repeat())
        start = time.perf_counter()
        cpu = cpu_seconds()[0]
        for _ in range(self.num_batches):  # one pass: fills any cache
            next(self.batches)
        self.first_pass = {
            "seconds": round(time.perf_counter() - start, 2),
            "cpu_seconds": round(cpu_seconds()[0] - cpu, 2),
        }
        self.model = trainer.build_model(config)
        self.shapes = set()
        self.compile_seconds = 0.0
        self.rounds = []

    def step(self):
        """One training step; returns `(seconds, cpu, sys, tokens, new)`."""
        inputs, labels, weights = next(self.batches)
        shape = (
            tuple(inputs["encoder_token_ids"].shape),
            tuple(inputs["decoder_token_ids"].shape),
        )
        start = time.perf_counter()
        cpu, system = cpu_seconds()
        self.model.train_on_batch(inputs, labels, weights)
        seconds = time.perf_counter() - start
        cpu_after, system_after = cpu_seconds()
        new = shape not in self.shapes
        self.shapes.add(shape)
        if new:
            self.compile_seconds += seconds
        tokens = float(weights.numpy().sum())
        positions = labels.shape[0] * labels.shape[1]
        return (
            seconds,
            cpu_after - cpu,
            system_after - system,
            tokens,
            positions,
            new,
        )

    def run(self, steps):
        """`steps` steady-state steps (new shapes do not count)."""
        totals = dict.fromkeys(
            ("seconds", "cpu", "sys", "tokens", "positions", "steps"), 0.0
        )
        while totals["steps"] < steps:
            seconds, cpu, system, tokens, positions, new = self.step()
            if new:
                continue
            for key, value in zip(
                ("seconds", "cpu", "sys", "tokens", "positions"),
                (seconds, cpu, system, tokens, positions),
            ):
                totals[key] += value
            totals["steps"] += 1
        self.rounds.append(totals)
        return totals


def measure(args):
    import tensorflow as tf

    if args.intra_op:
        tf.config.threading.set_intra_op_parallelism_threads(args.intra_op)
    if args.inter_op:
        tf.config.threading.set_inter_op_parallelism_threads(args.inter_op)
    from keras_attention.task.trainer import Trainer

    names = [n.strip() for n in args.variants.split(";")]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise SystemExit(f"Unknown variants {unknown}; known: {list(VARIANTS)}")
    with tempfile.TemporaryDirectory() as directory:
        base = base_config(args, directory)
        trainer = Trainer(base, pathlib.Path(directory) / "run", verbose=False)
        start = time.perf_counter()
        trainer.prepare()
        prepare_seconds = time.perf_counter() - start
        variants = []
        for name in names:
            changes, cache = VARIANTS[name]
            variants.append(
                Variant(name, trainer, base.replace(**changes), cache)
            )
        for variant in variants:
            for _ in range(args.warmup):
                variant.step()
        load_before = os.getloadavg()[0]
        for round_index in range(args.rounds):
            shift = round_index % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                variant.run(args.steps)
        load_after = os.getloadavg()[0]
    return {
        "config": args.config,
        "train": args.train,
        "lines": args.lines,
        "steps_per_round": args.steps,
        "rounds": args.rounds,
        "intra_op": args.intra_op,
        "inter_op": args.inter_op,
        "prepare_seconds": round(prepare_seconds, 1),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "variants": summarize(variants),
    }


def summarize(variants):
    def rate(r):
        return r["tokens"] / r["seconds"]

    first = variants[0]
    results = {}
    for variant in variants:
        rounds = variant.rounds
        tokens = sum(r["tokens"] for r in rounds)
        results[variant.name] = {
            "tokens_per_second": round(statistics.median(map(rate, rounds))),
            "ratio": round(
                statistics.median(
                    rate(mine) / rate(theirs)
                    for mine, theirs in zip(rounds, first.rounds)
                ),
                3,
            ),
            "cpu_ms_per_1000_tokens": round(
                1e6 * sum(r["cpu"] for r in rounds) / tokens, 1
            ),
            "sys_share_of_cpu": round(
                sum(r["sys"] for r in rounds) / sum(r["cpu"] for r in rounds),
                3,
            ),
            "target_padding": round(
                1 - tokens / sum(r["positions"] for r in rounds), 3
            ),
            "ms_per_step": round(
                1e3
                * sum(r["seconds"] for r in rounds)
                / sum(r["steps"] for r in rounds),
                1,
            ),
            "batches_per_epoch": variant.num_batches,
            "first_pass": variant.first_pass,
            "shapes_compiled": len(variant.shapes),
            "compile_seconds": round(variant.compile_seconds, 1),
        }
    return results


def output_share(args):
    """CPU ms of one step at fixed shapes, real vs 64-word target vocab."""
    import keras
    import numpy as np

    from keras_attention.config import Config
    from keras_attention.models.encoder_decoder import EncoderDecoder

    config = Config.from_yaml(args.config)
    vocabulary = config.data.target_vocabulary_size or 8000
    rng = np.random.default_rng(0)
    results = {}
    models = {}
    for size in (vocabulary, 64):
        model = EncoderDecoder(vocabulary, size, **config.model.to_dict())
        model.compile(
            optimizer=keras.optimizers.Adam(clipnorm=config.training.clipnorm),
            loss=keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, reduction="mean_with_sample_weight"
            ),
        )
        models[size] = model
    shapes = [(64, 8, 9), (64, 16, 17), (128, 8, 9)]
    batches = {
        shape: (
            {
                "encoder_token_ids": rng.integers(1, 64, shape[:2]),
                "decoder_token_ids": rng.integers(1, 64, (shape[0], shape[2])),
            },
            rng.integers(1, 64, (shape[0], shape[2])),
        )
        for shape in shapes
    }
    cpu = {key: [] for key in itertools.product(models, shapes)}
    for model, (x, y) in itertools.product(models.values(), batches.values()):
        model.train_on_batch(x, y)
    for _ in range(args.rounds):
        for (size, shape), times in cpu.items():
            x, y = batches[shape]
            start = cpu_seconds()[0]
            for _ in range(5):
                models[size].train_on_batch(x, y)
            times.append((cpu_seconds()[0] - start) / 5)
    for (size, shape), times in cpu.items():
        key = f"vocabulary {size}, batch {shape[0]}x{shape[1]}x{shape[2]}"
        results[key] = round(1e3 * statistics.median(times), 1)
    return results


def thread_sweep(args):
    """One subprocess per `intra,inter` setting, alternated for `rounds`."""
    settings = [tuple(map(int, s.split(","))) for s in args.thread_sweep]
    rates = {s: [] for s in settings}
    for _ in range(args.rounds):
        for intra, inter in settings:
            command = [
                sys.executable,
                "-m",
                "benchmarks.training_speed",
                "--config",
                args.config,
                "--variants",
                args.variants.split(";")[0],
                "--rounds",
                "1",
                "--steps",
                str(args.steps),
                "--warmup",
                str(args.warmup),
                "--intra-op",
                str(intra),
                "--inter-op",
                str(inter),
                "--json-only",
            ]
            if args.train:
                command += ["--train", args.train]
            if args.lines:
                command += ["--lines", str(args.lines)]
            output = subprocess.run(
                command, check=True, capture_output=True, text=True
            ).stdout
            [result] = json.loads(output.splitlines()[-1])["variants"].values()
            rates[(intra, inter)].append(result)
            print(intra, inter, json.dumps(result), flush=True)
    return {
        f"intra {intra}, inter {inter}": {
            "tokens_per_second": round(
                statistics.median(r["tokens_per_second"] for r in results)
            ),
            "cpu_ms_per_1000_tokens": round(
                statistics.median(r["cpu_ms_per_1000_tokens"] for r in results),
                1,
            ),
            "sys_share_of_cpu": round(
                statistics.median(r["sys_share_of_cpu"] for r in results), 3
            ),
        }
        for (intra, inter), results in rates.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.training_speed",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--config", default="training/configs/demo.yaml")
    parser.add_argument("--train", help="Training file (default: config's).")
    parser.add_argument("--valid", help="Valid file (default: --train).")
    parser.add_argument(
        "--lines", type=int, help="Use the first N lines of --train."
    )
    parser.add_argument(
        "--variants",
        default=DEFAULT_VARIANTS,
        help=f"';'-separated names of {list(VARIANTS)}; the first is the "
        "reference of the ratios.",
    )
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--intra-op", type=int, default=0)
    parser.add_argument("--inter-op", type=int, default=0)
    parser.add_argument("--thread-sweep", nargs="*", metavar="INTRA,INTER")
    parser.add_argument("--output-share", action="store_true")
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.thread_sweep:
        results = {"thread_sweep": thread_sweep(args)}
    elif args.output_share:
        results = {"output_share_cpu_ms_per_step": output_share(args)}
    else:
        results = measure(args)
    if args.json_only:
        print(json.dumps(results))
        return
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
