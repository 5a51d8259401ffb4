"""Attention alignment error and translation quality of trained runs.

Evaluates each run directory on its own bundled test split
(`RUN/data/test.tsv`, which carries gold alignments) and prints a Markdown
table: decoder, AER (argmax and thresholded), BLEU/chrF (greedy and beam),
exact match and the teacher-forced token accuracy from `metrics.json`.
It also reports the AER of the argmax rule with the attention rows shifted
by one step (`row t-1` / `row t+1` read as target word t), a check that row
t is the row that lines up with target word t.

Example:

    python -m benchmarks.alignment runs/aer-seed runs/aer-luong
"""

import argparse
import json
import pathlib


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.alignment",
        description="AER and BLEU/chrF of trained runs on their test split.",
    )
    parser.add_argument("runs", nargs="+", help="Run directories.")
    parser.add_argument("--threshold", type=float, default=0.3)
    parser.add_argument("--output", help="Also write the reports as JSON.")
    return parser.parse_args(argv)


def shifted_aer(aligner, corpus, shift):
    import numpy as np

    from keras_attention.evaluation.alignment_error import AlignmentError

    error = AlignmentError()
    matrices = aligner.word_attention(corpus.sources, corpus.targets)
    for matrix, gold in zip(matrices, corpus.alignments):
        links = {
            (int(np.argmax(matrix[t + shift])), t)
            for t in range(len(matrix))
            if 0 <= t + shift < len(matrix)
        }
        error.update(links, gold)
    return round(error.result(), 4)


def main(argv=None):
    args = parse_args(argv)
    from keras_attention.evaluation.attention_aligner import AttentionAligner
    from keras_attention.evaluation.evaluator import Evaluator
    from keras_attention.evaluation.reference_corpus import ReferenceCorpus
    from keras_attention.task.loaded_model import LoadedModel

    reports = {}
    for run in args.runs:
        run = pathlib.Path(run)
        model = LoadedModel.load(run)
        corpus = ReferenceCorpus.read(run / "data" / "test.tsv")
        report = Evaluator(model, threshold=args.threshold, verbose=0).evaluate(
            corpus
        )
        aligner = AttentionAligner(
            model.model, model.source_tokenizer, model.target_tokenizer
        )
        report["argmax_aer_shifted"] = {
            str(shift): shifted_aer(aligner, corpus, shift) for shift in (-1, 1)
        }
        metrics_path = run / "metrics.json"
        if metrics_path.exists():
            report["training_metrics"] = json.loads(metrics_path.read_text())
        history = json.loads((run / "history.json").read_text())
        report["epochs"] = len(history["loss"])
        reports[str(run)] = report

    def beam(report, key):
        section = report["beam"]
        return f"{section[key]:.2f}" if section.get("available") else "n/a"

    print(
        "| run | decoder | epochs | AER argmax | AER ≥ "
        f"{args.threshold:g} | AER argmax, row t−1 / t+1 | BLEU greedy | "
        "BLEU beam | chrF greedy | chrF beam | exact match greedy | "
        "token accuracy (test) |"
    )
    print("|" + " --- |" * 12)
    for run, report in reports.items():
        alignment = report["alignment"]
        test = report.get("training_metrics", {}).get("test", {})
        shifted = report["argmax_aer_shifted"]
        print(
            f"| {run} | {report['decoder']} | {report['epochs']} | "
            f"{alignment['argmax']['aer']:.4f} | "
            f"{alignment['thresholded']['aer']:.4f} | "
            f"{shifted['-1']:.4f} / {shifted['1']:.4f} | "
            f"{report['greedy']['bleu']:.2f} | {beam(report, 'bleu')} | "
            f"{report['greedy']['chrf']:.2f} | {beam(report, 'chrf')} | "
            f"{report['greedy']['exact_match']:.4f} | "
            f"{test.get('token_accuracy', 'n/a')} |"
        )
    if args.output:
        pathlib.Path(args.output).write_text(
            json.dumps(reports, indent=2, ensure_ascii=False) + "\n"
        )
    return reports


if __name__ == "__main__":
    main()
