"""Training ended without one epoch worth keeping."""

from keras_attention.usage_error import UsageError


class NoBestEpochError(UsageError):
    """No epoch had a finite validation loss, so there is no model to save.

    Raised by `stages.fit` (a NaN or infinite loss from the first epoch on,
    typically a too-high learning rate); the run directory keeps its
    backup and history, and no `model.keras`. The command-line tools print
    it as one `error: …` line.
    """
