"""In-graph text processing: the normalizer and the two tokenizers."""

from keras_attention.text.normalizer import Normalizer
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.word_tokenizer import WordTokenizer

__all__ = ["Normalizer", "SentencePieceTokenizer", "WordTokenizer"]
