"""The train/valid/test splits of a `Config`, read through corpus readers."""

import collections.abc
import pathlib

from keras_attention.atomic_write import wait_for_files
from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.concatenated_reader import ConcatenatedReader
from keras_attention.data.reader_factory import reader_from_config
from keras_attention.data.tsv_reader import TsvReader

SPLITS = ("train", "valid", "test")
# How long a distributed worker waits for the chief's bundled corpus.
CHIEF_TIMEOUT_SECONDS = 600


class CorpusSplits(collections.abc.Mapping):
    """`{split: (sources, targets)}`, each split read on first access.

    Every split has a `CorpusReader` (`readers`), so it can be streamed
    (`readers["train"]`) or read into lists (`splits["valid"]`, kept after
    the first read). Build one with `from_config`.

    Args:
        readers: dict `{split: CorpusReader}`.

    Example:

    ```python
    config = Config().replace(num_pairs=3000)
    splits = CorpusSplits.from_config(config, "runs/x/data")
    sources, targets = splits["valid"]
    for source, target in splits.readers["train"]:
        ...
    ```
    """

    def __init__(self, readers):
        self.readers = dict(readers)
        self._loaded = {}

    @classmethod
    def from_config(cls, config, data_dir, write=True):
        """The splits of `config`; the bundled corpus is written to `data_dir`.

        Args:
            config: a `Config`; without `train`, the bundled corpus.
            data_dir: str or path, where the bundled corpus is written.
            write: bool. Write the bundled corpus; `False` waits (up to
                `CHIEF_TIMEOUT_SECONDS`) for a distributed job's chief to
                write it. Defaults to `True`.

        Returns:
            A `CorpusSplits` with `train`, `valid` and maybe `test`.
        """
        if config.data.train is None:
            data_dir = pathlib.Path(data_dir)
            if write:
                corpus = BundledCorpus(
                    num_pairs=config.data.num_pairs,
                    seed=config.data.corpus_seed,
                )
                paths = corpus.write(data_dir)
            else:
                paths = {name: data_dir / f"{name}.tsv" for name in SPLITS}
                wait_for_files(paths.values(), timeout=CHIEF_TIMEOUT_SECONDS)
            return cls({name: TsvReader(path) for name, path in paths.items()})
        if config.data.valid is None:
            raise ValueError("A config with `train` needs `valid` too.")
        names = [name for name in SPLITS if getattr(config.data, name)]
        return cls({name: reader_from_config(config, name) for name in names})

    def by_file(self, name, items):
        """`{file name: its items}` of a split read from a list of files.

        Args:
            name: str, the split (`"valid"`...).
            items: list with one item per pair of the split, in its order.

        Returns:
            dict of file name to list, or `None` for a single file.
        """
        reader = self.readers[name]
        if not isinstance(reader, ConcatenatedReader):
            return None
        self[name]  # a full pass counts the pairs of every file
        return reader.split_by_file(items)

    def __getitem__(self, name):
        if name not in self._loaded:
            self._loaded[name] = self.readers[name].read()
        return self._loaded[name]

    def __iter__(self):
        return iter(self.readers)

    def __len__(self):
        return len(self.readers)
