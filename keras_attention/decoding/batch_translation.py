"""The one loop that translates a list of sentences in batches."""

import keras
import tensorflow as tf


def translate_batches(
    translate, sources, batch_size=256, verbose=0, outputs=("translation",)
):
    """Translates a list of str in batches; the project's one such loop.

    Args:
        translate: callable `texts -> dict` with `"translation"`, taking a
            `(batch,)` `tf.string` tensor: `Translator.translate`,
            `Translator.translate_beam` or a SavedModel signature wrapper.
        sources: list of str.
        batch_size: int. Sentences per call. Defaults to `256`.
        verbose: int. `1` shows a progress bar. Defaults to `0`.
        outputs: tuple of the string outputs to return (`""` for a
            sentence whose batch has none, e.g. `"memory_source"` without
            a translation memory). Defaults to `("translation",)`.

    Returns:
        list of str, one translation per source; with several `outputs`,
        a tuple of such lists, one per output.

    Example:

    ```python
    translate_batches(translator.translate, ["나는 학생 입니다."])
    ```
    """
    if batch_size < 1:
        raise ValueError(
            f"batch_size must be positive. Received: batch_size={batch_size}"
        )
    sources = list(sources)
    columns = {key: [] for key in outputs}
    progress = keras.utils.Progbar(len(sources), verbose=verbose)
    for start in range(0, len(sources), batch_size):
        batch = sources[start : start + batch_size]
        result = translate(tf.constant(batch, tf.string))
        for key, column in columns.items():
            if key in result:
                column.extend(s.decode("utf-8") for s in result[key].numpy())
            else:
                column.extend([""] * len(batch))
        progress.update(start + len(batch))
    if len(outputs) == 1:
        return columns[outputs[0]]
    return tuple(columns.values())
