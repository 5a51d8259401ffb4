"""Evaluate a model on a test file: BLEU, chrF, exact match and AER."""

from keras_attention.evaluation.attention_aligner import AttentionAligner
from keras_attention.evaluation.translation_scorer import TranslationScorer

SEARCHES = ("greedy", "beam")


class Evaluator:
    """Translates a `ReferenceCorpus` with every available search and scores it.

    The report is a JSON-ready dict; the same model and corpus always give
    the same report (no timings or other run-dependent values in it).

    Args:
        model: a `LoadedModel`.
        batch_size: int. Sentences per translation or teacher-forcing
            batch. Defaults to `128`.
        threshold: float. Weight threshold of the thresholded AER.
            Defaults to `0.3`.
        verbose: int. `1` shows progress bars over the batches. Defaults
            to `1`.

    Example:

    ```python
    model = LoadedModel.load("runs/demo")
    evaluator = Evaluator(model)
    report = evaluator.evaluate(ReferenceCorpus.read("runs/demo/data/test.tsv"))
    print(Evaluator.format_table(report))
    ```
    """

    def __init__(self, model, batch_size=128, threshold=0.3, verbose=1):
        if batch_size < 1:
            raise ValueError(
                "batch_size must be positive. "
                f"Received: batch_size={batch_size}"
            )
        self.model = model
        self.batch_size = batch_size
        self.threshold = threshold
        self.verbose = verbose
        # Lowercased when the target tokenizer lowercases, as the trainer's
        # metrics are: the same run scores the same everywhere.
        self.scorer = TranslationScorer(lowercase=model.lowercase_target)

    def evaluate(self, corpus):
        """Scores greedy and beam search, and AER when alignments exist.

        Args:
            corpus: a `ReferenceCorpus`.

        Returns:
            dict with `model`, `model_type`, `decoder`, `data`,
            `sentences`, `greedy` and `beam` (`TranslationScorer.score`
            results, or `{"available": False, "reason": ...}`; beam also
            has `beam_width`), and `alignment` (`AttentionAligner.evaluate`
            results, or `{"available": False, "reason": ...}`).
        """
        report = {
            "model": None if self.model.path is None else str(self.model.path),
            "model_type": self.model.kind,
            "decoder": self.model.decoder,
            "data": None if corpus.path is None else str(corpus.path),
            "sentences": len(corpus),
        }
        for search in SEARCHES:
            if search not in self.model.searches:
                report[search] = {
                    "available": False,
                    "reason": self.model.unavailable.get(search, "unknown"),
                }
                continue
            self._say(f"{search} search on {len(corpus)} sentences")
            _, scores = self.scorer.evaluate(
                self.model.searches[search],
                corpus.sources,
                corpus.targets,
                self.batch_size,
                self.verbose,
            )
            report[search] = {"available": True, **scores}
            if search == "beam":
                report[search]["beam_width"] = self.model.beam_width
        report["alignment"] = self._alignment(corpus)
        return report

    def _alignment(self, corpus):
        if corpus.alignments is None:
            return {
                "available": False,
                "reason": "the data file has no gold alignments",
            }
        if not self.model.can_align:
            return {
                "available": False,
                "reason": (
                    "teacher-forced attention needs the Keras model: "
                    "evaluate a run directory"
                ),
            }
        self._say(f"attention alignment (AER) on {len(corpus)} pairs")
        aligner = AttentionAligner(
            self.model.model,
            self.model.source_tokenizer,
            self.model.target_tokenizer,
            batch_size=self.batch_size,
        )
        result = aligner.evaluate(
            corpus.sources,
            corpus.targets,
            corpus.alignments,
            threshold=self.threshold,
            verbose=self.verbose,
        )
        return {"available": True, **result}

    def _say(self, message):
        if self.verbose:
            print(message, flush=True)

    @staticmethod
    def format_table(report):
        """A plain-text table of a report, for people."""

        def cell(section, key, spec):
            if not section.get("available"):
                return "n/a"
            value = section.get(key)
            return "n/a" if value is None else format(value, spec)

        beam = report["beam"]
        beam_title = "beam"
        if beam.get("available") and beam.get("beam_width"):
            beam_title = f"beam (k={beam['beam_width']})"
        rows = [
            ("BLEU", "bleu", ".2f"),
            ("chrF", "chrf", ".2f"),
            ("exact match", "exact_match", ".4f"),
            ("length ratio", "length_ratio", ".4f"),
        ]
        lines = [
            f"Model: {report['model']} ({report['model_type']}"
            + (f", decoder {report['decoder']})" if report["decoder"] else ")"),
            f"Data:  {report['data']} ({report['sentences']} sentences)",
            "",
            f"{'':<22}{'greedy':>12}{beam_title:>16}",
        ]
        for title, key, spec in rows:
            lines.append(
                f"{title:<22}{cell(report['greedy'], key, spec):>12}"
                f"{cell(beam, key, spec):>16}"
            )
        alignment = report["alignment"]
        if alignment.get("available"):
            lines.append("")
            lines.append(
                "Attention alignment error (teacher forcing, lower is better)"
            )
            for title, key in (
                ("AER argmax", "argmax"),
                (f"AER weight >= {alignment['threshold']:g}", "thresholded"),
            ):
                values = alignment[key]
                lines.append(
                    f"{title:<22}{values['aer']:>12.4f}   "
                    f"precision {values['precision'] or 0:.4f}  "
                    f"recall {values['recall'] or 0:.4f}"
                )
        else:
            lines.append(f"\nAER: n/a ({alignment['reason']})")
        for search in SEARCHES:
            if not report[search].get("available"):
                lines.append(f"{search}: n/a ({report[search]['reason']})")
        for section in (report["greedy"], beam):
            if section.get("available"):
                lines.append("")
                lines.append(f"BLEU signature: {section['bleu_signature']}")
                lines.append(f"chrF signature: {section['chrf_signature']}")
                break
        return "\n".join(lines)
