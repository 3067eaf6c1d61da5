"""The first-character guard of the hand rules' token regex: same matches, and present."""

import re

from kasane_shared.redaction import rules
from kasane_shared.redaction.prefilter import guarded

_TEXT = "本人は住民税を滞納（R5年度分、12,000円）。税務課によると、ｶﾞｽ代は払っていない\n"


def test_the_token_regex_is_guarded_and_matches_as_before() -> None:
    plain = re.compile("|".join(f"(?P<{k}>{p})" for k, p in rules._TOKEN_SPECS))
    assert rules._TOKEN_RE.pattern.startswith("(?=[")  # a silent fallback would be slow
    got = [(m.span(), m.lastgroup) for m in rules._TOKEN_RE.finditer(_TEXT * 3)]
    assert got == [(m.span(), m.lastgroup) for m in plain.finditer(_TEXT * 3)]
    assert got


def test_a_pattern_that_may_match_nothing_is_left_unguarded() -> None:
    assert guarded("a*|b").pattern == "a*|b"
    assert guarded(r"[^a]x").pattern == r"[^a]x"  # a negated set is not worked out


def test_the_guard_lets_through_every_first_character() -> None:
    pattern = r"(?P<x>ab|c(?:d)?)|(?P<y>[e-g]h)|(?:i)?j|(?=k)kl"
    guard = guarded(pattern)
    text = "abcdxfhjijklzz" * 2
    assert [m.span() for m in guard.finditer(text)] == [
        m.span() for m in re.compile(pattern).finditer(text)
    ]
    assert guard.pattern.startswith("(?=[")
