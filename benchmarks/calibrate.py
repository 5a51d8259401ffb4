"""Machine figure: ms per training step of a fixed Keras workload.

The budgets and speeds in `benchmarks/RESULTS*.md` name the machine they
were measured on by this figure (lower is faster). The workload does not
use the project's code, so the figure stays comparable when the project
changes: a bidirectional-GRU encoder and a GRU decoder with dot attention
(256 units, 5,000-word vocabularies, batch 64, 16 source and 16 target
steps), 60 timed training steps after 10 warm-up steps, on the CPU.

To reproduce a row measured on a machine of figure `F` with budget `B`,
scale the budget by yours: `B * yours / F`.

    python -m benchmarks.calibrate
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

VOCABULARY = 5000
UNITS = 256
BATCH = 64
STEPS = 16
WARM_UP_STEPS = 10
TIMED_STEPS = 60


def build_model():
    """The fixed encoder-decoder, compiled with Adam."""
    source = keras.Input((STEPS,), dtype="int32")
    target = keras.Input((STEPS,), dtype="int32")
    x = keras.layers.Embedding(VOCABULARY, UNITS)(source)
    encoder = keras.layers.Bidirectional(
        keras.layers.GRU(UNITS, return_sequences=True), merge_mode="sum"
    )(x)
    y = keras.layers.Embedding(VOCABULARY, UNITS)(target)
    decoder = keras.layers.GRU(UNITS, return_sequences=True)(y)
    context = keras.layers.Attention()([decoder, encoder])
    joined = keras.layers.Concatenate()([context, decoder])
    hidden = keras.layers.Dense(UNITS, activation="tanh")(joined)
    logits = keras.layers.Dense(VOCABULARY)(hidden)
    model = keras.Model([source, target], logits)
    model.compile(
        "adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    return model


def milliseconds_per_step():
    """Mean wall time of one training step, in milliseconds."""
    model = build_model()
    rng = np.random.default_rng(0)
    inputs = [
        rng.integers(1, VOCABULARY, (BATCH, STEPS)).astype("int32")
        for _ in range(2)
    ]
    labels = rng.integers(1, VOCABULARY, (BATCH, STEPS)).astype("int32")
    for _ in range(WARM_UP_STEPS):
        model.train_on_batch(inputs, labels)
    start = time.perf_counter()
    for _ in range(TIMED_STEPS):
        model.train_on_batch(inputs, labels)
    return (time.perf_counter() - start) / TIMED_STEPS * 1000


def main():
    ms = milliseconds_per_step()
    print(f"calibration: {ms:.0f} ms/step ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
