"""One corpus made of several files, each read by its own reader."""

from keras_attention.data.corpus_reader import MAX_REPORTED_PROBLEMS
from keras_attention.data.corpus_reader import CorpusReader


class ConcatenatedReader(CorpusReader):
    """Streams the pairs of several `CorpusReader`s, one after the other.

    Each file keeps its own reader (format, columns, errors naming its
    file and line); this reader only chains them and counts what each
    one read.

    Args:
        readers: list of `CorpusReader`, read in this order.
        names: list of str, one per reader: how reports and per-file
            metrics call the file (e.g. `"ko-en-kss/valid.tsv"`); unique.

    Attributes (after a full pass, besides `CorpusReader`'s):
        pairs_per_file: list of int, the pairs each reader yielded.

    Example:

    ```python
    reader = ConcatenatedReader(
        [TsvReader("a/train.tsv"), AnkiReader("b/kor.txt")],
        ["a/train.tsv", "b/kor.txt"],
    )
    sources, targets = reader.read()  # a's pairs, then b's
    print(reader.report()["files_read"])  # one report per file
    ```
    """

    format = "concatenated"

    def __init__(self, readers, names):
        readers, names = list(readers), list(names)
        if not readers or len(readers) != len(names):
            raise ValueError(
                "ConcatenatedReader needs one name per reader and at least "
                f"one reader. Received: {len(readers)} readers, "
                f"{len(names)} names"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"File names must be unique. Received: {names}")
        self.readers = readers
        self.names = names
        super().__init__(
            [path for reader in readers for path in reader.paths],
            skip_bad_lines=any(reader.skip_bad_lines for reader in readers),
        )

    def _reset(self):
        super()._reset()
        self.pairs_per_file = []

    def _pairs(self):
        for reader in self.readers:
            yield from reader
            self.pairs_per_file.append(reader.pairs_read)
            self.skipped_lines += reader.skipped_lines
            room = MAX_REPORTED_PROBLEMS - len(self.problems)
            self.problems.extend(reader.problems[: max(room, 0)])

    def report(self):
        """`CorpusReader.report` plus `files_read`: the readers' reports."""
        return {
            **super().report(),
            "files_read": [
                {"name": name, **reader.report()}
                for name, reader in zip(self.names, self.readers)
            ],
        }

    def split_by_file(self, items):
        """`{name: items of that file}`, in file order.

        Args:
            items: list, one item per pair of the last full pass.
        """
        if len(items) != sum(self.pairs_per_file):
            raise ValueError(
                f"Expected {sum(self.pairs_per_file)} items (one per pair "
                f"of {', '.join(self.names)}). Received: {len(items)}"
            )
        parts, start = {}, 0
        for name, count in zip(self.names, self.pairs_per_file):
            parts[name] = list(items[start : start + count])
            start += count
        return parts
