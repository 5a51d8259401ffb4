from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.evaluation.demo_report import demo_report


def test_demo_report_prints_scores_and_returns_the_heatmap(
    tiny_run, tmp_path, capsys
):
    path = demo_report(tiny_run, NOTE_SENTENCE, output=tmp_path / "note.png")
    assert path == tmp_path / "note.png" and path.exists()
    printed = capsys.readouterr().out
    assert "BLEU" in printed and "chrF" in printed and "AER argmax" in printed
    assert (tiny_run.run.path / "evaluation.json").exists()
