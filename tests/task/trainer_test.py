import json

import numpy as np
import pytest
import sacrebleu
import tensorflow as tf

from keras_attention.config import Config
from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.corpus_report import describe_corpus_report
from keras_attention.task import stages
from keras_attention.task.run_directory import RunDirectory
from keras_attention.task.trainer import Trainer
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer


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
    expected = tiny_run.translator().translate_texts(sources)
    restored = stages.load_translator(tiny_run.run.path)
    assert restored.translate_texts(sources) == expected


def test_accuracy_ignores_padding(tiny_run):
    # Evaluating the same pairs in batches of different padding must give
    # the same token accuracy: padding carries no weight.
    from keras_attention.data.batching import Batching
    from keras_attention.data.pipeline import make_dataset

    sources, targets = tiny_run.splits["valid"]
    results = []
    for batch_size, multiple in ((1, 1), (64, 8), (7, 3)):
        data = make_dataset(
            sources[:64],
            targets[:64],
            tiny_run.source_tokenizer,
            tiny_run.target_tokenizer,
            Batching(batch_size=batch_size, pad_to_multiple=multiple),
        )
        results.append(
            tiny_run.model.evaluate(data, verbose=0, return_dict=True)
        )
    accuracies = [r["accuracy"] for r in results]
    np.testing.assert_allclose(accuracies, accuracies[0], atol=1e-6)


def test_evaluate_reports_accuracy_and_exact_match(tiny_run):
    metrics = tiny_run.evaluate()
    translator = tiny_run.translator()
    for split in ("valid", "test"):
        sources, targets = tiny_run.splits[split]
        hypotheses = translator.translate_texts(sources)
        # The bundled targets are NFC with single spaces: compared as read.
        exact = np.mean([h == t for h, t in zip(hypotheses, targets)])
        bleu = sacrebleu.corpus_bleu(hypotheses, [targets]).score
        chrf = sacrebleu.corpus_chrf(hypotheses, [targets]).score
        assert metrics[split]["exact_match"] == pytest.approx(exact, abs=1e-4)
        assert 0.3 < metrics[split]["token_accuracy"] <= 1.0
        assert metrics[split]["bleu"] == pytest.approx(bleu, abs=0.006)
        assert metrics[split]["chrf"] == pytest.approx(chrf, abs=0.006)
        assert chrf > 1.0  # real translations, not empty ones
    assert metrics["corpus"]["train_pairs_read"] == 2700
    assert (tiny_run.run.path / "metrics.json").exists()


def test_corpus_report_is_saved_and_printable(tiny_run):
    report = json.loads((tiny_run.run.path / "corpus.json").read_text())
    assert report == tiny_run.corpus_report
    train = report["train"]
    assert (train["pairs"], train["skipped_lines"]) == (2700, 0)
    assert train["files"] == [str(tiny_run.run.path / "data" / "train.tsv")]
    assert train["lengths"]["dropped"] == 0
    assert train["lengths"]["kept"] == 2700
    assert report["valid"]["pairs"] == report["test"]["pairs"] == 150
    padding = report["padding"]
    assert (
        padding["with_bucketing"]["fraction"]
        < padding["without_bucketing"]["fraction"] - 0.1
    )
    text = describe_corpus_report(report)
    assert text.startswith("Corpus: train 2700 pairs, valid 150 pairs")
    assert "length policy drop at 64/64 source/target tokens: dropped 0" in (
        text
    )


def write_corpus_with_bad_lines(tiny_run, directory):
    """400 bundled pairs with 3 bad lines in train, 40 valid pairs."""
    data = tiny_run.run.path / "data"
    lines = (data / "train.tsv").read_bytes().splitlines(keepends=True)
    bad = [b"only one column\n", b"\xff\tbad utf-8\t0-0\n", b"\n"]
    train = lines[:100] + bad[:1] + lines[100:250] + bad[1:] + lines[250:400]
    (directory / "train.tsv").write_bytes(b"".join(train))
    valid = (data / "valid.tsv").read_bytes().splitlines(keepends=True)
    (directory / "valid.tsv").write_bytes(b"".join(valid[:40]))
    return directory / "train.tsv", directory / "valid.tsv"


def sentencepiece_config(tiny_run, tmp_path, **changes):
    """A SentencePiece config on the corpus with bad lines, skipped."""
    train, valid = write_corpus_with_bad_lines(tiny_run, tmp_path)
    return Config().replace(
        train=str(train),
        valid=str(valid),
        skip_bad_lines=True,
        tokenizer="sentencepiece",
        **changes,
    )


def test_bad_lines_stop_before_training(tiny_run, tmp_path):
    train, valid = write_corpus_with_bad_lines(tiny_run, tmp_path)
    trainer = Trainer(
        Config().replace(train=str(train), valid=str(valid)), tmp_path / "run"
    )
    with pytest.raises(CorpusError, match=r"train.tsv:101: expected 3 tab"):
        trainer.prepare()


def test_sentencepiece_run_skips_bad_lines_and_reloads(
    tiny_run, tmp_path, capsys
):
    config = sentencepiece_config(
        tiny_run,
        tmp_path,
        source_vocabulary_size=700,
        target_vocabulary_size=500,
        max_source_tokens=12,
        max_target_tokens=9,
        embedding_dim=8,
        units=8,
        batch_size=32,
        epochs=1,
        max_decode_length=12,
    )
    trainer = Trainer(config, tmp_path / "run")
    trainer.fit(verbose=0)
    printed = capsys.readouterr().out
    assert "train: skipped 3 bad lines" in printed
    assert f"{tmp_path / 'train.tsv'}:101: expected 3 tab-separated" in printed
    report = trainer.corpus_report["train"]
    assert (report["pairs"], report["skipped_lines"]) == (400, 3)
    # The dropped count is what the tokenizers say is over the caps.
    sources, targets = trainer.splits["train"]
    source_lengths = trainer.source_tokenizer.tokenize(tf.constant(sources))
    target_lengths = trainer.target_tokenizer.tokenize(tf.constant(targets))
    over = (source_lengths.row_lengths().numpy() > 12) | (
        target_lengths.row_lengths().numpy() > 9
    )
    assert report["lengths"]["dropped"] == over.sum() > 0
    assert printed.count(f"dropped {over.sum()} pairs") == 1

    run = RunDirectory(trainer.run.path)
    assert (run.path / "source_sentencepiece.model").exists()
    model, _, target_tokenizer, loaded = stages.load_run(run.path)
    assert loaded == config
    assert isinstance(target_tokenizer, SentencePieceTokenizer)
    assert target_tokenizer.vocabulary == trainer.target_tokenizer.vocabulary
    expected = trainer.translator().translate_texts(sources[:4])
    translator = stages.load_translator(run.path)
    assert translator.translate_texts(sources[:4]) == expected


def test_train_cli_flags():
    from training.train import parse_args

    args = parse_args(["--run-dir", "r", "--skip-bad-lines"])
    assert args.skip_bad_lines is True
    args = parse_args(["--run-dir", "r", "--corpus-format", "anki"])
    assert (args.skip_bad_lines, args.corpus_format) == (None, "anki")


def test_a_too_small_vocabulary_names_its_config_field(tiny_run, tmp_path):
    config = sentencepiece_config(
        tiny_run, tmp_path, source_vocabulary_size=100
    )
    with pytest.raises(
        ValueError, match="source_vocabulary_size: vocabulary_size=100 is too"
    ):
        Trainer(config, tmp_path / "run", verbose=False).prepare()
