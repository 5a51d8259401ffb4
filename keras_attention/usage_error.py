"""The base of every error that a user's input, not a bug, causes."""


class UsageError(ValueError):
    """An expected failure caused by what the user gave.

    A missing or malformed file, a bad config field or value, a corpus with
    a bad line or an empty split, a directory that holds no trained model:
    the command-line tools (`python -m training.…`, `keras-attention …`)
    print the message of a `UsageError` as one `error: …` line and exit
    with status 2, without a traceback; any other exception still shows
    its traceback. The message names the file (and line) or the field and
    says what was expected.

    A `ValueError`, so code that catches `ValueError` keeps working.
    `CorpusError` and `ConfigError` derive from it.

    Example:

    ```python
    raise UsageError(
        f"{path}: not a vocabulary file (expected one token per line)"
    )
    ```
    """
