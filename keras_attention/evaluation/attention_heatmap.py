"""Attention heatmaps of a translation, with Hangul tick labels."""

import pathlib

import matplotlib
import numpy as np
import tensorflow as tf
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_attention.evaluation.korean_font import korean_rc_params


def greedy_attention(translator, sentence):
    """Greedy translation of one sentence with its attention.

    Args:
        translator: a `Translator` (`translate` returning `token_ids`,
            `lengths`, `attention` and `source_lengths`).
        sentence: str.

    Returns:
        `(source_tokens, target_tokens, attention, translation)`: lists of
        str, a float array `(len(target_tokens), len(source_tokens))` whose
        row t holds the weights used to generate target token t (the last
        row is the `[END]` step when the search stopped on it), and the
        translation string.
    """
    result = translator.translate(tf.constant([sentence]))
    length = int(result["lengths"][0])
    source_length = int(result["source_lengths"][0])
    attention = result["attention"][0].numpy()
    rows = min(attention.shape[0], length + 1)  # the [END] step, if any
    ids = result["token_ids"][0, :length]
    target_tokens = [
        t.decode("utf-8")
        for t in translator.target_tokenizer.id_to_token(ids).numpy()
    ]
    if rows > length:
        end = translator.target_tokenizer.id_to_token(
            translator.target_tokenizer.end_token_id
        )
        target_tokens.append(end.numpy().decode("utf-8"))
    source_tokens = _source_tokens(translator.source_tokenizer, sentence)
    if len(source_tokens) != source_length:
        raise ValueError(
            f"{len(source_tokens)} source tokens but {source_length} "
            "attention columns."
        )
    translation = result["translation"][0].numpy().decode("utf-8")
    return (
        source_tokens,
        target_tokens,
        attention[:rows, :source_length],
        translation,
    )


def _source_tokens(tokenizer, sentence):
    texts = tf.constant([sentence])
    ids = tokenizer.tokenize(texts)[0]
    tokens = [t.decode("utf-8") for t in tokenizer.id_to_token(ids).numpy()]
    # Show the words themselves rather than "[UNK]" when the tokenizer's
    # split gives one piece per token (a word-level tokenizer).
    surface = [t.decode("utf-8") for t in tokenizer.split(texts)[0].numpy()]
    if len(surface) == len(tokens):
        return surface
    return tokens


def plot_attention(
    attention, source_tokens, target_tokens, path, title=None, annotate=True
):
    """Writes an attention heatmap as a PNG.

    Columns are source tokens (top), rows target tokens; Hangul renders
    with `korean_font`'s NanumGothic.

    Args:
        attention: array `(len(target_tokens), len(source_tokens))`.
        source_tokens: list of str, x tick labels.
        target_tokens: list of str, y tick labels.
        path: str or `pathlib.Path` of the PNG (parent created).
        title: str. Defaults to `None`.
        annotate: bool. Print weights of at least 0.1 in the cells.
            Defaults to `True`.

    Returns:
        `pathlib.Path` of the PNG.

    Example:

    ```python
    source, target, attention, _ = greedy_attention(translator, "학생 입니다.")
    plot_attention(attention, source, target, "attention.png")
    ```
    """
    attention = np.asarray(attention, dtype=np.float32)
    if attention.shape != (len(target_tokens), len(source_tokens)):
        raise ValueError(
            f"attention has shape {attention.shape}, expected "
            f"({len(target_tokens)}, {len(source_tokens)})."
        )
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(korean_rc_params()):
        width = 2.5 + 0.9 * len(source_tokens)
        height = 1.8 + 0.45 * len(target_tokens)
        figure = Figure(figsize=(max(width, 4.5), max(height, 3.0)), dpi=120)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        image = axes.imshow(
            attention, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto"
        )
        axes.set_xticks(range(len(source_tokens)), source_tokens, fontsize=11)
        axes.set_yticks(range(len(target_tokens)), target_tokens, fontsize=11)
        axes.xaxis.tick_top()
        axes.set_xlabel("source")
        axes.xaxis.set_label_position("top")
        axes.set_ylabel("target (generated)")
        if annotate:
            for (t, s), weight in np.ndenumerate(attention):
                if weight >= 0.1:
                    axes.text(
                        s,
                        t,
                        f"{weight:.2f}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="black" if weight > 0.6 else "white",
                    )
        figure.colorbar(image, ax=axes, fraction=0.05, pad=0.03)
        if title:
            figure.suptitle(title, fontsize=10)
        figure.tight_layout()
        figure.savefig(path)
    return path
