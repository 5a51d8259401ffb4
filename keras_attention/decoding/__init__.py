"""Decoding: greedy and beam search, `Translator`, `TranslationMemory`."""

from keras_attention.decoding.batch_translation import translate_batches
from keras_attention.decoding.beam_search import BeamSearch
from keras_attention.decoding.greedy_search import GreedySearch
from keras_attention.decoding.translation_memory import TranslationMemory
from keras_attention.decoding.translator import Translator

__all__ = [
    "BeamSearch",
    "GreedySearch",
    "TranslationMemory",
    "Translator",
    "translate_batches",
]
