"""One reading of a text for the tagger, with a map back to the original's code points.

Writers type tax facts in every script: half-width katakana (ｺﾃｲｼｻﾝｾﾞｲ), full-width letters
and digits (Ｒ５, １２，０００円), the variant 稅, spaced-out OCR text (固 定 資 産 税). The
tagger and its word lists see one form; spans go back to the original's offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = " \u3000"
_VOICING = "\uff9e\uff9f"  # half-width ﾞ and ﾟ, composed into the letter before them


@dataclass(frozen=True)
class Normalized:
    """The normalized text; starts[i], ends[i] bound its i-th character in the original."""

    text: str
    starts: list[int]
    ends: list[int]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalized range [start, end)."""
        return self.starts[start], self.ends[end - 1]


def _cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uff66" <= ch <= "\uff9f" or ch == "々"


def _one(chunk: str) -> str:
    """NFKC of a character (or a half-width letter with its voicing mark) if it stays one."""
    folded = unicodedata.normalize("NFKC", chunk)
    return folded if len(folded) == 1 else chunk[0]


# Characters normalize_text may change or drop; every other character stays as it is, so the
# text between two of them is copied in one piece (most conference text holds few of them,
# and going letter by letter was a tenth of the redactor's time).
_SPECIAL_RE = re.compile("[" + _SPACES + "稅\uff01-\uff5e\uff61-\uff9f]")


def normalize_text(text: str) -> Normalized:
    """Fold widths and 稅, compose half-width voicing, drop spaces between CJK letters."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n, i = len(text), 0
    for m in _SPECIAL_RE.finditer(text):
        j = m.start()
        if j < i:
            continue  # a voicing mark composed into the letter before it
        if j > i:
            chars.append(text[i:j])
            starts += range(i, j)
            ends += range(i + 1, j + 1)
        i = j + _special(text, j, chars, starts, ends)
    if i < n:
        chars.append(text[i:])
        starts += range(i, n)
        ends += range(i + 1, n + 1)
    return Normalized("".join(chars), starts, ends)


def _special(text: str, i: int, chars: list[str], starts: list[int], ends: list[int]) -> int:
    """Append the normalized form of the special character at i; return how many it took."""
    n, ch = len(text), text[i]
    if ch in _SPACES and 0 < i < n - 1 and _cjk(text[i - 1]) and _cjk(text[i + 1]):
        return 1
    width = 2 if i + 1 < n and text[i + 1] in _VOICING and "\uff66" <= ch <= "\uff9d" else 1
    chunk = text[i : i + width]
    if ch == "稅":
        out = "税"
    elif "\uff01" <= ch <= "\uff5e" or "\uff61" <= ch <= "\uff9f":
        out = _one(chunk)
    else:
        out = ch
    chars.append(out)
    starts.append(i)
    ends.append(i + width)
    return width
