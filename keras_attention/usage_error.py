"""The base of every error that a user's input, not a bug, causes."""


class UsageError(ValueError):
    """An expected failure caused by what the user gave.

    A missing or malformed file, a bad config field, a bad corpus line: the
    command-line tools print its message as one `error: …` line and exit
    with status 2, without a traceback. The message names the file (and
    line) or the field and says what was expected. A `ValueError`;
    `CorpusError` and `ConfigError` derive from it.
    """
