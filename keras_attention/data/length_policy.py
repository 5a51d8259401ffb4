"""What happens to training pairs longer than the token caps."""

import collections
import itertools

import numpy as np
import tensorflow as tf

from keras_attention.config import DataConfig

# The pair counts of a `measure` report, in its order.
_COUNTS = ("pairs", "long_sources", "long_targets", "dropped", "truncated")
_COUNTS += ("cut_targets", "kept")


class LengthPolicy:
    """Token caps per side of a training pair, and drop or truncate above.

    Lengths are tokenizer tokens without `[START]`/`[END]`. `apply` runs
    inside `tf.data`; `measure` counts in one pass what the policy does, so
    nothing is dropped or cut unreported.

    `"truncate"` cuts a pair consistently: a source over its cap keeps its
    first `max_source_tokens` tokens and its target the same share of its
    tokens (rounded down; a word-order heuristic, `"drop"` is the safe
    choice); a target over its cap (or cut with its source) keeps its first
    tokens and gets no `[END]`; a pair whose target would keep no token is
    dropped, and counted.

    Args:
        max_source_tokens: int or `None` (no cap). Defaults to `64`.
        max_target_tokens: int or `None` (no cap). Defaults to `64`.
        policy: `"drop"` a pair with a side over its cap, or `"truncate"`
            the pair (see above). Defaults to `"drop"`.

    Example:

    ```python
    policy = LengthPolicy(64, 64, "drop")
    report = policy.measure(reader, source_tokenizer, target_tokenizer)
    report["dropped"]  # pairs that training will not see
    ```
    """

    def __init__(
        self, max_source_tokens=64, max_target_tokens=64, policy="drop"
    ):
        # The `data` section's checks (a `ConfigError`, a ValueError).
        DataConfig(
            max_source_tokens=max_source_tokens,
            max_target_tokens=max_target_tokens,
            length_policy=policy,
        )
        self.max_source_tokens = max_source_tokens
        self.max_target_tokens = max_target_tokens
        self.policy = policy

    def plan(self, source_lengths, target_lengths):
        """What the policy does to pairs of these lengths (graph ops).

        Args:
            source_lengths: int `(batch,)` source token counts.
            target_lengths: int `(batch,)` target token counts.

        Returns:
            A dict of `(batch,)` tensors: `source_keep` and `target_keep`
            (int64 tokens each side keeps), `kept` (bool, the pair is
            trained on), `long_sources` and `long_targets` (bool, over
            their cap).
        """
        source_lengths = tf.cast(source_lengths, tf.int64)
        target_lengths = tf.cast(target_lengths, tf.int64)
        long_sources = tf.zeros_like(source_lengths, tf.bool)
        long_targets = tf.zeros_like(target_lengths, tf.bool)
        source_keep = source_lengths
        target_keep = target_lengths
        if self.max_source_tokens is not None:
            long_sources = source_lengths > self.max_source_tokens
            source_keep = tf.minimum(source_lengths, self.max_source_tokens)
        if self.max_target_tokens is not None:
            long_targets = target_lengths > self.max_target_tokens
        if self.policy == "drop":
            kept = ~(long_sources | long_targets)
            source_keep, target_keep = source_lengths, target_lengths
        else:
            # A cut source keeps the same share of its target.
            share = (
                target_lengths * source_keep // tf.maximum(source_lengths, 1)
            )
            target_keep = tf.where(long_sources, share, target_lengths)
            if self.max_target_tokens is not None:
                target_keep = tf.minimum(target_keep, self.max_target_tokens)
            kept = (target_keep > 0) | (target_lengths == 0)
        return {
            "source_keep": source_keep,
            "target_keep": target_keep,
            "kept": kept,
            "long_sources": long_sources,
            "long_targets": long_targets,
        }

    def apply(self, source_ids, target_ids):
        """Applies the policy to a batch of pairs (graph ops).

        Args:
            source_ids: ragged int `(batch, None)`.
            target_ids: ragged int `(batch, None)`.

        Returns:
            `(source_ids, target_ids, target_cut)`: the pairs kept, cut
            (ragged), and a bool `(kept,)`, true for the targets that were
            cut (they get no `[END]`).
        """
        plan = self.plan(source_ids.row_lengths(), target_ids.row_lengths())
        kept = plan["kept"]
        target_cut = plan["target_keep"] < target_ids.row_lengths()
        if self.policy == "truncate":
            source_ids = _keep_first(source_ids, plan["source_keep"])
            target_ids = _keep_first(target_ids, plan["target_keep"])
        return (
            tf.ragged.boolean_mask(source_ids, kept),
            tf.ragged.boolean_mask(target_ids, kept),
            tf.boolean_mask(target_cut, kept),
        )

    def measure(
        self,
        pairs,
        source_tokenizer,
        target_tokenizer,
        chunk_size=1024,
        return_lengths=False,
    ):
        """One streaming pass over `pairs`: what the policy does to them.

        Args:
            pairs: iterable of `(source, target)` str pairs (a
                `CorpusReader`; its errors propagate).
            source_tokenizer, target_tokenizer: tokenizers with
                `tokenize(texts)`.
            chunk_size: int. Pairs tokenized per call. Defaults to `1024`.
            return_lengths: bool. Also return a `collections.Counter` of
                `(source_length, target_length)` of the pairs training
                sees, after the policy (see `count_batches`). Defaults to
                `False`.

        Returns:
            A JSON-ready dict: `policy`, the caps, `pairs` (read),
            `long_sources` and `long_targets` (over their cap), `dropped`,
            `truncated` (kept with a side cut), `cut_targets` (trained
            without `[END]`), `kept`, and `source_tokens` and
            `target_tokens` (`mean`, `p99`, `max`, before the policy).
            With `return_lengths`, a tuple `(report, lengths)`.
        """
        kept_lengths = collections.Counter()
        counts = dict.fromkeys(_COUNTS, 0)
        histograms = {
            "source": np.zeros(1, np.int64),
            "target": np.zeros(1, np.int64),
        }
        iterator = iter(pairs)
        while chunk := list(itertools.islice(iterator, chunk_size)):
            sources, targets = zip(*chunk)
            source_lengths = (
                source_tokenizer.tokenize(tf.constant(sources))
                .row_lengths()
                .numpy()
            )
            target_lengths = (
                target_tokenizer.tokenize(tf.constant(targets))
                .row_lengths()
                .numpy()
            )
            plan = {
                key: value.numpy()
                for key, value in self.plan(
                    source_lengths, target_lengths
                ).items()
            }
            kept = plan["kept"]
            cut_sources = plan["source_keep"] < source_lengths
            cut_targets = kept & (plan["target_keep"] < target_lengths)
            counts["pairs"] += len(chunk)
            counts["long_sources"] += int(plan["long_sources"].sum())
            counts["long_targets"] += int(plan["long_targets"].sum())
            counts["dropped"] += int((~kept).sum())
            counts["truncated"] += int(
                ((kept & cut_sources) | cut_targets).sum()
            )
            counts["cut_targets"] += int(cut_targets.sum())
            counts["kept"] += int(kept.sum())
            if return_lengths:
                kept_lengths.update(
                    zip(
                        plan["source_keep"][kept].tolist(),
                        plan["target_keep"][kept].tolist(),
                    )
                )
            for side, lengths in (
                ("source", source_lengths),
                ("target", target_lengths),
            ):
                old = histograms[side]
                histogram = np.bincount(lengths, minlength=len(old))
                histogram[: len(old)] += old
                histograms[side] = histogram
        report = {
            "policy": self.policy,
            "max_source_tokens": self.max_source_tokens,
            "max_target_tokens": self.max_target_tokens,
            **counts,
            "source_tokens": _summary(histograms["source"]),
            "target_tokens": _summary(histograms["target"]),
        }
        return (report, kept_lengths) if return_lengths else report


def _keep_first(ids, counts):
    """The first `counts[i]` tokens of every row of ragged `ids`."""
    positions = tf.ragged.range(ids.row_lengths(), dtype=tf.int64)
    return tf.ragged.boolean_mask(ids, positions < counts[:, None])


def _summary(histogram):
    """Mean, 99th percentile and maximum of lengths given by a histogram."""
    total = int(histogram.sum())
    if not total:
        return {"mean": 0.0, "p99": 0, "max": 0}
    lengths = np.arange(len(histogram))
    cumulative = np.cumsum(histogram)
    return {
        "mean": round(float((lengths * histogram).sum() / total), 2),
        "p99": int(np.searchsorted(cumulative, 0.99 * total)),
        "max": int(np.flatnonzero(histogram)[-1]),
    }
