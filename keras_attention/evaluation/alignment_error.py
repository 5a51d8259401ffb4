"""Alignment error rate (AER) of predicted word alignments."""


class AlignmentError:
    """Accumulates the alignment error rate over a corpus.

    With sure links S, possible links P ⊇ S and predicted links A (Och and
    Ney, 2003):

        AER = 1 - (|A ∩ S| + |A ∩ P|) / (|A| + |S|)

    With sure links only (P = S, as in the bundled corpus) this is
    `1 - 2 |A ∩ S| / (|A| + |S|)`, one minus the F1 score of A against S.
    Counts are added over all sentences before dividing (corpus AER, not
    a mean of sentence AERs).

    Example:

    ```python
    aer = AlignmentError()
    aer.update({(0, 0), (1, 1)}, sure={(0, 0), (1, 2)})
    aer.result()  # 0.5: one of two links right on each side
    ```

    References:
        - [Och and Ney, 2003](https://aclanthology.org/J03-1002/),
          "A Systematic Comparison of Various Statistical Alignment Models",
          section 5.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.predicted = 0  # |A|
        self.sure = 0  # |S|
        self.sure_matches = 0  # |A ∩ S|
        self.possible_matches = 0  # |A ∩ P|
        self.sentences = 0

    def update(self, predicted, sure, possible=None):
        """Adds one sentence.

        Args:
            predicted: iterable of `(source_index, target_index)` links.
            sure: iterable of gold sure links.
            possible: iterable of gold possible links; the sure links are
                added to them. Defaults to `None` (P = S).
        """
        predicted, sure = set(predicted), set(sure)
        possible = sure | set(possible or ())
        self.predicted += len(predicted)
        self.sure += len(sure)
        self.sure_matches += len(predicted & sure)
        self.possible_matches += len(predicted & possible)
        self.sentences += 1

    def result(self):
        """The AER in `[0, 1]`, or `None` before any link was counted."""
        total = self.predicted + self.sure
        if total == 0:
            return None
        return 1.0 - (self.sure_matches + self.possible_matches) / total

    def precision(self):
        """`|A ∩ P| / |A|`, or `None` without predicted links."""
        if not self.predicted:
            return None
        return self.possible_matches / self.predicted

    def recall(self):
        """`|A ∩ S| / |S|`, or `None` without sure links."""
        if not self.sure:
            return None
        return self.sure_matches / self.sure

    def summary(self, digits=4):
        """A JSON-ready dict of the AER, precision, recall and counts."""

        def rounded(value):
            return None if value is None else round(value, digits)

        return {
            "aer": rounded(self.result()),
            "precision": rounded(self.precision()),
            "recall": rounded(self.recall()),
            "predicted_links": self.predicted,
            "sure_links": self.sure,
            "matched_links": self.sure_matches,
            "sentences": self.sentences,
        }
