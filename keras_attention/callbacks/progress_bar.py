"""Keras' progress bar, ending where training stopped."""

import keras


class ProgressBar(keras.callbacks.ProgbarLogger):
    """A `ProgbarLogger` whose cut-short epoch ends at the batch reached.

    Keras ends every epoch's bar at the epoch's last batch, so a
    `TimeBudget` stop after batch 1 of 72 prints "72/72". When
    `model.stop_training` was set during the epoch's batches, this bar ends
    at the last batch trained instead ("1/72", with the epoch's logs).
    Keras uses it in place of its own when it is in `fit`'s callbacks;
    `verbose` works as usual.

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
