import json
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


def test_readme_python_api_example_trains_translates_and_exports(
    tmp_path, monkeypatch
):
    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (the SavedModel's ops)

    from keras_attention.data.bundled_corpus import BundledCorpus

    [snippet] = [b for b in python_blocks() if "Trainer(config" in b]
    code_lines = [
        line
        for line in snippet.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(code_lines) <= 20
    # The snippet's data/my-corpus/*.tsv: 600 bundled pairs (3 columns;
    # the third, an alignment, is ignored as any extra column is).
    paths = BundledCorpus(num_pairs=600, seed=3).write(
        tmp_path / "data" / "my-corpus"
    )
    assert sorted(p.name for p in paths.values()) == [
        "test.tsv", "train.tsv", "valid.tsv",
    ]  # fmt: skip
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(snippet, namespace)
    trainer, translator = namespace["trainer"], namespace["translator"]
    assert len(trainer.history["loss"]) == 3
    assert trainer.history["loss"][-1] < trainer.history["loss"][0]
    metrics = json.loads((tmp_path / "runs/my-corpus/metrics.json").read_text())
    assert metrics["valid"]["sentences"] == 30
    # The export serves what the translator's beam search gives.
    sentences = ["나는 학생 입니다.", *trainer.splits["valid"][0][:3]]
    version = tmp_path / "saved_models" / "my-corpus" / "1"
    serving = tf.saved_model.load(str(version)).signatures["serving_default"]
    served = serving(text=tf.constant(sentences))["translation"].numpy()
    assert [t.decode("utf-8") for t in served] == (
        translator.translate_texts(sentences, beam=True)
    )
