import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)


def test_readme_functional_model_runs():
    [snippet] = [b for b in python_blocks() if "DotAttention()" in b]
    code_lines = [line for line in snippet.splitlines() if line.strip()]
    assert len(code_lines) <= 13  # ten lines of model plus the imports
    namespace = {}
    exec(snippet, namespace)
    model = namespace["model"]
    logits = model.predict(
        [np.array([[4, 5, 6, 0]]), np.array([[1, 7, 8]])], verbose=0
    )
    assert logits.shape == (1, 3, 1000)
    assert not np.isnan(logits).any()
