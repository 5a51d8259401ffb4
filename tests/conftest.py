"""Shared fixtures: a tiny trained run that many tests can reuse."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from keras_attention.config import Config  # noqa: E402

if os.environ.get("KERAS_BACKEND") == "torch":
    # NumPy reads a layer's output in the tests; a PyTorch tensor that
    # requires grad refuses `numpy()` (Keras' own tests convert with
    # `keras.ops.convert_to_numpy`, which detaches first).
    import torch  # noqa: E402

    _to_array = torch.Tensor.__array__

    def _detached_array(self, *args, **kwargs):
        return _to_array(self.detach(), *args, **kwargs)

    torch.Tensor.__array__ = _detached_array

TINY_CONFIG = Config().replace(
    embedding_dim=16,
    units=32,
    num_pairs=3000,
    batch_size=64,
    epochs=2,
    learning_rate=0.005,
    max_decode_length=24,
)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A `Trainer` fitted for 2 epochs on 3,000 bundled pairs (seed decoder).

    Its run directory is `tiny_run.run.path`. Quality is low on purpose:
    tests that need it use it for shapes, files and equivalences.
    """
    from keras_attention.task.trainer import Trainer

    trainer = Trainer(TINY_CONFIG, tmp_path_factory.mktemp("tiny_run"))
    trainer.fit(verbose=0)
    return trainer


# Model variants beyond `tiny_run`'s (GRU, seed decoder, one layer,
# unidirectional, dot score), for the decoding and export variant tests.
# The two combinations carry every non-default option through the path in
# the default suite; the one-option variants run with `-m slow`.
VARIANTS = {
    "lstm_2_layers_bidirectional_luong_general": dict(
        cell="lstm",
        num_layers=2,
        bidirectional=True,
        decoder="luong",
        score_mode="general",
    ),
    "lstm_2_layers_bidirectional_seed_general": dict(
        cell="lstm",
        num_layers=2,
        bidirectional=True,
        decoder="seed",
        score_mode="general",
    ),
    "lstm": dict(cell="lstm"),
    "two_layers": dict(num_layers=2),
    "bidirectional": dict(bidirectional=True),
    "luong": dict(decoder="luong"),
    "general": dict(score_mode="general"),
}
COMBINED_VARIANTS = list(VARIANTS)[:2]
VARIANT_CONFIG = Config().replace(
    embedding_dim=16,
    units=32,
    num_pairs=400,
    corpus_seed=5,
    batch_size=32,
    # High for Adam, but 200 steps then give varied translations, some
    # ended and some cut at max_decode_length.
    learning_rate=0.03,
    max_decode_length=16,
)
VARIANT_STEPS = 200


def variant_params(default=COMBINED_VARIANTS):
    """`pytest.param`s of every variant; those not in `default` are slow."""
    return [
        pytest.param(
            name, marks=() if name in default else pytest.mark.slow, id=name
        )
        for name in VARIANTS
    ]


def train_variant(name, config=VARIANT_CONFIG, steps=VARIANT_STEPS):
    """A tiny model of `VARIANTS[name]`, trained for `steps` Adam steps.

    Built from `config.replace(**VARIANTS[name])` with
    `EncoderDecoder(**config.model.to_dict())`, word tokenizers learned from
    the train split of a small bundled corpus, and `model.fit` with the
    trainer's loss. Returns a namespace with `name`, `config`, `model`,
    `source_tokenizer`, `target_tokenizer`, `sources` (the test split's
    sources) and `translator(**kwargs)`, a `Translator` with the config's
    `max_decode_length` (one per setting, reused). Quality is low: the
    tests check equivalences, not translations.
    """
    import types

    import keras

    from keras_attention.data.batching import Batching
    from keras_attention.data.bundled_corpus import BundledCorpus
    from keras_attention.data.pipeline import make_dataset
    from keras_attention.decoding.translator import Translator
    from keras_attention.models.encoder_decoder import EncoderDecoder
    from keras_attention.text.word_tokenizer import WordTokenizer

    config = config.replace(**VARIANTS[name])
    corpus = BundledCorpus(config.data.num_pairs, seed=config.data.corpus_seed)
    sources = [p.source for p in corpus.train]
    targets = [p.target for p in corpus.train]
    source_tokenizer = WordTokenizer.from_texts(sources)
    target_tokenizer = WordTokenizer.from_texts(targets)
    keras.utils.set_random_seed(config.training.seed)
    dataset = make_dataset(
        sources,
        targets,
        source_tokenizer,
        target_tokenizer,
        Batching(
            batch_size=config.training.batch_size,
            shuffle=True,
            seed=config.training.seed,
            # Two shapes at most: one trace of the train step for each.
            pad_to_multiple=16,
        ),
    )
    model = EncoderDecoder(
        source_tokenizer.vocabulary_size,
        target_tokenizer.vocabulary_size,
        **config.model.to_dict(),
    )
    model.compile(
        optimizer=keras.optimizers.Adam(
            config.training.learning_rate, clipnorm=config.training.clipnorm
        ),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"
        ),
    )
    model.fit(
        dataset.repeat(),
        steps_per_epoch=steps,
        epochs=1,
        shuffle=False,
        verbose=0,
    )

    translators = {}

    def translator(**kwargs):
        # One per setting: each traces its searches once.
        kwargs.setdefault(
            "max_decode_length", config.decoding.max_decode_length
        )
        key = tuple(sorted(kwargs.items()))
        if key not in translators:
            translators[key] = Translator(
                model, source_tokenizer, target_tokenizer, **kwargs
            )
        return translators[key]

    return types.SimpleNamespace(
        name=name,
        config=config,
        model=model,
        source_tokenizer=source_tokenizer,
        target_tokenizer=target_tokenizer,
        sources=[p.source for p in corpus.test],
        translator=translator,
    )


@pytest.fixture(scope="session")
def variant_models():
    """`variant_models(name)`: `train_variant(name)`, once per session."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = train_variant(name)
        return cache[name]

    return get


def pytest_generate_tests(metafunc):
    """Parametrizes `model_variant` over `VARIANTS`.

    A test module may set `DEFAULT_VARIANTS` (names run by default; the
    others are marked slow). It defaults to `COMBINED_VARIANTS`.
    """
    if "model_variant" in metafunc.fixturenames:
        default = getattr(metafunc.module, "DEFAULT_VARIANTS", None)
        metafunc.parametrize(
            "model_variant",
            variant_params(default or COMBINED_VARIANTS),
            indirect=True,
        )


@pytest.fixture
def model_variant(request, variant_models):
    """The trained model of the variant named by the parametrization."""
    return variant_models(request.param)
