"""Corpora and datasets: readers, the bundled corpus, `tf.data` builders."""

from keras_attention.data.aligned_reader import AlignedReader
from keras_attention.data.anki_reader import AnkiReader
from keras_attention.data.batching import Batching
from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.concatenated_reader import ConcatenatedReader
from keras_attention.data.corpus_error import CorpusError
from keras_attention.data.corpus_reader import CorpusReader
from keras_attention.data.corpus_report import describe_corpus_report
from keras_attention.data.corpus_report import summarize_corpus_report
from keras_attention.data.corpus_splits import CorpusSplits
from keras_attention.data.csv_reader import CsvReader
from keras_attention.data.length_policy import LengthPolicy
from keras_attention.data.pipeline import count_batches
from keras_attention.data.pipeline import make_dataset
from keras_attention.data.pipeline import make_streaming_dataset
from keras_attention.data.pipeline import padding_fraction
from keras_attention.data.reader_factory import corpus_files
from keras_attention.data.reader_factory import create_reader
from keras_attention.data.reader_factory import reader_from_config
from keras_attention.data.tsv_reader import TsvReader

__all__ = [
    "AlignedReader",
    "AnkiReader",
    "Batching",
    "BundledCorpus",
    "ConcatenatedReader",
    "CorpusError",
    "CorpusReader",
    "CorpusSplits",
    "CsvReader",
    "LengthPolicy",
    "TsvReader",
    "corpus_files",
    "create_reader",
    "count_batches",
    "describe_corpus_report",
    "make_dataset",
    "make_streaming_dataset",
    "padding_fraction",
    "reader_from_config",
    "summarize_corpus_report",
]
