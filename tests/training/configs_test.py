import pathlib

import pytest

from keras_attention.config import Config
from keras_attention.data.reader_factory import corpus_files

ROOT = pathlib.Path(__file__).parents[2]
CONFIGS = sorted((ROOT / "training" / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: path.name)
def test_every_shipped_config_loads(path):
    config = Config.from_yaml(path)
    # Real-corpus configs read data/ at the repository root, never a
    # directory outside the repository.
    for split in ("train", "valid", "test"):
        for entry in corpus_files(config, split):
            assert entry["path"].startswith("data/"), entry


def test_nothing_a_user_gets_points_outside_the_repository():
    shipped = [
        *CONFIGS,
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "keras_attention").rglob("*.py"),
        *(ROOT / "training").glob("*.py"),
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in shipped
        if "../shared" in path.read_text("utf-8")
    ]
    assert offenders == []
