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


Morphemes = tuple[list[int], list[int], list[str], list[int]]
_NONE: Morphemes = ([], [], [], [])


def morphemes_of(norm: Normalized, start: int, end: int) -> Morphemes:
    """Sudachi's morphemes of the normalized text[start:end], spaces left out: their starts
    and ends in the normalized text, surfaces and part-of-speech ids, as plain lists (a list
    of numbers costs the garbage collector nothing per item; tokens_from makes the tokens)."""
    text = norm.text[start:end]
    if not text or text.isspace():
        # Every morpheme of it would be space, and spaces are dropped below: no Sudachi call
        # (a line break after a sentence's end is a unit of its own, one unit in three).
        return _NONE
    # The morpheme list is reused from call to call (Sudachi's `out`): fewer allocations.
    morphemes = _local.morphemes = _tokenizer().tokenize(
        text, out=getattr(_local, "morphemes", None)
    )
    begins: list[int] = []
    ends: list[int] = []
    surfaces: list[str] = []
    pos_ids: list[int] = []
    for m in morphemes:
        b, e = m.begin(), m.end()
        if b == e:
            continue
        surface = m.surface()
        if surface.isspace():
            continue
        begins.append(b + start)
        ends.append(e + start)
        surfaces.append(surface)
        pos_ids.append(m.part_of_speech_id())
    return begins, ends, surfaces, pos_ids


def tokens_from(norm: Normalized, morphemes: Morphemes) -> list[Token]:
    """The tokens of morphemes_of's morphemes, with original offsets too."""
    starts, ends = norm.starts, norm.ends
    return [
        Token(starts[b], ends[e - 1], b, e, surface, _pos(pos_id))
        for b, e, surface, pos_id in zip(*morphemes)
    ]


def tokens_of(norm: Normalized, start: int, end: int) -> list[Token]:
    """Sudachi tokens of the normalized text[start:end], with original offsets too."""
    return tokens_from(norm, morphemes_of(norm, start, end))
