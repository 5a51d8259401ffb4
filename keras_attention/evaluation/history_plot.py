"""Training curves from a run's `history.json`."""

import json
import pathlib

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_attention.evaluation.korean_font import korean_rc_params


def plot_history(history, path, title=None):
    """Writes loss and accuracy curves (train and validation) as a PNG.

    One panel per metric among `loss` and `accuracy`, with its `val_`
    curve if present; a dotted line marks the lowest validation loss.

    Args:
        history: dict from metric name to a list of per-epoch values (the
            `history.json` of a run), or a path to that file.
        path: str or `pathlib.Path` of the PNG (parent created).
        title: str. Defaults to `None`.

    Returns:
        `pathlib.Path` of the PNG.
    """
    if not isinstance(history, dict):
        history = json.loads(pathlib.Path(history).read_text(encoding="utf-8"))
    metrics = [m for m in ("loss", "accuracy") if m in history]
    if not metrics:
        raise ValueError(
            f"The history has no loss or accuracy. Keys: {sorted(history)}"
        )
    best = None
    if history.get("val_loss"):
        values = history["val_loss"]
        best = 1 + min(range(len(values)), key=values.__getitem__)
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(korean_rc_params()):
        figure = Figure(figsize=(5.0 * len(metrics), 3.8), dpi=110)
        FigureCanvasAgg(figure)
        for i, metric in enumerate(metrics):
            axes = figure.add_subplot(1, len(metrics), i + 1)
            for name, label, style in (
                (metric, "train", "o-"),
                (f"val_{metric}", "validation", "s--"),
            ):
                values = history.get(name)
                if values:
                    epochs = range(1, len(values) + 1)
                    axes.plot(epochs, values, style, label=label, markersize=4)
            if best is not None:
                axes.axvline(
                    best,
                    color="gray",
                    linestyle=":",
                    label=f"best epoch {best}",
                )
            axes.set_xlabel("epoch")
            axes.set_ylabel(metric)
            axes.set_title(metric)
            axes.grid(alpha=0.3)
            axes.legend()
        if title:
            figure.suptitle(title)
        figure.tight_layout()
        figure.savefig(path)
    return path
