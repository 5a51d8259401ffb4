"""The error of a multi-worker run whose peer went away."""


class WorkerLostError(RuntimeError):
    """A multi-worker run stopped because another worker went away.

    Raised by `Distribution.lost_workers` in place of the collective's
    error, naming the lost task when TensorFlow does.
    """
