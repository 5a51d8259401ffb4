"""Train, evaluate, translate and serve on the bundled corpus (make demo).

Run it with `make demo`. It trains the "seed" decoder (docs/model.md) on the
bundled Korean→English corpus for a few minutes on the CPU, prints token
accuracy and exact match on the valid and test splits, and translates the
example sentence 나는 인공지능을 공부하는 학생 입니다. ("I am a student who
studies artificial intelligence.", which the training split does not
contain).
"""

import json
import pathlib
import time

from training import cli

CONFIG = pathlib.Path(__file__).parent / "configs" / "demo.yaml"


PROG = "python -m training.demo"


def parse_args(argv=None, prog=PROG):
    parser = cli.ArgumentParser(
        prog=prog,
        description=(
            "Train the seed decoder on the bundled Korean→English corpus, "
            "evaluate it, translate the example sentence, export a "
            "SavedModel and serve it in a fresh process (`make demo`). "
            "Exit status 1 if the sentence is not translated exactly."
        ),
    )
    parser.add_argument(
        "--config",
        default=str(CONFIG),
        help="Config YAML (default: training/configs/demo.yaml).",
    )
    parser.add_argument(
        "--run-dir",
        default="runs/demo",
        help="Run directory (default: %(default)s). The SavedModel goes to "
        "saved_models/demo/VERSION.",
    )
    return parser.parse_args(argv)


@cli.entry_point
def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    start = time.monotonic()
    from keras_attention.config import Config
    from keras_attention.data.bundled_corpus import NOTE_SENTENCE
    from keras_attention.data.bundled_corpus import NOTE_TRANSLATION
    from keras_attention.evaluation.demo_report import demo_report
    from keras_attention.export.fresh_process_loader import FreshProcessLoader
    from keras_attention.export.saved_model_exporter import SavedModelExporter
    from keras_attention.task.trainer import Trainer

    config = Config.from_yaml(args.config)
    # The demo always trains from scratch (a rerun does not resume).
    trainer = Trainer(config, args.run_dir, overwrite=True)
    sizes = {name: len(pair[0]) for name, pair in trainer.splits.items()}
    print(f"Bundled corpus: {sizes} sentence pairs")
    print(f"Model: {config.model.to_dict()}")
    trainer.fit(verbose=1)
    metrics = trainer.evaluate()
    print(
        "\nEvaluation (token accuracy is teacher-forced; exact match greedy):"
    )
    print(json.dumps(metrics, indent=2))

    [translation] = trainer.translator().translate_texts([NOTE_SENTENCE])
    correct = translation == NOTE_TRANSLATION
    print("\nThe example sentence (not in the training split):")
    print(f"  source:      {NOTE_SENTENCE}")
    print(f"  translation: {translation}")
    print(f"  expected:    {NOTE_TRANSLATION}  {'✓' if correct else '✗'}")
    exporter = SavedModelExporter.from_run_directory(trainer.run.path)
    export_path = exporter.export("saved_models", "demo")
    [served] = FreshProcessLoader(export_path).translate([NOTE_SENTENCE])
    served_correct = served == NOTE_TRANSLATION
    correct = correct and served_correct
    print(f"\nSavedModel (TF Serving layout): {export_path}")
    print("  loaded in a fresh process (only tensorflow + tensorflow_text),")
    mark = "✓" if served_correct else "✗"
    print(f"  serving_default (beam search): {served}  {mark}")
    print("\nBLEU, chrF, exact match and alignment error on the test split:")
    heatmap = demo_report(trainer, NOTE_SENTENCE)
    print(f"\nAttention heatmap of the example sentence: {heatmap}")
    print(f"Run directory: {trainer.run.path}")
    print(f"Demo wall time: {time.monotonic() - start:.0f} s")
    return 0 if correct else 1


if __name__ == "__main__":
    cli.run(main)
