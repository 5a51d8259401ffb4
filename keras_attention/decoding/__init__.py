"""Decoding: greedy and beam search in the graph, and the `Translator`."""

from keras_attention.decoding.batch_translation import translate_batches
from keras_attention.decoding.beam_search import BeamSearch
from keras_attention.decoding.greedy_search import GreedySearch
from keras_attention.decoding.translator import Translator

__all__ = ["BeamSearch", "GreedySearch", "Translator", "translate_batches"]
