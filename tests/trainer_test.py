import json

import numpy as np

from keras_attention.run_directory import RunDirectory
from keras_attention.trainer import translate_all


def test_run_directory_holds_everything(tiny_run):
    path = tiny_run.run.path
    for name in (
        "config.yaml",
        "model.keras",
        "source_vocabulary.txt",
        "target_vocabulary.txt",
        "history.json",
        "data/train.tsv",
    ):
        assert (path / name).exists(), name
    history = json.loads((path / "history.json").read_text())
    assert len(history["loss"]) == 2
    assert history["loss"][1] < history["loss"][0]
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_reloaded_run_translates_like_the_trained_one(tiny_run):
    sources = tiny_run.splits["test"][0][:16]
    expected = translate_all(tiny_run.translator(), sources)
    restored = RunDirectory(tiny_run.run.path).translator()
    assert translate_all(restored, sources) == expected


def test_accuracy_ignores_padding(tiny_run):
    # Evaluating the same pairs in batches of different padding must give
    # the same token accuracy: padding carries no weight.
    from keras_attention.data.pipeline import make_dataset

    sources, targets = tiny_run.splits["valid"]
    results = []
    for batch_size, multiple in ((1, 1), (64, 8), (7, 3)):
        data = make_dataset(
            sources[:64],
            targets[:64],
            tiny_run.source_tokenizer,
            tiny_run.target_tokenizer,
            batch_size=batch_size,
            pad_to_multiple=multiple,
        )
        results.append(tiny_run.model.evaluate(data, verbose=0, return_dict=True))
    accuracies = [r["accuracy"] for r in results]
    np.testing.assert_allclose(accuracies, accuracies[0], atol=1e-6)


def test_evaluate_reports_accuracy_and_exact_match(tiny_run):
    metrics = tiny_run.evaluate()
    for split in ("valid", "test"):
        assert 0.0 <= metrics[split]["exact_match"] <= 1.0
        assert 0.3 < metrics[split]["token_accuracy"] <= 1.0
    assert (tiny_run.run.path / "metrics.json").exists()
