import pytest

from keras_attention.evaluation.alignment_error import AlignmentError


def test_sure_only_aer_is_one_minus_f1():
    aer = AlignmentError()
    # |A| = 3, |S| = 4, |A ∩ S| = 2: AER = 1 - 2 * 2 / 7.
    aer.update({(0, 0), (1, 1), (2, 1)}, sure={(0, 0), (1, 1), (2, 2), (3, 3)})
    assert aer.result() == pytest.approx(1 - 4 / 7)
    assert aer.precision() == pytest.approx(2 / 3)
    assert aer.recall() == pytest.approx(2 / 4)


def test_counts_add_over_sentences_before_dividing():
    aer = AlignmentError()
    aer.update({(0, 0)}, {(0, 0)})  # perfect, 1 link
    aer.update({(0, 1), (1, 0), (2, 2)}, {(0, 0), (1, 1), (2, 2)})  # 1 of 3
    # Corpus: |A| = 4, |S| = 4, |A ∩ S| = 2 → 0.5 (a mean of sentence AERs
    # would be (0 + 2/3) / 2).
    assert aer.result() == pytest.approx(0.5)
    assert aer.summary() == {
        "aer": 0.5,
        "precision": 0.5,
        "recall": 0.5,
        "predicted_links": 4,
        "sure_links": 4,
        "matched_links": 2,
        "sentences": 2,
    }


def test_possible_links_are_not_penalised():
    aer = AlignmentError()
    # Och & Ney: 1 - (|A∩S| + |A∩P|) / (|A| + |S|) = 1 - (1 + 2) / (2 + 1).
    aer.update({(0, 0), (1, 0)}, sure={(0, 0)}, possible={(1, 0)})
    assert aer.result() == pytest.approx(0.0)
    assert aer.precision() == pytest.approx(1.0)


def test_perfect_and_empty():
    aer = AlignmentError()
    assert aer.result() is None
    assert aer.summary()["aer"] is None
    aer.update([(0, 0), (1, 2)], [(1, 2), (0, 0)])
    assert aer.result() == 0.0
    aer.reset()
    aer.update([], [(0, 0)])
    assert aer.result() == 1.0
    assert aer.precision() is None
