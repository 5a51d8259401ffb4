import pytest

from keras_attention.task.loaded_model import LoadedModel


def test_run_directory_has_both_searches_and_the_keras_parts(tiny_run):
    model = LoadedModel.load(tiny_run.run.path, beam_width=2)
    assert model.kind == "run_directory"
    assert model.decoder == "seed"
    assert model.can_align
    assert set(model.searches) == {"greedy", "beam"}
    assert model.beam_width == 2
    sources = tiny_run.splits["test"][0][:8]
    assert model.translate(sources) == tiny_run.translator().translate_texts(
        sources
    )
    assert len(model.translate(sources, "beam")) == 8


def test_beam_is_reported_unavailable_without_translate_beam(tiny_run):
    model = LoadedModel(tiny_run.run.path, "run_directory", {"greedy": None})
    with pytest.raises(ValueError, match="beam search is unavailable"):
        model.translate(["나는 학생 입니다."], "beam")


def test_neither_run_nor_saved_model(tmp_path):
    with pytest.raises(FileNotFoundError, match="neither a run directory"):
        LoadedModel.load(tmp_path)


@pytest.mark.slow  # an export takes several seconds
def test_the_project_exporter_output_loads(tiny_run, tmp_path):
    from keras_attention.export.saved_model_exporter import SavedModelExporter

    exporter = SavedModelExporter.from_run_directory(
        tiny_run.run.path, beam_width=2
    )
    path = exporter.export(tmp_path, "tiny")
    (tmp_path / "tiny" / "7").mkdir()  # a newer but incomplete version
    model = LoadedModel.load(tmp_path / "tiny")
    assert (model.kind, model.path, model.beam_width) == (
        "saved_model",
        path,
        2,
    )
    assert not model.can_align
    sources = tiny_run.splits["test"][0][:8]
    translator = tiny_run.translator()
    assert model.translate(sources, "greedy") == translator.translate_texts(
        sources
    )
    run = LoadedModel.load(tiny_run.run.path, beam_width=2)
    assert model.translate(sources, "beam") == run.translate(sources, "beam")
