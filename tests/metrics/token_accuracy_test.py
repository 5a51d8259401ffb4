import numpy as np

from keras_attention.metrics.token_accuracy import TokenAccuracy


def one_hot_logits(ids, vocabulary_size=5):
    return np.eye(vocabulary_size, dtype="float32")[np.asarray(ids)]


def test_mean_over_real_tokens_across_batches():
    metric = TokenAccuracy()
    # Batch 1: 2 of 3 real tokens right (the padded position is wrong but
    # ignored). Batch 2: 1 of 1 right, padded to length 4.
    metric.update_state(
        [[1, 2, 3, 0]],
        one_hot_logits([[1, 2, 4, 1]]),
        sample_weight=[[1, 1, 1, 0]],
    )
    metric.update_state(
        [[2, 0, 0, 0]],
        one_hot_logits([[2, 1, 1, 1]]),
        sample_weight=[[1, 0, 0, 0]],
    )
    # 3 right out of 4 real tokens; a per-batch mean would give 0.833.
    np.testing.assert_allclose(metric.result(), 0.75)
    metric.reset_state()
    np.testing.assert_allclose(metric.result(), 0.0)


def test_without_weights_counts_every_token():
    metric = TokenAccuracy()
    metric.update_state([[1, 2]], one_hot_logits([[1, 3]]))
    np.testing.assert_allclose(metric.result(), 0.5)
