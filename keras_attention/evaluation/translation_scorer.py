"""Corpus-level translation quality: sacreBLEU BLEU and chrF."""

import unicodedata

from sacrebleu.metrics import BLEU
from sacrebleu.metrics import CHRF

from keras_attention.decoding.batch_translation import translate_batches
from keras_attention.text.text_cleaning import clean_string


class TranslationScorer:
    """Scores hypotheses against one reference each: the project's one scorer.

    Every evaluation (run metrics, `Evaluator`, the tuner's `val_bleu`)
    goes through `evaluate`, so a model, split and search score the same
    everywhere. Both sides are normalised alike (`normalize`): the
    project's text cleaning (`clean_string`), NFC and, with `lowercase`,
    lowercasing; nothing else (no tokenizer round trip).

    BLEU and chrF are sacreBLEU's corpus scores with its defaults (13a,
    exponential smoothing, mixed case; character 6-grams, beta 2), reported
    with their signatures. Exact match compares whole normalised sentences;
    the length ratio is BLEU's (hypothesis over reference 13a tokens).

    Args:
        lowercase: bool. Lowercase both sides first (when the target
            tokenizer lowercases). Defaults to `False`.

    Example:

    ```python
    scorer = TranslationScorer()
    scorer.score(["The cat sat."], ["The cat sat."])
    # {"bleu": 100.0, "chrf": 100.0, "exact_match": 1.0, ...}
    ```

    References:
        - [Post, 2018](https://aclanthology.org/W18-6319/), "A Call for
          Clarity in Reporting BLEU Scores".
        - [Popović, 2015](https://aclanthology.org/W15-3049/), "chrF:
          character n-gram F-score for automatic MT evaluation".
    """

    def __init__(self, lowercase=False):
        self.lowercase = lowercase
        self.bleu = BLEU()
        self.chrf = CHRF()

    def normalize(self, text):
        """The normalised form of `text` (a str) that every score compares."""
        # NFC adds no space or invisible character: no second cleaning.
        text = unicodedata.normalize("NFC", clean_string(text))
        return text.lower() if self.lowercase else text

    def score(self, hypotheses, references, digits=4):
        """Scores a corpus.

        Args:
            hypotheses: list of str.
            references: list of str of the same length.
            digits: int. Rounding of the returned floats. Defaults to `4`.

        Returns:
            A dict: `bleu` and `chrf` (0-100), `exact_match` (0-1),
            `length_ratio`, `hypothesis_length` and `reference_length`
            (13a tokens), `sentences`, `bleu_signature`, `chrf_signature`.
        """
        hypotheses, references = list(hypotheses), list(references)
        if len(hypotheses) != len(references):
            raise ValueError(
                f"Got {len(hypotheses)} hypotheses but {len(references)} "
                "references."
            )
        if not hypotheses:
            raise ValueError("Nothing to score: no sentences.")
        hypotheses = [self.normalize(h) for h in hypotheses]
        references = [self.normalize(r) for r in references]
        bleu = self.bleu.corpus_score(hypotheses, [references])
        chrf = self.chrf.corpus_score(hypotheses, [references])
        exact = sum(h == r for h, r in zip(hypotheses, references)) / len(
            hypotheses
        )
        return {
            "bleu": round(bleu.score, digits),
            "chrf": round(chrf.score, digits),
            "exact_match": round(exact, digits),
            "length_ratio": round(bleu.sys_len / max(bleu.ref_len, 1), digits),
            "hypothesis_length": bleu.sys_len,
            "reference_length": bleu.ref_len,
            "sentences": len(hypotheses),
            "bleu_signature": str(self.bleu.get_signature()),
            "chrf_signature": str(self.chrf.get_signature()),
        }

    def evaluate(
        self, translate, sources, references, batch_size=256, verbose=0
    ):
        """Translates `sources` in batches with `translate` and scores them.

        Args:
            translate, sources, batch_size, verbose: as for
                `translate_batches`.
            references: list of str, one per source.

        Returns:
            `(translations, scores)`: the list of str and `score`'s dict.
        """
        translations = translate_batches(
            translate, sources, batch_size, verbose
        )
        return translations, self.score(translations, references)
