"""A SavedModel exported from the `tiny_run` fixture, shared by the tests."""

import types

import pytest


@pytest.fixture(scope="session")
def tiny_export(tiny_run, tmp_path_factory):
    """`tiny_run` exported with `python -m training.export` (in process).

    Attributes: `path` (the version directory), `base` (its model base
    path) and `exporter` (a `SavedModelExporter` rebuilt from the run
    directory, whose `translator` gives the in-process translations).
    """
    from keras_attention.export.saved_model_exporter import SavedModelExporter
    from training import export

    output = tmp_path_factory.mktemp("saved_models")
    run_dir = str(tiny_run.run.path)
    assert (
        export.main([run_dir, "--name", "tiny", "--output-dir", str(output)])
        == 0
    )
    return types.SimpleNamespace(
        base=output / "tiny",
        path=output / "tiny" / "1",
        exporter=SavedModelExporter.from_run_directory(run_dir),
    )


@pytest.fixture(scope="session")
def serving(tiny_export):
    """The export loaded with `tf.saved_model.load` (use `.signatures`)."""
    import tensorflow as tf

    return tf.saved_model.load(str(tiny_export.path))
