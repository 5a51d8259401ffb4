import sacrebleu

from keras_attention.tuning.validation_bleu import ValidationBleu


def make_callback(trainer, **kwargs):
    sources, targets = trainer.splits["valid"]
    return ValidationBleu(
        sources,
        targets,
        trainer.source_tokenizer,
        trainer.target_tokenizer,
        max_decode_length=trainer.config.decoding.max_decode_length,
        **kwargs,
    )


def test_logs_corpus_bleu_of_greedy_translations(tiny_run):
    callback = make_callback(tiny_run, sample_size=40, seed=7)
    callback.set_model(tiny_run.model)
    logs = {"val_loss": 1.0}
    callback.on_epoch_end(0, logs)

    hypotheses = tiny_run.translator().translate_texts(callback.sources)
    expected = sacrebleu.corpus_bleu(hypotheses, [callback.references]).score
    assert logs["val_loss"] == 1.0
    # `TranslationScorer`'s BLEU: sacreBLEU's, rounded to 4 digits.
    assert logs["val_bleu"] == round(expected, 4)


def test_sample_is_fixed_and_drawn_from_the_validation_split(tiny_run):
    sources, targets = tiny_run.splits["valid"]
    first = make_callback(tiny_run, sample_size=40, seed=7)
    again = make_callback(tiny_run, sample_size=40, seed=7)
    other = make_callback(tiny_run, sample_size=40, seed=8)
    assert len(first.sources) == 40
    assert first.sources == again.sources
    assert first.sources != other.sources
    pairs = set(zip(sources, targets))
    assert set(zip(first.sources, first.references)) <= pairs
    # Larger than the split: every pair, in order.
    whole = make_callback(tiny_run, sample_size=10**6)
    assert whole.sources == list(sources)
