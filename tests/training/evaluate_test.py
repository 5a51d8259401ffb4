import json
import subprocess
import sys

from training import evaluate


def test_help_answers_without_error():
    result = subprocess.run(
        [sys.executable, "-m", "training.evaluate", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m training.evaluate" in result.stdout


def test_evaluating_twice_gives_identical_reports(tiny_run, tmp_path, capsys):
    lines = (tiny_run.run.path / "data" / "test.tsv").read_text("utf-8")
    data = tmp_path / "test.tsv"
    data.write_text("".join(lines.splitlines(keepends=True)[:48]), "utf-8")
    outputs = []
    for name in ("first.json", "second.json"):
        output = tmp_path / name
        evaluate.main(
            [
                str(tiny_run.run.path),
                "--data",
                str(data),
                "--beam-width",
                "3",
                "--aer-threshold",
                "0.25",
                "--output",
                str(output),
                "--quiet",
            ]
        )
        outputs.append(output.read_text("utf-8"))
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert report["beam"]["beam_width"] == 3
    assert report["alignment"]["threshold"] == 0.25
    printed = capsys.readouterr().out
    assert f"{report['greedy']['bleu']:.2f}" in printed
    assert "AER weight >= 0.25" in printed
    assert f"Report written to {tmp_path / 'second.json'}" in printed


def test_metrics_json_and_training_evaluate_agree(tiny_run, tmp_path):
    # The same run, split and (greedy) search score the same in the
    # trainer's metrics.json and in training.evaluate: one scorer.
    tiny_run.evaluate()
    saved = json.loads((tiny_run.run.path / "metrics.json").read_text())
    output = tmp_path / "evaluation.json"
    evaluate.main(
        [
            str(tiny_run.run.path),
            "--data",
            str(tiny_run.run.path / "data" / "test.tsv"),
            "--output",
            str(output),
            "--quiet",
        ]
    )
    report = json.loads(output.read_text("utf-8"))
    assert report["sentences"] == saved["test"]["sentences"] == 150
    for key in ("bleu", "chrf", "exact_match"):
        assert report["greedy"][key] == saved["test"][key], key


def test_an_anki_test_file_is_scored_in_the_trained_direction(
    tiny_run, tmp_path
):
    # The same 24 pairs as a TSV (source first) and as an Anki file
    # (English first): read through the config's reader, they score alike.
    from keras_attention.config import Config

    lines = (tiny_run.run.path / "data" / "test.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in lines.splitlines()[:24]]
    tsv, anki = tmp_path / "test.tsv", tmp_path / "kor.txt"
    tsv.write_text("".join(f"{k}\t{e}\n" for k, e, _ in rows), "utf-8")
    anki.write_text("".join(f"{e}\t{k}\tCC-BY\n" for k, e, _ in rows), "utf-8")
    config = tmp_path / "anki.yaml"
    Config.from_yaml(tiny_run.run.path / "config.yaml").replace(
        corpus_format="anki"
    ).to_yaml(config)
    reports = []
    for data, extra in ((tsv, []), (anki, ["--config", str(config)])):
        output = tmp_path / f"{data.stem}.json"
        evaluate.main(
            [str(tiny_run.run.path), "--data", str(data), "--quiet"]
            + ["--output", str(output)]
            + extra
        )
        reports.append(json.loads(output.read_text("utf-8")))
    assert reports[0]["greedy"] == reports[1]["greedy"]
    assert reports[0]["greedy"]["chrf"] > 0
