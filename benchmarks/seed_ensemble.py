"""Valid BLEU of an ensemble of trained runs against each of its members.

Measures how much averaging several runs of one config (different seeds,
same tokenizers) would give before the project builds ensembles into the
export: every run directory is translated alone and all of them together
on a TSV file (source, reference), beam and greedy, and scored as
`benchmarks.quality` scores an export (sacreBLEU cased and lowercased,
chrF, with signatures).

The ensemble predicts the mean of its members' next-token probabilities
(each member encodes the source and keeps its own decoder state; the
attention reported is the members' mean). It runs in Python with the runs'
Keras models, not in an export.

    .venv/bin/python -m benchmarks.seed_ensemble \\
        ../shared/data/ko-en-tatoeba/valid.tsv RUN_1 RUN_2 RUN_3

The runs must share their vocabularies (SentencePiece learns the same
pieces from the same split and config, whatever the seed). Results are
recorded in benchmarks/RESULTS-quality.md with the command.
"""

import argparse
import json

import tensorflow as tf

from benchmarks.quality import sacrebleu_scores
from keras_attention.decoding.translator import Translator
from keras_attention.evaluation.reference_corpus import ReferenceCorpus
from keras_attention.task.loaded_model import LoadedModel


class Ensemble:
    """`EncoderDecoder`'s `encode` / `decode_step` over several models.

    Args:
        models: list of `EncoderDecoder` with the same vocabularies.

    `decode_step` returns `log(mean_i softmax(logits_i))` as logits
    `(batch_size, target_vocabulary_size)`, a tuple of the members' states
    and the mean attention `(batch_size, Ts)`.
    """

    def __init__(self, models):
        if not models:
            raise ValueError("An ensemble needs at least one model.")
        self.models = list(models)

    def encode(self, encoder_token_ids):
        encoded = [model.encode(encoder_token_ids) for model in self.models]
        memory = tuple(memory for memory, _, _ in encoded)
        states = tuple(states for _, _, states in encoded)
        # Same source ids, same mask.
        return memory, encoded[0][1], states

    def decode_step(self, token_ids, states, memory, memory_mask):
        log_probs, new_states, attention = [], [], []
        for model, state, member_memory in zip(self.models, states, memory):
            logits, state, weights = model.decode_step(
                token_ids, state, member_memory, memory_mask
            )
            log_probs.append(tf.nn.log_softmax(tf.cast(logits, tf.float32)))
            new_states.append(state)
            attention.append(tf.cast(weights, tf.float32))
        count = float(len(self.models))
        mean = tf.reduce_logsumexp(tf.stack(log_probs), axis=0)
        return (
            mean - tf.math.log(count),
            tuple(new_states),
            tf.add_n(attention) / count,
        )


def check_vocabularies(loaded_models):
    """Raises ValueError naming the first run whose vocabulary differs."""
    first = loaded_models[0]
    for loaded in loaded_models[1:]:
        for side in ("source", "target"):
            tokenizer = getattr(loaded, f"{side}_tokenizer")
            expected = getattr(first, f"{side}_tokenizer")
            if tokenizer.vocabulary != expected.vocabulary:
                raise ValueError(
                    f"{loaded.path}: the {side} vocabulary differs from "
                    f"{first.path}'s: an ensemble needs the same tokens."
                )


def translator(loaded_models):
    """A `Translator` of the first run's decoding settings over all."""
    first = loaded_models[0]
    return Translator.from_config(
        Ensemble([loaded.model for loaded in loaded_models]),
        first.source_tokenizer,
        first.target_tokenizer,
        first.config,
        postprocessor=first.translator.postprocessor,
    )


def score(translate, corpus, batch_size):
    """Beam and greedy scores of one translator on `corpus`.

    Each is `benchmarks.quality.sacrebleu_scores`: BLEU cased and
    lowercased, chrF, length ratio and their signatures.
    """
    return {
        search: sacrebleu_scores(
            translate.translate_texts(
                corpus.sources, batch_size=batch_size, beam=beam
            ),
            corpus.targets,
        )
        for search, beam in (("beam", True), ("greedy", False))
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.seed_ensemble",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("valid", help="TSV file: source<TAB>reference.")
    parser.add_argument("runs", nargs="+", help="Run directories.")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    loaded = [LoadedModel.load(run) for run in args.runs]
    check_vocabularies(loaded)
    corpus = ReferenceCorpus.read(args.valid, loaded[0].config)
    report = {"valid": args.valid, "sentences": len(corpus), "members": []}
    for run, member in zip(args.runs, loaded):
        scores = score(translator([member]), corpus, args.batch_size)
        report["members"].append({"run": run, **scores})
    report["ensemble"] = score(translator(loaded), corpus, args.batch_size)
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
