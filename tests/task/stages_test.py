"""The training stages, called one by one, give what `Trainer` gives."""

import keras
import numpy as np

from keras_attention.config import Config
from keras_attention.decoding.translator import Translator
from keras_attention.evaluation.translation_scorer import TranslationScorer
from keras_attention.task import stages
from keras_attention.task.trainer import Trainer

CONFIG = Config().replace(
    num_pairs=400,
    embedding_dim=8,
    units=8,
    epochs=1,
    batch_size=32,
    max_decode_length=8,
)


def without_files(report):
    return {
        name: {k: v for k, v in part.items() if k != "files"}
        for name, part in report.items()
    }


def test_the_stages_alone_reproduce_the_trainer(tmp_path):
    config = CONFIG
    keras.utils.set_random_seed(config.training.seed)
    splits = stages.read_corpus(config, tmp_path / "stages" / "data")
    assert sorted(splits) == ["test", "train", "valid"]
    source_tokenizer, target_tokenizer = stages.learn_tokenizers(
        config, splits.readers["train"]
    )
    datasets, report = stages.build_datasets(
        config, splits, source_tokenizer, target_tokenizer
    )
    assert report["train"]["pairs"] == 360
    model = stages.build_model(config, source_tokenizer, target_tokenizer)
    model = stages.compile_model(model, config)
    history = stages.fit(
        model, datasets, config, tmp_path / "stages", verbose=0
    )
    assert len(history["loss"]) == 1
    translator = Translator.from_config(
        model, source_tokenizer, target_tokenizer, config
    )
    metrics = stages.evaluate(translator, splits, datasets, config)

    trainer = Trainer(config, tmp_path / "trainer", verbose=False)
    trainer.fit(verbose=0)
    for name, values in trainer.history.items():
        np.testing.assert_allclose(history[name], values, rtol=1e-5)
    assert trainer.evaluate()["test"] == metrics["test"]
    # The same report, but for the files (each run has its own data/).
    assert without_files(report) == without_files(trainer.corpus_report)

    loaded = stages.load_tokenizers(trainer.run.path)
    assert [t.vocabulary for t in loaded] == [
        source_tokenizer.vocabulary,
        target_tokenizer.vocabulary,
    ]


def test_make_callbacks_lists_every_training_callback(tmp_path):
    names = [
        type(c).__name__
        for c in stages.make_callbacks(
            CONFIG.replace(tensorboard=True),
            tmp_path / "best.weights.h5",
            tmp_path,
        )
    ]
    assert names == [
        "TerminateOnNaN",
        "EarlyStopping",
        "ModelCheckpoint",
        "TimeBudget",
        "TensorBoard",
    ]
    # Keras Tuner trials: no checkpoint of ours, no TensorBoard.
    names = [type(c).__name__ for c in stages.make_callbacks(CONFIG)]
    assert names == ["TerminateOnNaN", "EarlyStopping", "TimeBudget"]


def test_a_list_of_validation_files_is_also_scored_per_file(tmp_path):
    from keras_attention.data.bundled_corpus import BundledCorpus

    first = BundledCorpus(num_pairs=200, seed=1).write(tmp_path / "one")
    second = BundledCorpus(num_pairs=100, seed=2).write(tmp_path / "two")
    config = CONFIG.replace(
        train=[str(first["train"]), str(second["train"])],
        valid=[str(first["valid"]), str(second["valid"])],
    )
    trainer = Trainer(config, tmp_path / "run", verbose=False)
    trainer.fit(verbose=0)
    report = trainer.corpus_report
    assert [(f["name"], f["pairs"]) for f in report["train"]["files_read"]] == [
        ("one/train.tsv", 180),
        ("two/train.tsv", 90),
    ]
    assert report["train"]["pairs"] == 270
    metrics = trainer.evaluate()["valid"]
    assert metrics["sentences"] == 15
    files = metrics["files"]
    assert list(files) == ["one/valid.tsv", "two/valid.tsv"]
    assert [f["sentences"] for f in files.values()] == [10, 5]
    # Each file's score is the scorer's on that file's sentences alone.
    sources, targets = trainer.splits["valid"]
    translations = trainer.translator().translate_texts(sources[10:])
    scorer = TranslationScorer(lowercase=config.data.lowercase_target)
    alone = scorer.score(translations, targets[10:])
    assert files["two/valid.tsv"]["bleu"] == alone["bleu"]
    assert files["two/valid.tsv"]["chrf"] == alone["chrf"]
    assert trainer.run.load_json("metrics.json")["valid"]["files"] == files
