"""In-graph text processing: cleaning, the normalizer and the tokenizers."""

from keras_attention.text.normalizer import Normalizer
from keras_attention.text.sentencepiece_tokenizer import SentencePieceTokenizer
from keras_attention.text.text_cleaning import clean_string
from keras_attention.text.text_cleaning import clean_text
from keras_attention.text.word_tokenizer import WordTokenizer

__all__ = [
    "Normalizer",
    "SentencePieceTokenizer",
    "WordTokenizer",
    "clean_string",
    "clean_text",
]
