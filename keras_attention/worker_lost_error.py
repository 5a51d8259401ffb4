"""The error of a multi-worker run whose peer went away."""


class WorkerLostError(RuntimeError):
    """A multi-worker run stopped because another worker went away.

    Raised by `Distribution.lost_workers` in place of the collective's
    `tf.errors.UnavailableError` (or a similar error); the message names
    the lost task when TensorFlow does and says how to go on. Not a
    `UsageError`: the entry points print it as one `error: …` line and
    exit with status 1.
    """
