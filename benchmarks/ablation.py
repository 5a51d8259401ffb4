"""Fixed-epoch ablations: what each option gives per epoch, not per second.

`benchmarks/quality.py` measures a config in its time budget through the
export. On a shared or slow machine a time budget measures the machine as
much as the model, so this script trains for a fixed number of epochs
(`max_train_seconds` off, early stopping off) and scores the in-process
`Translator` on the valid split, greedy and beam, with the project's
`TranslationScorer` (sacreBLEU cased and lowercased, chrF). One JSON line
per run is printed and appended to `--output`.

    .venv/bin/python -m benchmarks.ablation \\
        --config training/configs/tatoeba-ko-en.yaml --epochs 20 \\
        --set bidirectional=true --set label_smoothing=0.1

Data: as `benchmarks.quality` (`data/<corpus>/` or `../shared/data/`).
"""

import argparse
import json
import pathlib
import time

from benchmarks.quality import corpus_path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ablation", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--config", required=True, help="A training YAML.")
    parser.add_argument("--epochs", type=int, default=20, help="Default 20.")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Override a Config field (repeatable).",
    )
    parser.add_argument(
        "--run-dir", default=None, help="Default: runs/ablation/…"
    )
    parser.add_argument(
        "--output",
        default="runs/ablation/results.jsonl",
        help="JSON lines appended here (default: %(default)s).",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # Imported after parsing, so --help answers without TensorFlow.
    from keras_attention.config import Config
    from keras_attention.evaluation import TranslationScorer
    from keras_attention.task.trainer import Trainer

    config = Config.from_yaml(args.config).replace(
        epochs=args.epochs, max_train_seconds=None, patience=args.epochs
    )
    config = config.override(args.set)
    config = config.replace(
        train=corpus_path(config.data.train),
        valid=corpus_path(config.data.valid),
    )
    run_dir = args.run_dir or f"runs/ablation/{time.strftime('%H%M%S')}"
    start = time.monotonic()
    trainer = Trainer(config, run_dir, verbose=False)
    history = trainer.fit(verbose=0)
    result = {
        "config": args.config,
        "set": args.set,
        "epochs": len(history["loss"]),
        "train_seconds": round(time.monotonic() - start, 1),
        "val_loss": round(min(history["val_loss"]), 4),
    }
    sources, references = trainer.splits["valid"]
    translator = trainer.translator()
    for name, beam in (("greedy", False), ("beam", True)):
        hypotheses = translator.translate_texts(list(sources), 64, beam=beam)
        for lowercase in (False, True):
            scores = TranslationScorer(lowercase).score(hypotheses, references)
            suffix = "_lc" if lowercase else ""
            result[f"{name}_bleu{suffix}"] = round(scores["bleu"], 2)
            result[f"{name}_chrf{suffix}"] = round(scores["chrf"], 2)
    line = json.dumps(result, ensure_ascii=False)
    print(line)
    output = pathlib.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("a", encoding="utf-8") as file:
        file.write(line + "\n")


if __name__ == "__main__":
    main()
