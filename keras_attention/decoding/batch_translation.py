"""The one loop that translates a list of sentences in batches."""

import keras
import tensorflow as tf


def translate_batches(translate, sources, batch_size=256, verbose=0):
    """Translates a list of str in batches; returns a list of str.

    Every list translation of the project goes through here: the trainer's
    evaluation, `Evaluator` (run directories and SavedModels alike), the
    tuner's validation BLEU and `training.translate`.

    Args:
        translate: callable `texts -> dict` with `"translation"`, taking a
            `(batch,)` `tf.string` tensor: `Translator.translate`,
            `Translator.translate_beam` or a SavedModel signature wrapper.
        sources: list of str.
        batch_size: int. Sentences per call. Defaults to `256`.
        verbose: int. `1` shows a progress bar. Defaults to `0`.

    Returns:
        list of str, one translation per source.

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
    outputs = []
    progress = keras.utils.Progbar(len(sources), verbose=verbose)
    for start in range(0, len(sources), batch_size):
        batch = tf.constant(sources[start : start + batch_size], tf.string)
        result = translate(batch)["translation"].numpy()
        outputs.extend(t.decode("utf-8") for t in result)
        progress.update(start + len(result))
    return outputs
