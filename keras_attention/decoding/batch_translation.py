"""The one loop that translates a list of sentences in batches."""

import keras
import tensorflow as tf


def translate_batches(
    translate, sources, batch_size=256, verbose=0, return_memory_sources=False
):
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
        return_memory_sources: bool. Also return the `"memory_source"`
            output per sentence (`""` where `translate` has none).
            Defaults to `False`.

    Returns:
        list of str, one translation per source; with
        `return_memory_sources`, a tuple `(translations, memory_sources)`
        of two lists of str.

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
    outputs, memory_sources = [], []
    progress = keras.utils.Progbar(len(sources), verbose=verbose)
    for start in range(0, len(sources), batch_size):
        batch = tf.constant(sources[start : start + batch_size], tf.string)
        result = translate(batch)
        translations = result["translation"].numpy()
        outputs.extend(t.decode("utf-8") for t in translations)
        if "memory_source" in result:
            memory_sources.extend(
                s.decode("utf-8") for s in result["memory_source"].numpy()
            )
        else:
            memory_sources.extend([""] * len(translations))
        progress.update(start + len(translations))
    if return_memory_sources:
        return outputs, memory_sources
    return outputs
