"""The demo's evaluation: test-split scores and the note's attention map."""

import pathlib

from keras_attention.data.reader_factory import reader_from_config
from keras_attention.evaluation.attention_heatmap import greedy_attention
from keras_attention.evaluation.attention_heatmap import plot_attention
from keras_attention.evaluation.evaluator import Evaluator
from keras_attention.evaluation.reference_corpus import ReferenceCorpus
from keras_attention.task.loaded_model import LoadedModel
from keras_attention.task.run_directory import RunDirectory

HEATMAP_NAME = "attention_note.png"
REPORT_NAME = "evaluation.json"


def demo_report(trainer_or_run_dir, sentence, output=None, verbose=0):
    """Prints BLEU/chrF (and AER) on the test split and plots `sentence`.

    Evaluates the run's test split with `Evaluator`, prints the table,
    saves it as `RUN_DIR/evaluation.json` and plots the attention of the
    greedy translation of `sentence`.

    Args:
        trainer_or_run_dir: a fitted `Trainer` (its model is used as is) or
            the path of a trained run directory.
        sentence: str. The sentence to plot (the demo plots the design
            note's `NOTE_SENTENCE`).
        output: str or path of the PNG. Defaults to
            `RUN_DIR/attention_note.png`.
        verbose: int. `1` shows progress bars. Defaults to `0`.

    Returns:
        `pathlib.Path` of the heatmap PNG.

    Example:

    ```python
    png = demo_report(trainer, NOTE_SENTENCE)  # as `training/demo.py` does
    ```
    """
    if isinstance(trainer_or_run_dir, (str, pathlib.Path)):
        run = RunDirectory(trainer_or_run_dir)
        model = LoadedModel.from_run_directory(run.path)
        config = run.load_config()
        split = None
        if isinstance(config.data.test, list):
            # Several test files: read as training read them.
            split = ReferenceCorpus(*reader_from_config(config, "test").read())
        elif config.data.train is not None and config.data.test is not None:
            split = ReferenceCorpus.read(config.data.test)
        corpus = _test_corpus(run.path, config, split)
    else:
        trainer = trainer_or_run_dir
        run = trainer.run
        model = LoadedModel.from_translator(
            trainer.translator(), trainer.config, path=run.path
        )
        split = trainer.splits.get("test")
        if split is not None:
            split = ReferenceCorpus(list(split[0]), list(split[1]))
        corpus = _test_corpus(run.path, trainer.config, split)
    if corpus is None:
        print("No test split: skipping BLEU/chrF.")
    else:
        report = Evaluator(model, verbose=verbose).evaluate(corpus)
        run.save_json(REPORT_NAME, report)
        print("\nTest split (sacreBLEU):")
        print(Evaluator.format_table(report))
    source, target, attention, translation = greedy_attention(
        model.translator, sentence
    )
    output = pathlib.Path(output) if output else run.path / HEATMAP_NAME
    return plot_attention(
        attention,
        source,
        target,
        output,
        title=f"source: {sentence}\ngreedy: {translation}",
    )


def _test_corpus(run_path, config, split):
    # The bundled corpus's test file carries gold alignments (for AER).
    path = pathlib.Path(run_path) / "data" / "test.tsv"
    if config.data.train is None and path.exists():
        return ReferenceCorpus.read(path)
    return split
