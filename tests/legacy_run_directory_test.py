"""A run directory written with the flat config format still loads.

`tests/fixtures/flat_run/` is a tiny run (8 units, 200 bundled pairs, one
epoch, `translation_memory: exact`) saved with a flat `config.yaml`: every
field at the top level. Its greedy translations below are the ones the
run gave when it was written.
"""

import pathlib
import shutil

from keras_attention.task import stages
from keras_attention.task.run_directory import RunDirectory

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "flat_run"
SOURCES = [
    "그들은 아버지 입니다.",
    "그는 그 발명가를 볼 것이다.",
    # A training source: the translation memory answers it.
    "엔지니어들은 녹차를 마실 것이다.",
]
TRANSLATIONS = [
    "elephant boys boys translate machine machine machine machine machine "
    "machine machine machine",
    "love love translate translate translate translate translate translate "
    "translate translate translate translate",
    "The engineers will drink green tea.",
]


def test_flat_run_directory_loads_and_translates_as_written(tmp_path):
    path = tmp_path / "run"
    shutil.copytree(FIXTURE, path)
    run = RunDirectory(path)
    assert run.status() == "trained"
    config = run.load_config()
    assert (config.model.units, config.data.num_pairs) == (8, 200)
    assert config.memory.match == "exact"
    assert config.decoding.max_decode_length == 12
    translator = stages.load_translator(path)
    output = translator.translate(SOURCES)
    assert [t.decode() for t in output["translation"].numpy()] == TRANSLATIONS
