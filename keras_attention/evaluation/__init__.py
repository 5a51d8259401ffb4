"""Evaluation: the scorer, the evaluator and attention alignment (AER).

The plotting modules (`attention_heatmap`, `history_plot`) import
matplotlib and are not imported here.
"""

from keras_attention.evaluation.alignment_error import AlignmentError
from keras_attention.evaluation.attention_aligner import AttentionAligner
from keras_attention.evaluation.evaluator import Evaluator
from keras_attention.evaluation.reference_corpus import ReferenceCorpus
from keras_attention.evaluation.translation_scorer import TranslationScorer

__all__ = [
    "AlignmentError",
    "AttentionAligner",
    "Evaluator",
    "ReferenceCorpus",
    "TranslationScorer",
]
