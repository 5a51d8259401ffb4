"""Strings-in, strings-out SavedModels for TensorFlow Serving."""

import errno
import json
import os
import pathlib
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_attention.task import stages
from keras_attention.task.run_directory import RunDirectory
from keras_attention.usage_error import UsageError

# The `Translator` settings written to `assets.extra/export.json`.
DECODING = (
    "max_decode_length",
    "beam_width",
    "length_penalty",
    "beam_stopping",
    "max_source_length",
)
OUTPUT_KEYS = (
    "translation",
    "scores",
    "token_ids",
    "lengths",
    "attention",
    "source_lengths",
)
_TEXT = tf.TensorSpec([None], tf.string, name="text")


class SavedModelExporter:
    """Exports a `Translator`: model, tokenizers, search and post-processor.

    The SavedModel holds the whole pipeline as graph ops (cleaning,
    tensorflow-text tokenization, encoder, decoding loop, detokenization,
    post-processor) with both vocabularies as constants, so it loads with
    only `tensorflow` and `tensorflow_text`, as TF Serving does. Both
    signatures take `text`, a 1-D `tf.string` tensor of raw sentences, and
    return `Translator.translate`'s outputs (zero-padded to the batch's
    longest output `T` and source `Ts`):

    - `serving_default`: beam search of the translator's `beam_width`.
    - `greedy`: greedy search.

    An untrained model is refused: it must come from a file
    (`from_run_directory`, or `restored=True` after `load_weights`) or its
    optimizer must have taken a step.

    Args:
        translator: a `Translator` (`Translator.from_config`) of a trained
            `EncoderDecoder`; its decoding settings are the export's.
        restored: bool. Whether the weights were loaded from a file (the
            optimizer may then be absent or fresh). Defaults to `False`.

    Example:

    ```python
    exporter = SavedModelExporter.from_run_directory("runs/demo")
    path = exporter.export("saved_models", "ko_en")  # saved_models/ko_en/1
    serving = tf.saved_model.load(str(path)).signatures["serving_default"]
    serving(text=tf.constant(["나는 학생 입니다."]))["translation"]
    ```
    """

    def __init__(self, translator, restored=False):
        if not restored:
            _check_trained(translator.model)
        self.model = translator.model
        self.translator = translator
        postprocessor = translator.postprocessor
        source = translator.source_tokenizer
        target = translator.target_tokenizer
        self.metadata = {
            **{name: getattr(translator, name) for name in DECODING},
            "postprocessor": postprocessor and type(postprocessor).__name__,
            "source_vocabulary_size": source.vocabulary_size,
            "target_vocabulary_size": target.vocabulary_size,
            # Evaluation lowercases the references when the target is.
            "lowercase_target": target.lowercase,
            "tensorflow": tf.__version__,
        }

    @classmethod
    def from_run_directory(cls, run_dir, **kwargs):
        """An exporter of a run directory's `Translator` (`load_translator`).

        Keyword arguments (`beam_width=8`, `postprocessor=None`...) replace
        the run's; see `stages.load_translator`.
        """
        path = RunDirectory(run_dir).model_path
        if not path.exists():
            raise FileNotFoundError(
                f"Refusing to export {path.parent}: it holds no trained model "
                f"({path.name} is missing). Train first with `python -m "
                "training.train --config FILE --run-dir "
                f"{path.parent}`; an export needs trained weights."
            )
        translator = stages.load_translator(run_dir, **kwargs)
        exporter = cls(translator, restored=True)
        exporter.metadata["run_dir"] = str(run_dir)
        return exporter

    def serving_functions(self):
        """The `{name: tf.function}` endpoints, traced on `text`."""
        translator = self.translator

        @tf.function(input_signature=[_TEXT])
        def beam(text):
            return translator.run(text, translator.beam_search)

        @tf.function(input_signature=[_TEXT])
        def greedy(text):
            return translator.run(text, translator.search)

        return {"serving_default": beam, "greedy": greedy}

    def write(self, path):
        """Writes the SavedModel to `path` (a new or empty directory)."""
        path = pathlib.Path(path)
        archive = keras.export.ExportArchive()
        archive.track(self.model)
        # The tokenizers' lookup tables are resources that need tracking.
        archive.track(self.translator.source_tokenizer)
        archive.track(self.translator.target_tokenizer)
        if self.translator.postprocessor is not None:
            archive.track(self.translator.postprocessor)
        for name, function in self.serving_functions().items():
            function.get_concrete_function()
            archive.add_endpoint(name, function)
        archive.write_out(str(path), verbose=False)
        extra = path / "assets.extra"
        extra.mkdir(exist_ok=True)
        (extra / "export.json").write_text(
            json.dumps(self.metadata, indent=2) + "\n", encoding="utf-8"
        )
        return path

    def export(self, output_dir, name):
        """Writes `output_dir/name/VERSION/`, the next integer version.

        Written to a hidden directory and renamed into place, so TF Serving
        never sees a half-written version.

        Returns:
            The `pathlib.Path` of the new version directory.
        """
        if not name or os.sep in name or name in (".", ".."):
            raise UsageError(
                f"The model name must be one directory name. Received: {name!r}"
            )
        base = pathlib.Path(output_dir) / name
        base.mkdir(parents=True, exist_ok=True)
        staging = pathlib.Path(tempfile.mkdtemp(prefix=".export-", dir=base))
        try:
            self.write(staging)
            # mkdtemp makes the directory private (0700); a server running
            # as another user must be able to read the version.
            staging.chmod(0o755)
            for _ in range(100):
                version = base / str(next_version(base))
                try:
                    os.rename(staging, version)
                    return version
                except OSError as error:
                    # Another export took this version first: try the next.
                    if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                        raise
            raise RuntimeError(f"Could not find a free version in {base}")
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def next_version(base):
    """1 + the largest integer directory name in `base` (1 if none)."""
    versions = [
        int(child.name)
        for child in pathlib.Path(base).iterdir()
        if child.is_dir() and child.name.isdigit()
    ]
    return max(versions, default=0) + 1


def _check_trained(model):
    optimizer = getattr(model, "optimizer", None)
    steps = 0
    if optimizer is not None:
        steps = int(keras.ops.convert_to_numpy(optimizer.iterations))
    if steps == 0:
        raise ValueError(
            "Refusing to export an untrained model: its optimizer has taken "
            "no step and it was not loaded from a file. Export a trained run "
            "with `SavedModelExporter.from_run_directory(RUN_DIR)` (or "
            "`python -m training.export RUN_DIR --name NAME`), or pass "
            "`restored=True` if you loaded the weights yourself."
        )
