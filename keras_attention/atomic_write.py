"""Write a file so that readers see the old version or the new, never half."""

import contextlib
import os
import pathlib
import tempfile
import time

# Temporary files start with this; `remove_temporary_files` finds them.
TEMPORARY_PREFIX = ".tmp-"
# Seconds between checks while waiting for another process's files.
POLL_SECONDS = 0.5


@contextlib.contextmanager
def atomic_write(path):
    """Yields a temporary path to write; it replaces `path` on success.

    The temporary file is in the same directory (`os.replace` is atomic
    only within one file system) and ends with the file name (writers
    check suffixes such as `.keras`). It is flushed to disk and replaces
    `path` in one step; on an exception it is removed and `path` is left
    as it was. A killed process leaves at most a temporary file that
    `remove_temporary_files` deletes.

    Args:
        path: str or `pathlib.Path` of the file to write (its directory is
            created if missing).
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=f"-{path.name}"
    )
    os.close(descriptor)
    temporary = pathlib.Path(name)
    try:
        yield temporary
        _flush(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _flush(path.parent)


def write_text(path, text):
    """Writes `text` (UTF-8, `\\n` line ends) to `path` atomically."""
    with atomic_write(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def remove_temporary_files(directory):
    """Deletes what writes killed inside `atomic_write` left in `directory`."""
    directory = pathlib.Path(directory)
    if directory.is_dir():
        for path in directory.glob(f"{TEMPORARY_PREFIX}*"):
            path.unlink(missing_ok=True)


def wait_for_files(paths, timeout, poll_seconds=POLL_SECONDS):
    """Waits until every path exists (written by another process).

    Raises:
        TimeoutError: naming the missing files, after `timeout` seconds.
    """
    paths = [pathlib.Path(path) for path in paths]
    deadline = time.monotonic() + timeout
    while missing := [str(path) for path in paths if not path.exists()]:
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"waited {timeout:.0f} s for the chief to write "
                f"{', '.join(missing)}; is the chief running with the same "
                "directory?"
            )
        time.sleep(poll_seconds)


def _flush(path):
    # A directory is flushed so that the rename itself survives a crash.
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
