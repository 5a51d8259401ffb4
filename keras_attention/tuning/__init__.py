"""Keras Tuner search over `Config` fields (see docs/tuning.md)."""

from keras_attention.tuning.config_hyper_model import ConfigHyperModel
from keras_attention.tuning.config_search import ConfigSearch
from keras_attention.tuning.search_space import SearchSpace
from keras_attention.tuning.validation_bleu import ValidationBleu

__all__ = ["ConfigHyperModel", "ConfigSearch", "SearchSpace", "ValidationBleu"]
