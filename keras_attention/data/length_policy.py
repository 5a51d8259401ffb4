"""What happens to training pairs longer than the token caps."""

import collections
import itertools

import numpy as np
import tensorflow as tf

POLICIES = ("drop", "truncate")


class LengthPolicy:
    """Token caps per side of a training pair, and drop or truncate above.

    Lengths are counted in the tokenizer's tokens (subwords for
    SentencePiece), without `[START]`/`[END]`. `apply` runs inside
    `tf.data`; `measure` makes one pass over a corpus and counts what the
    policy does, so that nothing is dropped or cut without being reported.

    Args:
        max_source_tokens: int or `None` (no cap). Defaults to `64`.
        max_target_tokens: int or `None` (no cap). Defaults to `64`.
        policy: `"drop"` a pair with a side over its cap, or `"truncate"`
            the side to its cap. Defaults to `"drop"`.

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
        if policy not in POLICIES:
            raise ValueError(
                f"policy must be one of {POLICIES}. Received: policy={policy!r}"
            )
        for name, value in (
            ("max_source_tokens", max_source_tokens),
            ("max_target_tokens", max_target_tokens),
        ):
            if value is not None and value < 1:
                raise ValueError(
                    f"{name} must be >= 1 or None. Received: {name}={value}"
                )
        self.max_source_tokens = max_source_tokens
        self.max_target_tokens = max_target_tokens
        self.policy = policy

    def _too_long(self, source_ids, target_ids):
        source_lengths = source_ids.row_lengths()
        target_lengths = target_ids.row_lengths()
        long_sources = tf.zeros_like(source_lengths, tf.bool)
        long_targets = tf.zeros_like(target_lengths, tf.bool)
        if self.max_source_tokens is not None:
            long_sources = source_lengths > self.max_source_tokens
        if self.max_target_tokens is not None:
            long_targets = target_lengths > self.max_target_tokens
        return long_sources, long_targets

    def apply(self, source_ids, target_ids):
        """Applies the policy to a batch of pairs (graph ops).

        Args:
            source_ids: ragged int `(batch, None)`.
            target_ids: ragged int `(batch, None)`.

        Returns:
            `(source_ids, target_ids)`, ragged; with `"drop"` the rows of
            pairs over a cap are removed, with `"truncate"` sides are cut.
        """
        if self.policy == "truncate":
            if self.max_source_tokens is not None:
                source_ids = source_ids[:, : self.max_source_tokens]
            if self.max_target_tokens is not None:
                target_ids = target_ids[:, : self.max_target_tokens]
            return source_ids, target_ids
        long_sources, long_targets = self._too_long(source_ids, target_ids)
        keep = ~(long_sources | long_targets)
        return (
            tf.ragged.boolean_mask(source_ids, keep),
            tf.ragged.boolean_mask(target_ids, keep),
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
            A JSON-ready dict: `policy`, `max_source_tokens`,
            `max_target_tokens`, `pairs` (read), `long_sources` and
            `long_targets` (over their cap), `dropped`, `truncated` (pairs
            with at least one side cut), `kept` (pairs training sees),
            `source_tokens` and `target_tokens` (`mean`, `p99`, `max`,
            before the policy). With `return_lengths`, a tuple
            `(report, lengths)`.
        """
        kept_lengths = collections.Counter()
        counts = {"pairs": 0, "long_sources": 0, "long_targets": 0, "over": 0}
        histograms = {
            "source": np.zeros(1, np.int64),
            "target": np.zeros(1, np.int64),
        }
        iterator = iter(pairs)
        while chunk := list(itertools.islice(iterator, chunk_size)):
            sources, targets = zip(*chunk)
            source_ids = source_tokenizer.tokenize(tf.constant(sources))
            target_ids = target_tokenizer.tokenize(tf.constant(targets))
            long_sources, long_targets = self._too_long(source_ids, target_ids)
            counts["pairs"] += len(chunk)
            counts["long_sources"] += int(
                tf.reduce_sum(tf.cast(long_sources, tf.int64))
            )
            counts["long_targets"] += int(
                tf.reduce_sum(tf.cast(long_targets, tf.int64))
            )
            counts["over"] += int(
                tf.reduce_sum(tf.cast(long_sources | long_targets, tf.int64))
            )
            if return_lengths:
                kept = self.apply(source_ids, target_ids)
                kept_lengths.update(
                    zip(
                        kept[0].row_lengths().numpy().tolist(),
                        kept[1].row_lengths().numpy().tolist(),
                    )
                )
            for side, ids in (("source", source_ids), ("target", target_ids)):
                lengths = ids.row_lengths().numpy()
                histogram = np.bincount(lengths)
                old = histograms[side]
                size = max(len(old), len(histogram))
                histograms[side] = np.pad(old, (0, size - len(old))) + np.pad(
                    histogram, (0, size - len(histogram))
                )
        over = counts.pop("over")
        dropped = over if self.policy == "drop" else 0
        report = {
            "policy": self.policy,
            "max_source_tokens": self.max_source_tokens,
            "max_target_tokens": self.max_target_tokens,
            **counts,
            "dropped": dropped,
            "truncated": over if self.policy == "truncate" else 0,
            "kept": counts["pairs"] - dropped,
            "source_tokens": _summary(histograms["source"]),
            "target_tokens": _summary(histograms["target"]),
        }
        return (report, kept_lengths) if return_lengths else report


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
