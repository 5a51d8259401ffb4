import os
import signal
import subprocess
import sys

import pytest

from keras_attention.atomic_write import atomic_write
from keras_attention.atomic_write import remove_temporary_files
from keras_attention.atomic_write import wait_for_files
from keras_attention.atomic_write import write_text


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "state.json"
    write_text(path, "old\n")
    with pytest.raises(OSError, match="disk full"):
        with atomic_write(path) as temporary:
            temporary.write_text("half")
            raise OSError("disk full")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_the_temporary_file_keeps_the_suffix_and_the_directory(tmp_path):
    path = tmp_path / "new" / "model.weights.h5"
    with atomic_write(path) as temporary:
        assert temporary.parent == path.parent
        assert temporary.name.endswith("-model.weights.h5")
        assert temporary.name.startswith(".tmp-")
        temporary.write_bytes(b"weights")
    assert path.read_bytes() == b"weights"
    assert not temporary.exists()


def test_a_process_killed_while_writing_leaves_the_old_file(tmp_path):
    path = tmp_path / "history.json"
    write_text(path, "old\n")
    code = (
        "import os, signal, sys\n"
        "from keras_attention.atomic_write import atomic_write\n"
        "with atomic_write(sys.argv[1]) as temporary:\n"
        "    temporary.write_text('half of the new')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(path)])
    assert result.returncode == -signal.SIGKILL
    assert path.read_text() == "old\n"
    [left] = [p for p in tmp_path.iterdir() if p != path]
    assert left.read_text() == "half of the new"
    remove_temporary_files(tmp_path)
    assert os.listdir(tmp_path) == ["history.json"]


def test_a_worker_waits_for_the_chiefs_files(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    wait_for_files([tmp_path / "a.txt"], timeout=0)
    with pytest.raises(TimeoutError, match=r"waited 0 s .*b\.txt"):
        wait_for_files(
            [tmp_path / "a.txt", tmp_path / "b.txt"],
            timeout=0.2,
            poll_seconds=0.05,
        )
