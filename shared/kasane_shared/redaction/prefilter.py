"""A first-character guard for a big alternation of named groups.

Python's regex engine skips ahead with a set of first characters only when every branch
of a pattern starts with a plain letter; a branch that starts with a named group (the hand
rules' token regex) makes it try every branch, and every word of every branch, at every
position of the text. A lookahead `(?=[…])` holding the characters any match can start
with turns most positions into one set test. Matches, their spans and their group names
stay exactly as they were: the lookahead consumes nothing and lets through every position
where a match could start.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

_ZERO_WIDTH = {c.AT, c.ASSERT, c.ASSERT_NOT}


class _Unknown(Exception):
    """A construct whose first characters are not worked out here: no guard is added."""


def _first(items: list) -> tuple[set[str], bool]:
    """(characters a match of items can start with, whether items can match nothing)."""
    out: set[str] = set()
    for op, av in items:
        chars, empty = _first_of(op, av)
        out |= chars
        if not empty:
            return out, False
    return out, True


def _first_of(op, av) -> tuple[set[str], bool]:
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated set, a category (\d, \s): not worth working out
                raise _Unknown
        return chars, False
    if op is c.SUBPATTERN:
        return _first(list(av[3]))
    if op is c.BRANCH:
        out: set[str] = set()
        empty = False
        for branch in av[1]:
            chars, e = _first(list(branch))
            out |= chars
            empty = empty or e
        return out, empty
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        chars, empty = _first(list(av[2]))
        return chars, empty or av[0] == 0
    if op in _ZERO_WIDTH:
        # Consumes nothing: what follows it decides (a superset, which is safe).
        return set(), True
    raise _Unknown


def guarded(pattern: str) -> re.Pattern[str]:
    """pattern compiled with a first-character lookahead, or as it is when none is sure."""
    try:
        chars, empty = _first(list(_parser.parse(pattern)))
    except _Unknown:
        return re.compile(pattern)
    if empty or not chars:
        return re.compile(pattern)
    charset = "".join(re.escape(ch) for ch in sorted(chars))
    return re.compile(f"(?=[{charset}])(?:{pattern})")
