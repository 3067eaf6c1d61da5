"""Sudachi tokens of a text, with offsets into the original text and its normalized form."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from .normalize import Normalized

_local = threading.local()


@dataclass(slots=True)
class Token:
    """One Sudachi morpheme: offsets into the original text and into its normalized form."""

    start: int
    end: int
    nstart: int
    nend: int
    surface: str
    pos: tuple[str, ...]


@cache
def _dictionary():
    """Sudachi's core dictionary, loaded once on first use."""
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer():
    """Sudachi's tokenizer (mode A), one per thread: a tokenizer refuses concurrent calls."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.A)
    return tokenizer


@cache
def _pos(pos_id: int) -> tuple[str, ...]:
    """The part of speech of an id: asking each morpheme builds six new strings each time."""
    return _dictionary().pos_of(pos_id)


def tokens_of(norm: Normalized, start: int, end: int) -> list[Token]:
    """Sudachi tokens of the normalized text[start:end], with original offsets too."""
    tokens: list[Token] = []
    starts, ends = norm.starts, norm.ends
    # The morpheme list is reused from call to call (Sudachi's `out`): fewer allocations.
    morphemes = _local.morphemes = _tokenizer().tokenize(
        norm.text[start:end], out=getattr(_local, "morphemes", None)
    )
    # Names bound once: this loop runs for every word of every tagged sentence.
    append, pos_of = tokens.append, _pos
    for m in morphemes:
        b, e = m.begin(), m.end()
        if b == e:
            continue
        surface = m.surface()
        if surface.isspace():
            continue
        b += start
        e += start
        append(Token(starts[b], ends[e - 1], b, e, surface, pos_of(m.part_of_speech_id())))
    return tokens
