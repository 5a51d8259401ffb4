import json

import matplotlib.image
import pytest

from keras_attention.evaluation.history_plot import plot_history

HISTORY = {
    "loss": [2.4, 1.5, 0.9],
    "accuracy": [0.5, 0.6, 0.8],
    "val_loss": [1.8, 1.1, 1.2],
    "val_accuracy": [0.6, 0.7, 0.7],
}


def test_history_png_from_a_file(tmp_path):
    source = tmp_path / "history.json"
    source.write_text(json.dumps(HISTORY))
    path = plot_history(source, tmp_path / "curves.png", title="학습 곡선")
    image = matplotlib.image.imread(path)
    # Two panels: figsize (10, 3.8) inches at 110 dpi.
    assert image.shape[:2] == (418, 1100)


def test_loss_only_and_errors(tmp_path):
    path = plot_history({"loss": [1.0, 0.5]}, tmp_path / "loss.png")
    assert matplotlib.image.imread(path).shape[:2] == (418, 550)
    with pytest.raises(ValueError, match="no loss or accuracy"):
        plot_history({"lr": [0.1]}, tmp_path / "none.png")
