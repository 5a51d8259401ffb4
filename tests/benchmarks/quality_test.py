import json

import pytest

from benchmarks import quality
from keras_attention.config import Config


def test_lowercased_bleu_ignores_case_only():
    scores = quality.sacrebleu_scores(
        ["The cat sat on the mat."], ["the cat sat on the mat."]
    )
    assert scores["bleu_lc"] == 100.0 > scores["bleu"]


def test_a_missing_corpus_says_where_it_looked():
    with pytest.raises(SystemExit, match="data/nowhere/train.tsv not found"):
        quality.corpus_path("data/nowhere/train.tsv")


def fake_result(label):
    scores = {"bleu_lc": 2.0, "bleu": 1.0, "chrf": 3.0}
    return {
        "date": "2026-12-03 18:00",
        "machine_ms_per_step": 180.0,
        "config": "c.yaml",
        "label": label,
        "changes": {"seed": 1},
        "signatures": {
            "serving_default": {**scores, "sentences_per_second": 4.0},
            "greedy": {**scores, "sentences_per_second": 5.0},
        },
        "train": {
            "epochs": 1,
            "steps": 2,
            "steps_per_second": 3.0,
            "target_tokens_per_second": 4,
            "seconds": 5.0,
            "budget_seconds": 6.0,
            "peak_rss_mb": 7,
        },
        "wall_seconds": 8.0,
        "score_peak_rss_mb": 9,
    }


def test_rows_go_at_the_end_of_the_table_above_later_sections(tmp_path):
    results = tmp_path / "RESULTS.md"
    quality.append_row(results, fake_result("first"), "one")
    assert results.read_text("utf-8").startswith(quality.HEADER)
    with results.open("a", encoding="utf-8") as file:
        file.write("\n## A session\n\n| a | table |\n| --- | --- |\n")
    quality.append_row(results, fake_result("second"), "two")
    lines = results.read_text("utf-8").splitlines()
    table = lines.index("| " + " | ".join(quality.COLUMNS) + " |")
    assert [line.split(" | ")[3] for line in lines[table + 2 : table + 4]] == [
        "first: seed=1",
        "second: seed=1",
    ]
    assert lines[table + 4 :] == [
        "",
        "## A session",
        "",
        "| a | table |",
        "| --- | --- |",
    ]
    # A file without the table gets it at its end.
    other = tmp_path / "other.md"
    other.write_text("# Notes\n", encoding="utf-8")
    quality.append_row(other, fake_result("third"), "three")
    lines = other.read_text("utf-8").splitlines()
    assert lines[:2] == ["# Notes", ""]
    assert lines[2] == "| " + " | ".join(quality.COLUMNS) + " |"
    assert "third: seed=1" in lines[4] and len(lines) == 5


def test_the_row_names_the_machine_and_lands_in_the_first_table(tmp_path):
    # A results page whose prose sections have tables of their own, but
    # not the run table: the table goes above the first section.
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Quality\n\nIntro.\n\n## Ablation\n\n| a | b |\n| --- | --- |\n"
        "| 1 | 2 |\n",
        encoding="utf-8",
    )
    quality.append_row(results, fake_result("shipped"), "one")
    quality.append_row(
        results, {**fake_result("again"), "machine_ms_per_step": None}, "two"
    )
    lines = results.read_text("utf-8").splitlines()
    header = "| " + " | ".join(quality.COLUMNS) + " |"
    assert lines[:4] == ["# Quality", "", "Intro.", ""]
    assert lines[4] == header
    rows = [line.split(" | ") for line in lines[6:8]]
    assert [row[1] for row in rows] == ["180", "-"]
    assert rows[0][0] == "| 2026-12-03 18:00"
    assert rows[0][quality.COLUMNS.index("beam BLEU lc")] == "2.0"
    assert lines[8:11] == ["", "## Ablation", ""]
    assert lines[-1] == "| 1 | 2 |"


@pytest.mark.slow
def test_trains_exports_scores_and_appends_a_row(tmp_path):
    config = tmp_path / "tiny.yaml"
    Config().replace(
        embedding_dim=16,
        units=16,
        num_pairs=400,
        batch_size=32,
        epochs=2,
        learning_rate=0.01,
        max_decode_length=16,
    ).to_yaml(config)
    results = tmp_path / "RESULTS-quality.md"
    argv = [
        "--config",
        str(config),
        "--set",
        "label_smoothing=0.1",
        "--run-dir",
        str(tmp_path / "run"),
        "--results",
        str(results),
        "--calibrate-ms",
        "133",
    ]
    result = quality.main(argv)
    # The bundled corpus keeps 5 % of 400 pairs for valid.
    assert result["sentences"] == 20
    for name in ("serving_default", "greedy"):
        scores = result["signatures"][name]
        assert 0.0 <= scores["bleu"] <= scores["bleu_lc"] <= 100.0
        assert 0.0 <= scores["chrf"] <= 100.0
        assert scores["sentences_per_second"] > 0
        assert "lowercased" in scores["signatures"]["bleu_lc"]
        assert "tok:13a" in scores["signatures"]["bleu"]
    train = result["train"]
    assert train["epochs"] == 2
    assert train["steps"] == 2 * train["batches_per_epoch"] > 0
    assert train["target_tokens_per_second"] > train["steps_per_second"] > 0
    # Batches alone < fit (with validation) < budget (with tokenizers).
    assert 0 < train["step_seconds"] < train["seconds"]
    assert train["seconds"] < train["budget_seconds"]
    assert train["peak_rss_mb"] > 100
    assert result["score_peak_rss_mb"] > 100
    assert result["changes"] == {"label_smoothing": 0.1}
    saved = json.loads((tmp_path / "run" / "quality.json").read_text())
    assert saved["signatures"] == result["signatures"]
    text = results.read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 20")]
    assert len(rows) == 1
    assert "label_smoothing=0.1" in rows[0]
    assert "`python -m benchmarks.quality --config" in rows[0]
    assert rows[0].split(" | ")[1] == "133"
    # A second run appends a row under the same header.
    quality.append_row(results, result, "again")
    assert results.read_text("utf-8").count("| date |") == 1
    assert results.read_text("utf-8").count("`again`") == 1


def test_a_list_of_files_is_resolved_file_by_file_keeping_its_names(tmp_path):
    train = tmp_path / "a" / "train.tsv"
    train.parent.mkdir()
    train.write_text("가\tA\n", encoding="utf-8")
    assert quality.corpus_paths(str(train)) == str(train)
    assert quality.corpus_paths(
        [str(train), {"path": str(train), "name": "again"}]
    ) == [
        {"path": str(train), "name": "a/train.tsv"},
        {"path": str(train), "name": "again"},
    ]
    with pytest.raises(SystemExit, match="data/nowhere/valid.tsv not found"):
        quality.corpus_paths([str(train), "data/nowhere/valid.tsv"])
