"""How the pipeline shuffles, cuts, groups and pads pairs into batches."""

import dataclasses

from keras_attention.data.length_policy import LengthPolicy


@dataclasses.dataclass(frozen=True)
class Batching:
    """The batching options of `make_dataset` and `make_streaming_dataset`.

    Args:
        batch_size: int. Defaults to `64`.
        shuffle: bool. Reshuffle the pairs every epoch. Defaults to `False`.
        seed: int. Shuffle seed. Defaults to `None`.
        pad_to_multiple: int. Pad both sides of a batch up to a multiple of
            this length: few distinct shapes, few XLA compilations.
            Defaults to `8`.
        length_policy: a `LengthPolicy` or `None` (keep every pair whole).
            Defaults to `None`.
        bucket_by_length: bool. Batch pairs of similar length together
            (length-sorted pools, or exact length buckets with
            `batch_tokens`; see `batch_pairs`). Defaults to `False`.
        shuffle_buffer_size: int. Defaults to `None`: all the pairs
            (`make_dataset`), 100,000 (`make_streaming_dataset`).
        pad_batches: bool. Pad every batch to `batch_size` rows (with
            `batch_tokens`: to its bucket's rows) with weight-0 padding
            rows, so that XLA sees one batch dimension per bucket.
            Defaults to `False`.
        batch_tokens: int or `None`. With `bucket_by_length`, size each
            bucket's batches by target positions instead of sentences:
            `max(1, batch_tokens // W)` rows, where `W` is the bucket's
            widest decoder input. `None` uses `batch_size` rows. Defaults
            to `None`.
        cache: bool. Tokenize in the first pass only and keep the ids in
            memory. Defaults to `False` (`make_dataset` always caches).

    Raises:
        ValueError: for `batch_tokens` without `bucket_by_length`.

    Example:

    ```python
    batching = Batching(batch_size=32, shuffle=True, bucket_by_length=True)
    dataset = make_dataset(sources, targets, tokenizer, tokenizer, batching)
    model.fit(dataset, epochs=10)
    ```
    """

    batch_size: int = 64
    shuffle: bool = False
    seed: int | None = None
    pad_to_multiple: int = 8
    length_policy: LengthPolicy | None = None
    bucket_by_length: bool = False
    shuffle_buffer_size: int | None = None
    pad_batches: bool = False
    batch_tokens: int | None = None
    cache: bool = False

    def __post_init__(self):
        if self.batch_tokens is not None and not self.bucket_by_length:
            raise ValueError(
                "batch_tokens needs bucket_by_length=True (batches are sized "
                "per length bucket). Received: "
                f"batch_tokens={self.batch_tokens}"
            )
