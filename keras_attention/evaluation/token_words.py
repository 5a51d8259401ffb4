"""Map tokenizer tokens onto the words that gold alignments index.

Gold alignments index `split_words` words; attention indexes tokens, which
a subword tokenizer splits further ("인공지능을" → "인공", "##지능", "##을").
"""

import re
import unicodedata

import numpy as np

UNKNOWN_TOKEN = "[UNK]"
# WordPiece marks a piece that continues a word with "##"; SentencePiece
# marks a piece that starts a word with "▁" (U+2581).
CONTINUATION_PREFIXES = ("##",)
WORD_START_PREFIXES = ("\u2581",)
# SentencePiece's byte fallback spells a character without a piece of its
# own as UTF-8 byte pieces "<0xEA><0xB0><0x80>".
_BYTE_PIECE = re.compile(r"<0x[0-9A-Fa-f]{2}>")


def _normalize(text):
    return unicodedata.normalize("NFC", text).casefold()


def _surface(token):
    for prefix in CONTINUATION_PREFIXES + WORD_START_PREFIXES:
        if token.startswith(prefix):
            token = token[len(prefix) :]
    return _normalize(token)


def token_word_indices(tokens, words, unknown_token=UNKNOWN_TOKEN):
    """Index of the word each token comes from.

    The tokens' characters (without `##` and `▁`) are found in order in
    the words', ignoring white space, case and Unicode composition;
    characters no token covers are skipped, and an unknown token covers
    those up to the next token found.

    Args:
        tokens: list of str, the tokenizer's tokens of one sentence.
        words: list of str, the words of the same sentence.
        unknown_token: str. The tokenizer's unknown token. Defaults to
            `"[UNK]"`.

    Returns:
        list of int of `len(tokens)`, word indices in `[0, len(words))`,
        non-decreasing.

    Raises:
        ValueError: a token's text is not found in the remaining words.

    Example:

    >>> token_word_indices(["인공", "##지능", "##을", "."], ["인공지능을", "."])
    [0, 0, 0, 1]
    """
    if not words:
        if tokens:
            raise ValueError(f"{len(tokens)} tokens but no words.")
        return []
    text = ""
    owner = []  # owner[k] = index of the word holding character k
    for index, word in enumerate(words):
        word = _normalize(word)
        text += word
        owner.extend([index] * len(word))
    owner.append(len(words) - 1)  # the end of the text belongs to the last
    indices = []
    pending = []  # unknown tokens waiting for the next known one
    position = 0
    for token in tokens:
        if token == unknown_token or _BYTE_PIECE.fullmatch(token):
            pending.append(len(indices))
            indices.append(None)
            continue
        surface = _surface(token)
        if not surface:  # a bare "▁": the next word starts here
            indices.append(owner[position])
            continue
        # An unknown token covers at least one character.
        start = text.find(surface, position + (1 if pending else 0))
        if start < 0:
            raise ValueError(
                f"Token {token!r} is not in the words {words!r} after "
                f"character {position}."
            )
        for k in pending:
            indices[k] = owner[position]
        pending = []
        indices.append(owner[start])
        position = start + len(surface)
    for k in pending:
        indices[k] = owner[position]
    return indices


def pool_to_words(attention, target_words, source_words, shape=None):
    """Word-level attention from token-level attention.

    Weights on the tokens of one source word are added (the probability
    mass the decoder puts on that word); rows of the tokens of one target
    word are averaged (each row stays a distribution). With one token per
    word this is the identity.

    Args:
        attention: array `(Tt, Ts)`, row t = weights used to predict target
            token t.
        target_words: list of int of length `Tt`, the word of each target
            token (see `token_word_indices`).
        source_words: list of int of length `Ts`.
        shape: `(num_target_words, num_source_words)`. Defaults to one more
            than the largest indices.

    Returns:
        float array `(num_target_words, num_source_words)`. A word without
        tokens gets a row or column of zeros.
    """
    attention = np.asarray(attention, dtype=np.float64)
    if attention.shape != (len(target_words), len(source_words)):
        raise ValueError(
            f"attention has shape {attention.shape}, expected "
            f"({len(target_words)}, {len(source_words)})."
        )
    if shape is None:
        shape = (
            max(target_words, default=-1) + 1,
            max(source_words, default=-1) + 1,
        )
    num_target, num_source = shape
    source_map = np.zeros((len(source_words), num_source))
    source_map[np.arange(len(source_words)), source_words] = 1.0
    target_map = np.zeros((len(target_words), num_target))
    target_map[np.arange(len(target_words)), target_words] = 1.0
    counts = target_map.sum(axis=0)
    target_map /= np.maximum(counts, 1.0)
    return target_map.T @ attention @ source_map
