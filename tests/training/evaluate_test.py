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
