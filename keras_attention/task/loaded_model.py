"""One interface to a run directory or an exported SavedModel."""

import json
import pathlib

import tensorflow as tf
import tensorflow_text  # noqa: F401  (registers the ops a SavedModel uses)

from keras_attention.decoding.batch_translation import translate_batches
from keras_attention.task import stages
from keras_attention.task.run_directory import RunDirectory


class LoadedModel:
    """A translation model to evaluate, from a run or a SavedModel.

    `LoadedModel.load(path)` accepts a run directory (greedy and beam
    search of its `Translator`; the Keras model and tokenizers are kept,
    so teacher-forced attention is available) or an exported SavedModel,
    `NAME/VERSION/` or `NAME/` (the highest version): its `greedy` and
    `serving_default` (beam) signatures, with `assets.extra/export.json`.

    Args:
        path: the path it was loaded from.
        kind: `"run_directory"` or `"saved_model"`.
        searches: dict from `"greedy"` / `"beam"` to a function
            `texts (batch,) tf.string -> dict with "translation"`; a missing
            key means that search is unavailable.
        beam_width: int or `None` (unknown).
        unavailable: dict from search name to the reason it is missing.
        model, source_tokenizer, target_tokenizer, config: the Keras parts
            of a run directory, `None` for a SavedModel.
        metadata: dict, a SavedModel's `assets.extra/export.json` (empty
            for a run directory).
    """

    def __init__(
        self,
        path,
        kind,
        searches,
        beam_width=None,
        unavailable=None,
        model=None,
        source_tokenizer=None,
        target_tokenizer=None,
        config=None,
        metadata=None,
    ):
        self.path = pathlib.Path(path) if path is not None else None
        self.kind = kind
        self.searches = dict(searches)
        self.beam_width = beam_width
        self.unavailable = dict(unavailable or {})
        self.model = model
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.config = config
        self.metadata = dict(metadata or {})

    @property
    def decoder(self):
        """The decoder variant (`"seed"`/`"luong"`), `None` if unknown."""
        return None if self.config is None else self.config.model.decoder

    @property
    def can_align(self):
        """Whether teacher-forced attention (and so AER) is available."""
        return self.model is not None

    @property
    def lowercase_target(self):
        """Whether the target side is lowercased (scores are, then)."""
        if self.target_tokenizer is not None:
            return self.target_tokenizer.lowercase
        return bool(self.metadata.get("lowercase_target", False))

    def translate(self, texts, search="greedy", batch_size=None, verbose=0):
        """Translates a list of str; returns a list of str.

        Args:
            texts: list of str.
            search: `"greedy"` or `"beam"`. Defaults to `"greedy"`.
            batch_size: int or `None` (one batch). Defaults to `None`.
            verbose: int. `1` shows a progress bar. Defaults to `0`.
        """
        if search not in self.searches:
            reason = self.unavailable.get(search, "not provided")
            raise ValueError(f"{search} search is unavailable: {reason}")
        texts = list(texts)
        return translate_batches(
            self.searches[search],
            texts,
            batch_size=batch_size or max(len(texts), 1),
            verbose=verbose,
        )

    @classmethod
    def load(cls, path, beam_width=None):
        """Loads a run directory or a SavedModel (see the class docstring).

        Args:
            path: str or `pathlib.Path`.
            beam_width: int. Beam width of a run directory's beam search (a
                SavedModel's is fixed at export). Defaults to `None` (the
                run's).
        """
        path = pathlib.Path(path)
        if (path / "model.keras").exists():
            return cls.from_run_directory(path, beam_width=beam_width)
        saved_model = cls._saved_model_path(path)
        if saved_model is not None:
            return cls.from_saved_model(saved_model)
        raise FileNotFoundError(
            f"{path} is neither a run directory (no model.keras) nor a "
            "SavedModel (no saved_model.pb in it or in a numeric version "
            "subdirectory)."
        )

    @staticmethod
    def _saved_model_path(path):
        if (path / "saved_model.pb").exists():
            return path
        versions = [
            p
            for p in path.glob("*")
            if p.name.isdigit() and (p / "saved_model.pb").exists()
        ]
        return max(versions, key=lambda p: int(p.name), default=None)

    @classmethod
    def from_run_directory(cls, path, beam_width=None):
        """A run directory's `Translator` (`stages.load_translator`)."""
        decoding = {} if beam_width is None else {"beam_width": beam_width}
        translator = stages.load_translator(path, **decoding)
        config = RunDirectory(path).load_config()
        return cls.from_translator(translator, config, path=path)

    @classmethod
    def from_translator(cls, translator, config, path=None):
        """From a `Translator` and the `Config` of its model (a Trainer's)."""
        loaded = cls(
            path,
            "run_directory",
            {"greedy": translator.translate, "beam": translator.translate_beam},
            beam_width=translator.beam_width,
            model=translator.model,
            source_tokenizer=translator.source_tokenizer,
            target_tokenizer=translator.target_tokenizer,
            config=config,
        )
        # A tf.function method holds its instance weakly: keep it alive.
        loaded.translator = translator
        return loaded

    @classmethod
    def from_saved_model(cls, path):
        loaded = tf.saved_model.load(str(path))
        searches, unavailable = {}, {}
        for search, name in (("greedy", "greedy"), ("beam", "serving_default")):
            signature = loaded.signatures.get(name)
            if signature is None:
                unavailable[search] = (
                    f"the SavedModel has no {name!r} signature"
                )
                continue
            searches[search] = _keyword_call(signature)
        # The exporter records its settings next to the graph.
        metadata_path = path / "assets.extra" / "export.json"
        metadata = {}
        if metadata_path.exists():
            metadata = json.loads(metadata_path.read_text("utf-8"))
        model = cls(
            path,
            "saved_model",
            searches,
            metadata.get("beam_width"),
            unavailable,
            metadata=metadata,
        )
        model.saved_model = loaded  # keep the loaded object alive
        return model


def _keyword_call(signature):
    # Signatures take keyword arguments only.
    def call(texts):
        return signature(text=texts)

    return call
