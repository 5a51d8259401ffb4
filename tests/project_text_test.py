"""The project's text describes what it is, not how it was developed.

Docs, benchmark results, configs, code and tests must not number the
development's working sessions, rounds or tracker issues, nor name who
tried what: a reader of a results page or a docstring needs what the code
or the figure is, and the numbering means nothing outside the tracker.
The patterns and the examples below are assembled from parts so that
this file does not match itself.
"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCANNED = ("README.md", "docs", "benchmarks", "training", "keras_attention")
SCANNED_TESTS = "tests"
SUFFIXES = {".md", ".py", ".yaml", ".yml", ".txt", ".cfg", ".toml"}

_NUMBER = r"[\s-]*#?\d+(?:\.\d+)*"
PATTERNS = [
    re.compile(r"\b" + "session" + r"s?" + _NUMBER, re.IGNORECASE),
    re.compile(r"\b" + "issue" + r"s?" + _NUMBER, re.IGNORECASE),
    re.compile(r"\b" + "round" + _NUMBER.replace("#?", ""), re.IGNORECASE),
    re.compile(r"\(" + "lead" + r"\)", re.IGNORECASE),
    re.compile(r"\b" + "tried" + r" by\b", re.IGNORECASE),
]


def findings(text):
    """`(line number, matched text)` of every numbering in `text`."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern in PATTERNS:
            found += [(number, m.group(0)) for m in pattern.finditer(line)]
    return found


def project_files():
    for name in (*SCANNED, SCANNED_TESTS):
        path = ROOT / name
        if path.is_file():
            yield path
            continue
        for file in sorted(path.rglob("*")):
            if (
                file.is_file()
                and file.suffix in SUFFIXES
                and "__pycache__" not in file.parts
            ):
                yield file


def test_patterns_find_numbering_and_leave_ordinary_words():
    text = "\n".join(
        [
            "## " + "Session" + " 12: the memory",
            "as " + "issue" + "-12 asks",
            "(" + "issue" + " 10.4)",
            "second " + "round" + " 3",
            "what the (" + "lead" + ") measured",
            "an option " + "tried" + " by the tuner",
            "best of 3 rounds; a session fixture; round(x, 2); issues",
            "--rounds 3; the TF1 session loader; an issue with masks",
        ]
    )
    assert [number for number, _ in findings(text)] == [1, 2, 3, 4, 5, 6]


def test_no_file_numbers_the_development():
    hits = []
    for path in project_files():
        text = path.read_text("utf-8", errors="replace")
        for number, match in findings(text):
            hits.append(f"{path.relative_to(ROOT)}:{number}: {match!r}")
    assert not hits, "development numbering in project files:\n" + "\n".join(
        hits
    )
