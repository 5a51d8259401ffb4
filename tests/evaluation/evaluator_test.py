import json

import pytest
import sacrebleu

from keras_attention.evaluation.evaluator import Evaluator
from keras_attention.evaluation.reference_corpus import ReferenceCorpus
from keras_attention.task.loaded_model import LoadedModel


@pytest.fixture(scope="module")
def test_file(tiny_run, tmp_path_factory):
    """The first 64 pairs of the tiny run's bundled test split."""
    lines = (tiny_run.run.path / "data" / "test.tsv").read_text("utf-8")
    path = tmp_path_factory.mktemp("evaluator") / "test.tsv"
    path.write_text("".join(lines.splitlines(keepends=True)[:64]), "utf-8")
    return path


def test_report_scores_both_searches_and_aer(tiny_run, test_file):
    model = LoadedModel.load(tiny_run.run.path)
    corpus = ReferenceCorpus.read(test_file)
    report = Evaluator(model, batch_size=24, verbose=0).evaluate(corpus)
    assert report["sentences"] == 64
    assert report["decoder"] == "seed"
    greedy = report["greedy"]
    # Exact match agrees with the Trainer's greedy translations.
    hypotheses = tiny_run.translator().translate_texts(corpus.sources)
    exact = sum(h == r for h, r in zip(hypotheses, corpus.targets)) / 64
    assert greedy["exact_match"] == round(exact, 4)
    bleu = sacrebleu.corpus_bleu(hypotheses, [corpus.targets]).score
    chrf = sacrebleu.corpus_chrf(hypotheses, [corpus.targets]).score
    assert greedy["bleu"] == pytest.approx(bleu, abs=0.006)
    assert greedy["chrf"] == pytest.approx(chrf, abs=0.006) and chrf > 1.0
    assert greedy["bleu_signature"].startswith("nrefs:1|case:mixed")
    assert report["beam"]["available"] and report["beam"]["beam_width"] == 4
    alignment = report["alignment"]
    assert alignment["available"] and alignment["threshold"] == 0.3
    words = sum(len(t.replace(".", " .").split()) for t in corpus.targets)
    assert alignment["argmax"]["predicted_links"] == words
    json.dumps(report)  # JSON-ready
    table = Evaluator.format_table(report)
    for text in ("BLEU", "chrF", "exact match", "AER argmax", "beam (k=4)"):
        assert text in table


def test_batch_size_does_not_change_the_numbers(tiny_run, test_file):
    model = LoadedModel.load(tiny_run.run.path)
    corpus = ReferenceCorpus.read(test_file)
    reports = [
        Evaluator(model, batch_size=size, verbose=0).evaluate(corpus)
        for size in (64, 17)
    ]
    for key in ("greedy", "beam"):
        assert reports[0][key]["bleu"] == reports[1][key]["bleu"]
        assert reports[0][key]["exact_match"] == reports[1][key]["exact_match"]
    assert reports[0]["alignment"] == reports[1]["alignment"]


def test_missing_parts_are_reported_not_failed(tiny_run):
    model = LoadedModel.load(tiny_run.run.path)
    model.searches.pop("beam")
    model.unavailable["beam"] = "Translator has no translate_beam"
    sources, targets = tiny_run.splits["test"]
    corpus = ReferenceCorpus(sources[:8], targets[:8])
    report = Evaluator(model, verbose=0).evaluate(corpus)
    assert report["beam"] == {
        "available": False,
        "reason": "Translator has no translate_beam",
    }
    assert report["alignment"]["available"] is False
    table = Evaluator.format_table(report)
    assert "beam: n/a (Translator has no translate_beam)" in table
    assert "AER: n/a (the data file has no gold alignments)" in table
