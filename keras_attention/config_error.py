"""The error `Config` raises for a bad field or value."""

from keras_attention.usage_error import UsageError


class ConfigError(UsageError):
    """A config field that is unknown, of the wrong type or impossible.

    The message reads `"Config field 'NAME' PROBLEM"`, prefixed with
    `"PATH:LINE: "` when the field came from a YAML file (`Config.from_yaml`
    adds where the field is written), so editors can jump to it.

    Args:
        field: str, the field's name (`None` for a problem of the whole
            file, e.g. YAML that does not parse).
        problem: str, what is wrong and what was expected, e.g.
            `"must be >= 1. Received: epochs=0"`.
        path: str or `pathlib.Path` of the YAML file, or `None`.
        line: int (1-based) or `None`.

    Example:

    ```python
    try:
        Config.from_yaml("config.yaml")
    except ConfigError as error:
        print(error.path, error.line, error.field, error.problem)
    ```
    """

    def __init__(self, field, problem, path=None, line=None):
        self.field = field
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        message = (
            problem if field is None else f"Config field '{field}' {problem}"
        )
        if self.path is not None:
            where = self.path if line is None else f"{self.path}:{line}"
            message = f"{where}: {message}"
        super().__init__(message)

    def located(self, path, line=None):
        """This error with the YAML file (and line) it came from."""
        return ConfigError(self.field, self.problem, path, line)
