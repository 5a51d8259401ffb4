import dataclasses

import pytest

from keras_attention.data.batching import Batching


def test_batch_tokens_needs_buckets():
    with pytest.raises(ValueError, match="batch_tokens needs bucket_by_length"):
        Batching(batch_tokens=64)
    assert Batching(bucket_by_length=True, batch_tokens=64).batch_tokens == 64


def test_batching_is_frozen_and_replaced():
    batching = Batching(batch_size=16)
    with pytest.raises(dataclasses.FrozenInstanceError):
        batching.batch_size = 32
    assert dataclasses.replace(batching, shuffle=True) == Batching(
        batch_size=16, shuffle=True
    )
