import warnings

import matplotlib.image
import numpy as np
import pytest

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.evaluation.attention_heatmap import greedy_attention
from keras_attention.evaluation.attention_heatmap import plot_attention

SOURCE = ["나는", "학생", "입니다", "."]
TARGET = ["I", "am", "a", "student", ".", "[END]"]


def test_heatmap_png_with_hangul_ticks(tmp_path):
    attention = np.eye(6, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = plot_attention(
            attention, SOURCE, TARGET, tmp_path / "a" / "map.png", title="제목"
        )
    assert [str(w.message) for w in caught] == []
    image = matplotlib.image.imread(path)
    height, width = image.shape[:2]
    # figsize (2.5 + 0.9 * 4, 1.8 + 0.45 * 6) inches at 120 dpi.
    assert (width, height) == (732, 540)


def test_heatmap_shape_is_checked(tmp_path):
    with pytest.raises(ValueError, match="expected \\(6, 4\\)"):
        plot_attention(np.eye(4), SOURCE, TARGET, tmp_path / "x.png")


def test_greedy_attention_of_a_trained_run(tiny_run):
    translator = tiny_run.translator()
    source, target, attention, translation = greedy_attention(
        translator, NOTE_SENTENCE
    )
    assert source == ["나는", "인공지능을", "공부하는", "학생", "입니다", "."]
    assert attention.shape == (len(target), len(source))
    np.testing.assert_allclose(attention.sum(axis=1), 1.0, atol=1e-5)
    words = [t for t in target if t != "[END]"]
    assert " ".join(words).replace(" .", ".") == translation
