import pytest
import sacrebleu

from keras_attention.evaluation.translation_scorer import TranslationScorer


def test_identical_output_scores_100():
    references = ["I am a student.", "He is a kind doctor."]
    result = TranslationScorer().score(references, references)
    assert result["bleu"] == 100.0
    assert result["chrf"] == 100.0
    assert result["exact_match"] == 1.0
    assert result["length_ratio"] == 1.0
    # 13a splits the final period: 5 + 6 tokens.
    assert result["reference_length"] == 11


def test_matches_sacrebleu_and_counts_by_hand():
    hypotheses = ["I am a student.", "He is doctor.", "the cat"]
    references = ["I am a student.", "He is a kind doctor.", "The cat sat."]
    result = TranslationScorer().score(hypotheses, references)
    assert result["bleu"] == round(
        sacrebleu.corpus_bleu(hypotheses, [references]).score, 4
    )
    assert result["chrf"] == round(
        sacrebleu.corpus_chrf(hypotheses, [references]).score, 4
    )
    assert result["exact_match"] == pytest.approx(1 / 3, abs=1e-4)
    # 13a tokens: hypotheses 5 + 4 + 2, references 5 + 6 + 4.
    assert (result["hypothesis_length"], result["reference_length"]) == (11, 15)
    assert result["length_ratio"] == round(11 / 15, 4)
    assert result["sentences"] == 3


def test_exact_match_ignores_white_space_and_composition():
    # "학" as a syllable vs. as jamo (NFD), and doubled spaces.
    nfd = "\u1112\u1161\u11a8생  입니다."
    result = TranslationScorer().score([nfd], ["학생 입니다."])
    assert result["exact_match"] == 1.0


def test_signatures_name_the_settings():
    result = TranslationScorer().score(["a b c d"], ["a b c d"])
    assert "tok:13a" in result["bleu_signature"]
    assert "smooth:exp" in result["bleu_signature"]
    assert "nc:6" in result["chrf_signature"]
    assert f"version:{sacrebleu.__version__}" in result["bleu_signature"]


def test_errors():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        TranslationScorer().score(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="no sentences"):
        TranslationScorer().score([], [])
