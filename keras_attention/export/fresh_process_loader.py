"""Runs an exported SavedModel in a new Python that knows nothing of us."""

import json
import os
import pathlib
import subprocess
import sys

CLIENT = pathlib.Path(__file__).with_name("serving_client.py")


class FreshProcessLoader:
    """Checks an export the way TF Serving sees it, from a clean process.

    Starts `python -I serving_client.py PATH` (isolated: no `PYTHONPATH`,
    no user site), which loads the SavedModel with `tf.saved_model.load`
    and the TF1 session loader and translates.

    Args:
        path: str or `pathlib.Path`, a SavedModel version directory.
        python: str. The interpreter to run. Defaults to `sys.executable`.
        timeout: float. Seconds before the process is killed. Defaults
            to `300`.

    Example:

    ```python
    path = SavedModelExporter.from_run_directory("runs/demo").export(
        "saved_models", "ko_en")
    FreshProcessLoader(path).translate(["나는 학생 입니다."])
    # ['I am a student.']
    ```
    """

    def __init__(self, path, python=None, timeout=300):
        self.path = pathlib.Path(path).resolve()
        self.python = python or sys.executable
        self.timeout = timeout

    def run(self, sentences):
        """Returns the client's report for a list of str.

        Keys: `modules` (project modules the process imported: none),
        `ops`, `core_ops`, `text_ops`, `unknown_ops` (op types of the graph
        and its function library), `outputs` (`{signature: {output:
        list}}` through `tf.saved_model.load`) and `session` (the
        `serving_default` outputs through the TF1 session loader).

        Raises:
            RuntimeError: the process failed; its stderr is in the message.
        """
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        completed = subprocess.run(
            [self.python, "-I", str(CLIENT), str(self.path)],
            input=json.dumps(list(sentences)),
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=self.path.parent,
            env=env,
            timeout=self.timeout,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"Loading {self.path} in a fresh process failed "
                f"(exit {completed.returncode}):\n{completed.stderr[-3000:]}"
            )
        return json.loads(completed.stdout)

    def translate(self, sentences, signature="serving_default"):
        """Translations of a list of str by one signature, as list of str."""
        return self.run(sentences)["outputs"][signature]["translation"]
