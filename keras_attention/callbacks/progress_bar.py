"""Keras' progress bar, ending where training stopped."""

import keras


class ProgressBar(keras.callbacks.ProgbarLogger):
    """A `ProgbarLogger` whose cut-short epoch ends at the batch reached.

    Where Keras prints "72/72" after a `TimeBudget` stop after batch 1,
    this prints "1/72". Keras uses it in place of its own when it is in
    `fit`'s callbacks.

    Example:

    ```python
    model.fit(data, epochs=30, callbacks=[TimeBudget(900), ProgressBar()])
    ```
    """

    def on_epoch_end(self, epoch, logs=None):
        cut = self.target is not None and self.seen < self.target
        if self.model.stop_training and cut and self.progbar is not None:
            self.progbar.update(
                self.seen, list((logs or {}).items()), finalize=True
            )
            return
        super().on_epoch_end(epoch, logs)
