"""What the tagger sees of a text: units, Sudachi tokens and one feature list per token.

A text is cut into units (lines and sentences). Only units that hold a tax cue, or stand
near one, are tokenized: most conference text says nothing about tax, and skipping it keeps
the redactor fast on long documents. Offsets are code points of the original text throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

from . import lexicon as lx
from .dialogue import answer_context
from .normalize import normalize_text
from .positions import tax_distances
from .tokens import Token, morphemes_of, tokens_from
from .units import split_units

# Anything a tax fact can hardly be told without. Checked on the NFKC form of a unit, so
# half-width katakana and full-width letters count; spaced-out OCR text still holds 税 or 納.
TRIGGER_RE = re.compile(
    r"税|稅|納|課|督促|催告|差し?押|差押|押さえ|公売|執行停止|申告|控除|還付|徴収|天引|"
    r"延滞|滞|台帳|名寄|評価証明|所得証明|照会|臨戸|充当|口座振替|引き落とし|分割|"
    r"ゼイ|ノウ|タイノウ|tax|zei|"
    # Speech written in kana, as some writers transcribe it (「くるまの ぜいきん」).
    r"ぜい|たいのう|みのう|ぶんのう|のうふ|とくそく|さしおさえ|しんこく|かぜい",
    re.IGNORECASE,
)


def _words(*lists: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted({w for ws in lists for w in ws}, key=len)[::-1])


# Lexicon classes marked on the characters they cover; a token takes the classes of its
# characters as features. The lists are the hand rules' own (lexicon.py) plus spoken forms.
_SPOKEN_TAX = ["税金", "ぜいきん", "ゼイキン", "税の方", "税のほう", "車の税", "家の税", "稅"]
# Katakana readings, for half-width and phonetic writing (ｺﾃｲｼｻﾝｾﾞｲ, ｼﾞｭｳﾐﾝｾﾞｲ).
_READINGS = [
    "ジュウミンゼイ", "コテイシサンゼイ", "ケイジドウシャゼイ", "ジドウシャゼイ", "シミンゼイ",
    "ケンミンゼイ", "シケンミンゼイ", "ショトクゼイ", "コクホゼイ", "コクミンケンコウホケンゼイ",
    "ゼイキン", "ゼイ",
]  # fmt: skip
_READING_STATUS = ["タイノウ", "ミノウ", "カンノウ", "ブンノウ", "ノウフ", "サシオサエ", "トクソク"]
_KATA_TO_HIRA = str.maketrans({chr(k): chr(k - 0x60) for k in range(0x30A1, 0x30F7)})
_READINGS += [r.translate(_KATA_TO_HIRA) for r in _READINGS]
_READING_STATUS += [r.translate(_KATA_TO_HIRA) for r in _READING_STATUS]
# Paying, owing and falling behind, as people say it; a fact only next to a tax cue.
_PAYING = [
    "払", "納め", "納付", "引き落と", "引落", "落ち", "落と", "引かれ", "天引", "振込", "振替",
    "振り込", "入れ", "溜ま", "たま", "滞", "残って", "残り", "分けて", "分割", "約束", "未払",
    "持ってかれ", "取られ", "戻って", "戻ってき",
]  # fmt: skip
# Who else sends 督促 and 差押え: a clause naming one of these is about another debt.
_CREDITORS = [
    "カード", "携帯", "ローン", "消費者金融", "サラ金", "大家", "管理会社", "家主", "保育課",
    "学校", "裁判所", "債権者", "電力", "ガス会社", "水道局", "NHK", "病院", "信販", "クレジット",
    "保険料", "家賃", "給食費", "保育料", "料金", "奨学金", "借金", "貸金",
]  # fmt: skip
# A clause that asks, explains or reports in general is not a fact about the person.
_HYPOTHETICAL = [
    "どうなる", "かどうか", "質問", "説明", "案内", "チラシ", "制度", "一般", "研修", "報道",
    "ニュース", "らしい", "調べ", "不安", "心配", "思い込", "パンフレット", "広報", "お知らせ",
    "もらえる", "対象になる", "なら",
]  # fmt: skip
_NEGATION = ["ない", "ねえ", "ねぇ", "へん", "ひん", "とらん", "とらへん", "ておらず", "ず", "ん。"]
LEXICON_CLASSES: dict[str, re.Pattern[str]] = {
    "notax": re.compile(_words(lx.NOT_TAX)),
    "general": re.compile(_words(lx.GENERAL_CUES)),
    "office": re.compile(_words(lx.OFFICES)),
    "ledger": re.compile(_words(lx.LEDGERS, lx.TAX_RECORDS)),
    "taxname": re.compile(_words(lx.TAX_NAMES, lx.RELIEF_NAMES, _SPOKEN_TAX, _READINGS)),
    "taxstat": re.compile(_words(lx.TAX_STATUS)),
    "act": re.compile(_words(lx.TAX_ACTS)),
    "status": re.compile(_words(lx.STATUS)),
    "pred": re.compile(_words(lx.PREDICATES)),
    "nontax": re.compile(_words(lx.NON_TAX)),
    "income": re.compile(_words(lx.INCOME)),
    "fee": re.compile(r"料|代金|家賃|ローン|借金|借入"),
    "reading": re.compile(_words(_READING_STATUS)),
    "creditor": re.compile(_words(_CREDITORS)),
    "hypothetical": re.compile(_words(_HYPOTHETICAL)),
    "paying": re.compile(_words(_PAYING)),
    "negation": re.compile(_words(_NEGATION)),
    "amount": re.compile(
        r"[0-9０-９〇一二三四五六七八九十百千万億,，.．]+(?:万|千)?円|¥[0-9,]+|￥[0-9,]+"
    ),
    "year": re.compile(r"(?:令和|平成|昭和|[RＲHＨ])[0-9０-９元〇一二三四五六七八九十]+年?|年度"),
}
_CLASS_NAMES = tuple(LEXICON_CLASSES)
# Classes that tie a unit to tax (for the unit and next-unit context features).
_TAX_CONTEXT = ("office", "ledger", "taxname", "taxstat", "act")


@dataclass(slots=True)
class Unit:
    """A line or sentence of a text, with its tokens when it was tokenized."""

    start: int
    end: int
    tokens: list[Token]
    columns: list[list[tuple[str, ...]]]
    classes: list[tuple[str, ...]]

    @property
    def features(self) -> list[list[str]]:
        """One list of feature strings per token, as the CRF is trained on them."""
        return [[f for g in groups for f in g] for groups in zip(*self.columns)]

    def token_features(self, i: int) -> list[str]:
        """The feature strings of the unit's i-th token."""
        return [f for column in self.columns for f in column[i]]


def class_marks(text: str) -> list[int]:
    """Per character, a bit set of the lexicon classes that cover it."""
    marks = [0] * len(text)
    for bit, name in enumerate(_CLASS_NAMES):
        for m in LEXICON_CLASSES[name].finditer(text):
            for i in range(m.start(), m.end()):
                marks[i] |= 1 << bit
    return marks


@lru_cache(maxsize=1 << 16)
def _char_type(s: str) -> str:
    kinds = set()
    for ch in s:
        if "\u4e00" <= ch <= "\u9fff" or ch in "々〇":
            kinds.add("K")
        elif "\u3040" <= ch <= "\u309f":
            kinds.add("H")
        elif "\u30a0" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f":
            kinds.add("T")
        elif ch.isdigit():
            kinds.add("D")
        elif ch.isalpha():
            kinds.add("A")
        else:
            kinds.add("S")
    return "".join(sorted(kinds))


def _bucket(d: int | None) -> str:
    if d is None:
        return "none"
    return str(d) if d <= 3 else ("4-6" if d <= 6 else ("7-12" if d <= 12 else "far"))


@cache
def _names(bits: int) -> tuple[str, ...]:
    """The class names of a bit set (few distinct sets occur, so they are remembered)."""
    return tuple(name for b, name in enumerate(_CLASS_NAMES) if bits >> b & 1)


def _token_classes(marks: list[int], tok: Token) -> tuple[str, ...]:
    if not any(marks[tok.nstart : tok.nend]):
        return ()  # most words are in no class
    bits = 0
    for i in range(tok.nstart, tok.nend):
        bits |= marks[i]
    return _names(bits)


# Feature strings are remembered: a conference text repeats the same few thousand words, and
# building the strings anew for every token is most of the tagger's time. The order of the
# strings is the training order (the model's bytes depend on it), so it is kept exactly.
# Fewer kinds of feature than one might add: each costs time on every token, and leaving
# out the normalized form, the first and last letters, conjugation forms and the parts of
# speech two tokens away cost nothing on writers held out (measured by training without
# two of the writers and scoring them).
def _word_head(surface: str, pos: str) -> tuple[str, ...]:
    out = ["bias", f"w={surface}", f"p={pos}", f"ct={_char_type(surface)}"]
    if "税" in surface:
        out.append("has:税")
    if "納" in surface:
        out.append("has:納")
    return tuple(out)


def _neighbour(d: int, surface: str, pos: str, classes: tuple[str, ...]) -> tuple[str, ...]:
    near = (f"w{d}={surface}", f"p{d}={pos}") if abs(d) == 1 else (f"w{d}={surface}",)
    return (*near, *(f"c{d}={c}" for c in classes))


_NEAR = (-2, -1, 1, 2)


def _seen_from(surface: str, pos: str, classes: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """What a token's neighbours at each distance of _NEAR see of it."""
    return tuple(_neighbour(d, surface, pos, classes) for d in _NEAR)


@cache
def _prefixed(prefix: str, classes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}{c}" for c in classes)


_EDGES = {d: (f"w{d}=<edge>",) for d in _NEAR}
_SAME_LEFT, _SAME_RIGHT = ("sameclause:left",), ("sameclause:right",)


@cache
def _position(left: int | None, right: int | None, taxy: bool) -> tuple[str, ...]:
    """Distances to the nearest tax word on each side, and whether this is one."""
    return (f"dl={_bucket(left)}", f"dr={_bucket(right)}", "tx=1" if taxy else "tx=0")


@lru_cache(maxsize=1 << 16)
def _bigram(word: str, after: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two neighbouring words as the second one sees them, and as the first one does."""
    return (f"w-1|w={word}|{after}",), (f"w|w+1={word}|{after}",)


_CLAUSE_BREAKS = frozenset(("、", ",", "，", "「", "」", "『", "』", "：", ":"))
Group = tuple[str, ...]
_CONNECTIVE_NOUNS = frozenset(("ため", "為", "ところ", "うえ", "上", "後", "際", "中", "まま"))


def _clause_ends(tokens: list[Token], clause_of: list[int], breaks: list[int]) -> list[str]:
    """Per clause, the word that closes it before its comma (a connective), or its kind.

    breaks: where the unit's clause breaks stand, in order.
    """
    ends = ["<eos>"] * (clause_of[-1] + 1)
    for i in breaks:
        if i > 0:
            prev = tokens[i - 1]
            c = clause_of[i - 1]
            if prev.pos[0] in ("助詞", "助動詞") or prev.surface in _CONNECTIVE_NOUNS:
                ends[c] = prev.surface
            else:
                ends[c] = prev.pos[0]
    return ends


@lru_cache(maxsize=1 << 16)
def _own_groups(
    surface: str, pos: tuple[str, ...], classes: tuple[str, ...]
) -> tuple[Group, Group, tuple[Group, ...], bool]:
    """What a token brings wherever it stands: its word's group, its classes' group, what its
    neighbours see of it, and whether it ties its unit to tax. One lookup per token."""
    tag = f"{pos[0]}-{pos[1]}"
    taxy = any(c in _TAX_CONTEXT for c in classes) or "税" in surface
    return (
        _word_head(surface, tag),
        _prefixed("c=", classes),
        _seen_from(surface, tag, classes),
        taxy,
    )


_COLUMNS = 13  # kinds of group _unit_columns returns


def _unit_columns(
    tokens: list[Token], classes: list[tuple[str, ...]], context: list[str]
) -> list[list[Group]]:
    """A unit's feature strings in groups that recur from token to token, one column per
    kind of group; token i's features are the i-th group of each column, joined in order.

    Training reads them joined (Unit.features); the tagger sums each group's weights once
    and remembers them (crf.py), a column at a time. A group absent at a token (no clause
    partner, the unit's edge) is empty there. The order of the strings is the training
    order (the model's bytes depend on it).
    """
    n = len(tokens)
    if not n:
        return [[] for _ in range(_COLUMNS)]
    words = [t.surface for t in tokens]
    own = list(map(_own_groups, words, [t.pos for t in tokens], classes))
    # One transposition (in C) instead of a list comprehension per kind of group.
    heads, own_classes, seen, taxy = zip(*own)
    # Clause index per token: a comma or a quote mark starts a new clause. Most units have
    # few breaks and few words in a lexicon class: both are walked by their positions.
    breaks = [i for i, w in enumerate(words) if w in _CLAUSE_BREAKS]
    classed = [i for i, cs in enumerate(classes) if cs]
    if breaks and breaks[0] < n - 1:
        clause_of = list(accumulate((w in _CLAUSE_BREAKS for w in words[:-1]), initial=0))
    else:
        clause_of = [0] * n
    # What each clause holds, as a bag: the window of ±2 tokens is too narrow to see that a
    # 督促状 came from a card company, or that a sentence only asks about tax.
    clause_classes: list[set[str]] = [set() for _ in range(clause_of[-1] + 1)]
    for i in classed:
        clause_classes[clause_of[i]].update(classes[i])
    clause_feats = [_prefixed("cl=", tuple(sorted(cc))) for cc in clause_classes]
    # How each clause ends (「…ため、」「…ので、」「…が、」「…と、」): a fact rarely runs on
    # past a reason or a contrast, and the mask should stop where the writers stop.
    ends = _clause_ends(tokens, clause_of, breaks)
    # Whether the clauses around hold a tax cue: a status told a clause after its tax item.
    taxy_clause = [any(k in _TAX_CONTEXT for k in cc) for cc in clause_classes] + [False]
    clause_feats = [
        (
            *cf,
            f"ce={ends[c]}",
            f"pce={ends[c - 1] if c else '<bos>'}",
            f"nb={int(c > 0 and taxy_clause[c - 1])}{int(taxy_clause[c + 1])}",
        )
        for c, cf in enumerate(clause_feats)
    ]
    unit_has = sorted({c for i in classed for c in classes[i] if c in _TAX_CONTEXT})
    unit_feats = tuple([f"u:{c}" for c in unit_has] + context)
    tax_at = [i for i, t in enumerate(taxy) if t]
    left, right = tax_distances(n, tax_at)
    if len(clause_feats) == 1:  # one clause: every word is in it
        clause_column = [clause_feats[0]] * n
        same_left = [() if d is None else _SAME_LEFT for d in left]
        same_right = [() if d is None else _SAME_RIGHT for d in right]
    else:
        clause_column = [clause_feats[c] for c in clause_of]
        same_left = [
            _SAME_LEFT if d is not None and clause_of[i - d] == c else ()
            for i, (d, c) in enumerate(zip(left, clause_of))
        ]
        same_right = [
            _SAME_RIGHT if d is not None and clause_of[i + d] == c else ()
            for i, (d, c) in enumerate(zip(right, clause_of))
        ]
    # What each neighbour sees of each token (seen_m2[j]: what the token two after j sees),
    # shifted into place with an edge marker where the unit ends.
    seen_m2, seen_m1, seen_p1, seen_p2 = zip(*seen)
    e_m2, e_m1, e_p1, e_p2 = (_EDGES[d] for d in _NEAR)
    after, before = zip(*map(_bigram, words, words[1:])) if n > 1 else ((), ())
    return [
        list(heads),
        list(map(_position, left, right, taxy)),
        list(own_classes),
        clause_column,
        same_left,
        same_right,
        [e_m2, e_m2, *seen_m2[:-2]][:n],
        [e_m1, *seen_m1[:-1]],
        [*seen_p1[1:], e_p1],
        [*seen_p2[2:], e_p2, e_p2][:n],
        [(), *after],
        [*before, ()],
        [unit_feats] * n,
    ]


# A fact is often told a sentence or two after the word that ties it to tax (a speaker
# answering a question, a list under a header), so units near a cue are tagged too.
_CONTEXT_BEFORE = 6
_CONTEXT_AFTER = 1


def _unit_classes(marks: list[int], start: int, end: int) -> set[str]:
    bits = 0
    for i in range(start, end):
        bits |= marks[i]
    return {name for b, name in enumerate(_CLASS_NAMES) if bits >> b & 1 and name in _TAX_CONTEXT}


def analyse(text: str, all_units: bool = False) -> list[Unit]:
    """Units of text to tag (those near a tax cue, or every one), with their features."""
    return list(iter_units(text, all_units))


def iter_units(text: str, all_units: bool = False) -> Iterator[Unit]:
    """analyse(text, all_units), a unit at a time: a caller that is done with a unit before
    it asks for the next keeps one unit's tokens and features alive, not a whole document's
    (the garbage collector's passes, proportional to what lives, were a tenth of the time).
    Only Sudachi's morphemes, plain lists, are found for all units first."""
    norm = normalize_text(text)
    units = split_units(norm.text)
    cued = [bool(TRIGGER_RE.search(norm.text, s, e)) for s, e in units]
    if not any(cued) and not all_units:
        return
    marks = class_marks(norm.text)
    classes = [_unit_classes(marks, s, e) for s, e in units]
    tagged = [
        k
        for k in range(len(units))
        if all_units or any(cued[max(0, k - _CONTEXT_BEFORE) : k + _CONTEXT_AFTER + 1])
    ]
    turns = answer_context([norm.text[s:e] for s, e in units], [bool(c) for c in classes])
    # Sudachi first, for every unit in a row: its dictionary stays in the processor's caches
    # from one call to the next (between features and scores, a call took half as long again).
    morphemes = [morphemes_of(norm, *units[k]) for k in tagged]
    for k, found in zip(tagged, morphemes):
        s, e = units[k]
        tokens = tokens_from(norm, found)
        before = set().union(*classes[max(0, k - _CONTEXT_BEFORE) : k])
        context = [f"ctx:{c}" for c in sorted(before)]
        if not cued[k]:
            context.append("uncued")
        if k + 1 < len(units) and classes[k + 1]:
            context.append("next:tax")
        if turns[k]:
            context.append(turns[k])
        classes_of = [_token_classes(marks, t) for t in tokens]
        ostart, oend = norm.original(s, e)
        columns = _unit_columns(tokens, classes_of, context)
        yield Unit(ostart, oend, tokens, columns, classes_of)
