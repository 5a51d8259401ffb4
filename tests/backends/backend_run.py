"""Trains a tiny run on the backend of `KERAS_BACKEND` and translates with it.

Not collected by pytest (no `_test` suffix): `jax_run_export_test.py`
runs it as a script, `python backend_run.py CONFIG_YAML RUN_DIR OUT_JSON`,
in a process whose Keras runs on JAX (or PyTorch). It writes to OUT_JSON
the run's own greedy translations of the valid sources and of hostile
inputs, made by a Python loop over `EncoderDecoder.encode` and
`decode_step` (`keras.ops` on this backend; the tokenizers are
tensorflow-text, as in training), with the translation memory applied as
`Translator` applies it, and the teacher-forced logits of a fixed batch.
"""

import json
import sys

import keras
import numpy as np
import tensorflow as tf

from keras_attention.config import Config
from keras_attention.task.trainer import Trainer

HOSTILE = [
    "",
    "   ",
    "\u200b\u00a0\u3000",
    "".join(chr(c) for c in range(1, 256)),
    "나는 " * 300,
    "??!!..",
]


def greedy(model, source_ids, start_id, end_id, max_decode_length):
    """Token ids of one sentence, as `GreedySearch` picks them."""
    ids = source_ids or [0]  # one masked column for an empty source
    memory, memory_mask, states = model.encode(np.array([ids], "int32"))
    limit = min(max_decode_length, 2 * len(source_ids) + 10)
    previous, output = start_id, []
    for _ in range(limit):
        logits, states, _ = model.decode_step(
            np.array([previous], "int32"), states, memory, memory_mask
        )
        previous = int(keras.ops.convert_to_numpy(keras.ops.argmax(logits[0])))
        if previous == end_id:
            break
        output.append(previous)
    return output


def main(config_path, run_dir, out_path):
    config = Config.from_yaml(config_path)
    trainer = Trainer(config, run_dir, verbose=False)
    trainer.fit(verbose=0)
    model = trainer.model
    source_tokenizer = trainer.source_tokenizer
    target_tokenizer = trainer.target_tokenizer
    # Two training sources: the translation memory answers those.
    sentences = (
        list(trainer.splits["valid"][0])
        + list(trainer.splits["train"][0][:2])
        + HOSTILE
    )
    source_ids = source_tokenizer.tokenize(tf.constant(sentences)).to_list()
    if config.decoding.max_source_length is not None:
        source_ids = [
            ids[: config.decoding.max_source_length] for ids in source_ids
        ]
    outputs = [
        greedy(
            model,
            ids,
            target_tokenizer.start_token_id,
            target_tokenizer.end_token_id,
            config.decoding.max_decode_length,
        )
        for ids in source_ids
    ]
    ids = tf.RaggedTensor.from_row_lengths(
        np.array([i for row in outputs for i in row], "int32"),
        [len(row) for row in outputs],
    )
    translations = [
        t.decode("utf-8") for t in target_tokenizer.detokenize(ids).numpy()
    ]
    model_translations = list(translations)
    if trainer.memory is not None:
        match = trainer.memory.lookup(tf.constant(sentences))
        for i, (similarity, target) in enumerate(
            zip(match["similarity"].numpy(), match["target"].numpy())
        ):
            if similarity > 0:
                translations[i] = target.decode("utf-8")
    batch = {
        "encoder_token_ids": np.array([[5, 6, 7, 0], [3, 4, 0, 0]], "int32"),
        "decoder_token_ids": np.array([[2, 9, 10], [2, 11, 12]], "int32"),
    }
    logits = keras.ops.convert_to_numpy(model(batch)).tolist()
    with open(out_path, "w", encoding="utf-8") as file:
        json.dump(
            {
                "backend": keras.backend.backend(),
                "sentences": sentences,
                "translations": translations,
                "model_translations": model_translations,
                "logits": logits,
                "batch": {k: v.tolist() for k, v in batch.items()},
            },
            file,
            ensure_ascii=False,
        )


if __name__ == "__main__":
    main(*sys.argv[1:4])
