import collections
import hashlib
import itertools
import random

import pytest

from keras_attention.data.bundled_corpus import NOTE_SENTENCE
from keras_attention.data.bundled_corpus import NOTE_TRANSLATION
from keras_attention.data.bundled_corpus import BundledCorpus
from keras_attention.data.grammar.lexicon import Lexicon
from keras_attention.data.grammar.sentence_grammar import SentenceGrammar
from keras_attention.data.sentence_pair import SentencePair
from keras_attention.data.sentence_pair import read_pairs

NOTE_ALIGNMENT = "0-0 1-6 1-7 2-4 2-5 3-2 3-3 4-1 5-8"
LEXICON = Lexicon.bundled()


@pytest.fixture(scope="module")
def corpus():
    return BundledCorpus()


def all_pairs(corpus):
    return corpus.train + corpus.valid + corpus.test


# -- the corpus -------------------------------------------------------------


def test_split_sizes_and_disjointness(corpus):
    assert (len(corpus.train), len(corpus.valid), len(corpus.test)) == (
        32400,
        1800,
        1800,
    )
    train = {p.source for p in corpus.train}
    valid = {p.source for p in corpus.valid}
    test = {p.source for p in corpus.test}
    assert len(train) + len(valid) + len(test) == 36000
    assert not train & valid and not train & test and not valid & test


def test_note_sentence_is_only_in_test(corpus):
    note = [p for p in corpus.test if p.source == NOTE_SENTENCE]
    assert len(note) == 1
    assert note[0].target == NOTE_TRANSLATION
    assert note[0].alignment_string() == NOTE_ALIGNMENT
    for pair in corpus.train + corpus.valid:
        assert pair.source != NOTE_SENTENCE
        assert pair.target != NOTE_TRANSLATION


def test_korean_to_english_is_a_function(corpus):
    targets = collections.defaultdict(set)
    for pair in all_pairs(corpus):
        targets[pair.source].add(pair.target)
    # Raw draws, before deduplication, must agree as well.
    rng = random.Random(99)
    grammar = SentenceGrammar()
    for _ in range(20000):
        pair, _ = grammar.sample(rng)
        targets[pair.source].add(pair.target)
    assert all(len(t) == 1 for t in targets.values())
    # Many-to-one does happen (polite/plain, 은/는 vs 이/가).
    assert len({p.target for p in all_pairs(corpus)}) < 36000


def test_every_token_is_aligned(corpus):
    for pair in all_pairs(corpus):
        source, target = pair.source_tokens(), pair.target_tokens()
        assert list(pair.alignment) == sorted(set(pair.alignment))
        assert {s for s, _ in pair.alignment} == set(range(len(source)))
        assert {t for _, t in pair.alignment} == set(range(len(target)))
        assert source[-1] == target[-1] == "."
        assert (len(source) - 1, len(target) - 1) in pair.alignment
        assert target[0][0].isupper()


def test_sentence_lengths(corpus):
    lengths = [
        (len(p.source_tokens()), len(p.target_tokens()))
        for p in all_pairs(corpus)
    ]
    assert min(min(pair) for pair in lengths) >= 3
    assert max(max(pair) for pair in lengths) <= 14
    mean_target = sum(t for _, t in lengths) / len(lengths)
    assert 5 < mean_target < 9


def test_lemmas_are_many_and_frequent(corpus):
    lemmas = LEXICON.korean_lemmas()
    assert len(lemmas) >= 250
    assert len(LEXICON.verbs) >= 40 and len(LEXICON.adjectives) >= 25
    assert {"인공지능", "수학", "음악", "물", "먹다", "읽다", "배우다"} <= set(
        lemmas
    )
    counts = corpus.lemma_counts
    rare = {lemma: counts[lemma] for lemma in lemmas if counts[lemma] < 30}
    assert rare == {}


def test_linguistic_coverage(corpus):
    """The corpus exercises the phenomena the grammar promises."""
    targets = " ".join(p.target for p in corpus.train)
    sources = " ".join(p.source for p in corpus.train)
    for phrase in (
        " who study ",
        " who studies ",
        " that ",
        " an ",
        " does not ",
        " do not ",
        " did not ",
        " will not ",
        " will be ",
        " were ",
        " was ",
        " children",
        " women",
        " men ",
        "I am ",
        "You are ",
        "He is ",
        "These are ",
    ):
        assert phrase in targets, phrase
    for ending in (
        "습니다.",
        "ㅂ니다",
        "는다.",
        "것입니다.",
        "것이다.",
        " 이다.",
    ):
        if ending == "ㅂ니다":
            assert "합니다." in sources
        else:
            assert ending in sources, ending


def test_determinism():
    a = BundledCorpus(num_pairs=2000, seed=7)
    b = BundledCorpus(num_pairs=2000, seed=7)
    c = BundledCorpus(num_pairs=2000, seed=8)
    assert (a.train, a.valid, a.test) == (b.train, b.valid, b.test)
    assert a.train != c.train
    assert {p.source for p in a.train} != {p.source for p in c.train}
    assert any(p.source == NOTE_SENTENCE for p in c.test)


def test_write_and_read_round_trip(tmp_path):
    corpus = BundledCorpus(num_pairs=600, seed=3)
    paths = corpus.write(tmp_path / "out")
    assert set(paths) == {"train", "valid", "test"}
    for name, path in paths.items():
        assert path == tmp_path / "out" / f"{name}.tsv"
        assert read_pairs(path) == getattr(corpus, name)
    line = paths["test"].read_text(encoding="utf-8").splitlines()[0]
    pair = corpus.test[0]
    assert line == f"{pair.source}\t{pair.target}\t{pair.alignment_string()}"
    again = BundledCorpus(num_pairs=600, seed=3).write(tmp_path / "again")
    assert paths["train"].read_bytes() == again["train"].read_bytes()


# sha256 of the written train/valid/test files (sentences and alignments)
# and of the sorted train lemma counts, recorded from the single-module
# generator before it was split by job (commit 4016093). The split must not
# change one byte for the same seed.
CHECKSUMS = {
    (36000, 1234): (
        "81fd83e9571dd4973a875a4f7d66a1faed40fcd42719a90ca846e453d391e86e",
        "7e48bed0280abdf27e2a0a86b7cea4d445edaa03f151184a3cdc55d516bd5382",
        "ed10c585d406d6d631492f98a69dae0802e55453f1730709e147d93dad39a433",
        "1c018259908763eec0e8376e2cf63a2e95ca02b0777e9352c44c74da0300f118",
    ),
    (2000, 7): (
        "700d5195bbfce7481c90df7f5733bf5a169ab963fa597100bb5fcbce21f1d831",
        "502a578ad03f532545d8015519aa20ae4b1bd051dadc1c3d229b07d6891e036b",
        "8901195f3259445003a2398c8ee9534a60b4c192e058a9dc6d0e72678937b83b",
        "85a96130be3bfaeea03956416e34eeb162234fd66bd65cdd4d029042337d0130",
    ),
    (600, 3): (
        "d4b71082412e8f0df38d595a70791f4bd7ca3b488860e7eab3e573b8633926d1",
        "48efb72ef6891add11dec9a681863f3a9eab7db226f86efd634091cd9f36c757",
        "0c8ec6a882c14b3f8f7da50b469417e2c91c06bef0563b9fb0e2c732e234bbad",
        "50ea80ac334d25ae8cfe459dad3f9b96d969b44cb756522996a2b222c241de0e",
    ),
}


@pytest.mark.parametrize("num_pairs, seed", list(CHECKSUMS))
def test_written_corpus_is_byte_identical(tmp_path, corpus, num_pairs, seed):
    if (num_pairs, seed) == (36000, 1234):
        generated = corpus  # the default corpus, built once for the module
    else:
        generated = BundledCorpus(num_pairs=num_pairs, seed=seed)
    paths = generated.write(tmp_path)
    lemmas = repr(sorted(generated.lemma_counts.items())).encode()
    got = tuple(
        hashlib.sha256(paths[name].read_bytes()).hexdigest()
        for name in ("train", "valid", "test")
    ) + (hashlib.sha256(lemmas).hexdigest(),)
    assert got == CHECKSUMS[num_pairs, seed]


def test_bad_arguments():
    with pytest.raises(ValueError, match="test_fraction"):
        BundledCorpus(num_pairs=100, test_fraction=0)
    with pytest.raises(ValueError, match="no training pairs"):
        BundledCorpus(num_pairs=10, valid_fraction=0.5, test_fraction=0.5)


def test_too_many_pairs_raises(monkeypatch):
    pair = SentencePair("그는 학생 입니다.", "He is a student.", ())
    monkeypatch.setattr(SentenceGrammar, "sample", lambda self, rng: (pair, []))
    monkeypatch.setattr(BundledCorpus, "_MAX_FAILED_DRAWS", 100)
    with pytest.raises(ValueError, match="only 2 distinct"):
        BundledCorpus(num_pairs=50)


def test_ambiguity_is_detected(monkeypatch):
    pairs = itertools.cycle(
        [
            SentencePair("그는 학생 입니다.", "He is a student.", ()),
            SentencePair("그는 학생 입니다.", "He was a student.", ()),
        ]
    )
    monkeypatch.setattr(
        SentenceGrammar, "sample", lambda self, rng: (next(pairs), [])
    )
    with pytest.raises(RuntimeError, match="Ambiguous"):
        BundledCorpus(num_pairs=50)


def test_evaluation_does_not_import_the_bundled_corpus():
    """Evaluation splits words with `text.word_splitter` and reads gold
    alignments with `data.sentence_pair`, whatever corpus made them."""
    import ast
    import pathlib

    import keras_attention.evaluation

    generator = (
        "keras_attention.data.bundled_corpus",
        "keras_attention.data.grammar",
    )
    imports = {}
    for path in pathlib.Path(keras_attention.evaluation.__file__).parent.glob(
        "*.py"
    ):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            imports.setdefault(path.name, set()).update(names)
    assert "attention_aligner.py" in imports
    offending = {
        name: sorted(m for m in modules if m.startswith(generator))
        for name, modules in imports.items()
        if any(m.startswith(generator) for m in modules)
    }
    assert offending == {}
