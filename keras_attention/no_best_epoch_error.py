"""Training ended without one epoch worth keeping."""

from keras_attention.usage_error import UsageError


class NoBestEpochError(UsageError):
    """No epoch had a finite validation loss, so there is no model to save.

    Raised by `stages.fit`, typically for a too-high learning rate; the
    run directory keeps its backup and no `model.keras`.
    """
