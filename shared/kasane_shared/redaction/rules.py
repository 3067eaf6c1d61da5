"""Hand rules that find tax data (地方税法 Art. 22) in Japanese conference text.

One compiled regex scans the text once and yields tokens (tax names, statuses,
amounts, tax offices, non-tax items, separators). The tokens are then grouped by
sentence and clause, and a span runs from the tax anchor (or the tax office that
reported it) to the last word that states the fact. See GUIDELINE.md for the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .prefilter import guarded
from .spans import Span, normalize

from . import lexicon as lx

# --- the token regex -------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first so longer words win."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# «住民税課税世帯» is 住民税 + 課税世帯, not the office 住民税課.
_OFFICE = rf"(?:{_alt(lx.OFFICES)})(?!税)"
_NUM = r"[0-9０-９〇一二三四五六七八九十百千万億][0-9０-９〇一二三四五六七八九十百千万億,，.．]*"
_AMOUNT = rf"(?:約|計|合計|総額|年額|月額|年約|月約|年|月)?{_NUM}円"
# Payment left undone («払えず», «納めていない») states a tax fact by itself.
_NEG_PAY = (
    r"(?:払え|払っ|払わ|支払え|支払っ|支払わ|納め|納められ|納付され|納付し|納付でき|納税し)"
    r"(?:ていない|ておらず|ていなかった|ない|なく|ず|なかった)"
)
# Other negations only extend a fact that is already open («申告がない», «受けていない»).
_NEG = (
    r"(?:[をがはも])?(?:されて|して|受けて|守られて|行って|受けられ|認められ|適用され|課され|課さ"
    r"|取れ|発行され|発行でき|し|され|受け|でき|出来|守られ|存在し|行われ|行わ|せ)?"
    r"(?:ていない|ておらず|ていなかった|ない|なく|なかった|ず)|しがち|がち"
)

_YEAR = (
    r"(?:(?:令和|平成|昭和|[RＲHＨ])?[0-9０-９元〇一二三四五六七八九十]+年(?:度分?|分)"
    r"|今年度分?|本年度分?|前年度分?|昨年度分?|当年度分?)"
)

# Who pays and how («息子が払っている», «年金から引かれている») is 納付状況 too; the
# inflection is kept because the verb alone is most of such a span.
_PAID = (
    r"(?:支払|払)(?:っている|っていた|った|える|う)|納め(?:ている|ていた|た|る)"
    r"|納付して(?:いる|いた)|引かれて(?:いる|いた)|天引きされて(?:いる|いた)"
)

_TOKEN_SPECS: list[tuple[str, str]] = [
    # Occupations and bodies («税務署に勤める») and tax in general come first.
    ("x", rf"(?:{_OFFICE})(?:に|で)(?:勤|働)|{_alt(lx.NOT_TAX + lx.GENERAL_CUES)}"),
    (
        "src",
        rf"(?:{_OFFICE})(?:{_alt(lx.OFFICE_STAFF)})?(?:{_alt(lx.SOURCE_PHRASES)}|{lx.SOURCE_YORI})"
        rf"|(?:{_alt(lx.LEDGERS)})(?:によると|によれば|上|では)",
    ),
    ("off", _OFFICE),
    ("act", _alt(lx.TAX_ACTS)),
    ("rec", _alt(lx.TAX_RECORDS + lx.LEDGERS)),
    ("name", _alt(lx.TAX_NAMES + lx.RELIEF_NAMES)),
    ("tstat", _alt(lx.TAX_STATUS)),
    ("stat", rf"(?:{_alt(lx.STATUS)})(?:中)?"),
    ("negpay", _NEG_PAY),
    ("pred", rf"(?:{_alt(lx.PREDICATES)})(?:中|済み)?|存在しない|{_PAID}"),
    ("nontax", _alt(lx.NON_TAX)),
    ("income", _alt(lx.INCOME)),
    ("amt", _AMOUNT),
    ("year", _YEAR),
    ("neg", _NEG),
    # «確定申告をした» : done, said right after the anchor.
    ("done", r"を(?:した|している|していた|済ませた|済ませている|行った|行っている|行っていた)"),
    ("sent", r"[。．！？!?\n]"),
    ("sep", r"[、，,：:]"),
    ("open", r"[（(]"),
    ("close", r"[）)]"),
]
# Guarded by its first characters (prefilter.py): without, the scan tried every word at
# every position and was an eighth of the redactor's time.
_TOKEN_RE = guarded("|".join(f"(?P<{k}>{p})" for k, p in _TOKEN_SPECS))
_GENERAL = frozenset(lx.GENERAL_CUES)

_ANCHORS = frozenset({"src", "rec", "act", "name", "tstat"})
_KEYWORDS = frozenset({"act", "tstat", "stat", "pred", "amt", "negpay"})
_STRONG = frozenset({"stat", "amt", "negpay", "tstat", "act"})
_STATUS_LIKE = frozenset(
    {"非課税世帯", "課税世帯", "非課税", "課税", "所得割", "均等割", "課税所得", "課税状況"}
)

# A clause ending like this hands its open fact on to the next clause
# («税務課によると、…», «住民税は、…», «課税証明では、…»).
_CARRY_RE = re.compile(
    r"(?:は|では|には|とは|によると|によれば|より|からは|上|結果|ところ|で|の情報では|の話では"
    # «住民税（2024年度分）、固定資産税（同）ともに完納» : taxes listed before one status.
    r"|税(?:[（(][^）)]*[）)])?)\s*$"
)
_LEAD_RE = re.compile(r"^(?:[\s　「『]|なお|また|一方|さらに|加えて|ただし|しかし|そして)+")
_TAIL_HIRA_RE = re.compile(r"[ぁ-ゖ]+$")
_MAX_LEAD = 12  # a fact carried over from the clause before starts at most this far in
_MAX_NEG_GAP = 12  # a negation this close after a fact belongs to it
_MAX_MERGE_GAP = 6
_COORD_RE = re.compile(r"と|や|・|、|及び|および|並びに|に加えて")
# What may stand between a fact and its negation: particles, figures, durations
# («は過去3年分されていない», «が3か月守られておらず»), not another verb.
_NEG_GAP_RE = re.compile(
    r"(?:[をがはもにでの（）()、]|[0-9０-９〇一二三四五六七八九十百千万数]|か月|ヶ月|カ月|年|度|月|日|週"
    r"|分|期|以上|以降|以来|ほど|近く|過去|毎年|毎月|半年|今年|長年|まだ|一度も|全く|まったく|ずっと)*$"
)  # facts this close in one sentence are masked as one


@dataclass
class _Tok:
    kind: str
    start: int
    end: int
    text: str


@dataclass
class _Clause:
    start: int
    end: int
    toks: list[_Tok]
    sep: str  # the separator that ended the clause ("" at sentence end)
    general: bool


# --- tokenising and clause splitting ------------------------------------------------


def _sentences(text: str) -> list[list[_Clause]]:
    """Split text into sentences of clauses; commas inside parentheses do not split."""
    sentences: list[list[_Clause]] = []
    clauses: list[_Clause] = []
    toks: list[_Tok] = []
    cstart = 0
    depth = 0
    general = False
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        s, e = m.span()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "sep" and depth == 0 or kind == "sent":
            clauses.append(_Clause(cstart, s, toks, m.group() if kind == "sep" else "", general))
            toks, cstart, general = [], e, False
            if kind == "sent":
                sentences.append(clauses)
                clauses, depth = [], 0
        elif kind != "sep":
            word = m.group()
            general = general or (kind == "x" and word in _GENERAL)
            toks.append(_Tok(kind, s, e, word))
    clauses.append(_Clause(cstart, len(text), toks, "", general))
    sentences.append(clauses)
    return sentences


# --- one clause ------------------------------------------------------------------


def _until_nontax(text: str, toks: list[_Tok], income_too: bool) -> list[_Tok]:
    """Tokens before the first non-tax item: what follows it is about that item.

    An item coordinated with a tax («住民税と家賃を滞納») does not end the tax fact.
    With income_too, income (年金, 給与) ends it as well: «住民税は非課税で、年金は月6万円».
    """
    for i, t in enumerate(toks):
        if t.kind == "nontax" or (income_too and t.kind == "income"):
            prev = toks[i - 1] if i else None
            if prev and prev.kind == "name" and _COORD_RE.fullmatch(text, prev.end, t.start):
                continue
            return toks[:i]
    return toks


def _anchor_index(toks: list[_Tok]) -> int | None:
    """Index of the first tax anchor; a tax office counts when a status goes with it."""
    has_status = any(t.kind in _STRONG for t in toks)
    for i, t in enumerate(toks):
        if t.kind in _ANCHORS or (t.kind == "off" and has_status):
            return i
    return None


def _fact_end(text: str, clause: _Clause, toks: list[_Tok], end: int | None) -> int | None:
    """Last keyword end, widened over a close negation or a cleft («…のは世帯主のみ»)."""
    for t in toks:
        if t.kind in _KEYWORDS:
            end = max(end or t.end, t.end)
    if end is None:
        # «医療費控除も受けていない», «確定申告をした» : said of the anchor itself.
        anchors = [t.end for t in toks if t.kind in _ANCHORS]
        if not anchors:
            return None
        anchor_end = max(anchors)
        done = [t.end for t in toks if t.kind == "done" and t.start == anchor_end]
        return _negated_end(text, toks, anchor_end) or (done[0] if done else None)
    end = _negated_end(text, toks, end) or end
    if "のは" in text[end : clause.end]:
        end = max(end, _trimmed_end(text, clause.start, clause.end))
    return end


def _negated_end(text: str, toks: list[_Tok], end: int) -> int | None:
    """End of a negation close after end («は過去3年分されていない»), if there is one."""
    found = None
    for t in toks:
        if t.kind == "neg" and end <= t.start <= end + _MAX_NEG_GAP:
            if _NEG_GAP_RE.match(text, end, t.start):
                found = end = t.end
    return found


def _trimmed_end(text: str, start: int, end: int) -> int:
    """Clause end without trailing inflection, keeping restrictive のみ/だけ."""
    chunk = text[start:end].rstrip()
    tail = _TAIL_HIRA_RE.search(chunk)
    if tail and not chunk.endswith(("のみ", "だけ")):
        chunk = chunk[: tail.start()]
    return start + len(chunk)


def _clause_start(text: str, clause: _Clause) -> int:
    """Clause start after leading spaces, quotes and connectives (なお, また …)."""
    lead = _LEAD_RE.match(text, clause.start, clause.end)
    return lead.end() if lead else clause.start


def _anchor_start(text: str, clause: _Clause, toks: list[_Tok], i: int) -> int:
    """Where a fact opened by anchor toks[i] starts within its clause."""
    anchor = toks[i]
    start = anchor.start
    before = toks[:i]
    if not any(t.kind == "nontax" for t in before):
        # «督促を受けた市県民税» : a status right before the tax belongs to it.
        stats = [t for t in before if t.kind == "stat"]
        if stats:
            start = stats[0].start
    if before and before[-1].kind == "year" and anchor.start - before[-1].end <= 1:
        # «令和5年度の住民税» : the fiscal year names which assessment.
        start = min(start, before[-1].start)
    if anchor.kind == "tstat" and anchor.text in _STATUS_LIKE and not before:
        # «妻と長男は非課税» : a short subject is part of the status.
        cstart = _clause_start(text, clause)
        if anchor.start - cstart <= _MAX_LEAD // 2 + 2:
            start = cstart
    return start


def _carries(text: str, clause: _Clause) -> bool:
    """True when the clause ends as a topic or source that the next clause completes."""
    if clause.sep in ("：", ":"):
        return True
    return bool(_CARRY_RE.search(text, clause.start, clause.end))


# --- sentences -------------------------------------------------------------------


def _sentence_spans(text: str, clauses: list[_Clause], out: list[tuple[int, int]]) -> None:
    """Append the tax facts of one sentence to out."""
    group: list | None = None  # [start, end | None, from a source] of a fact still open
    # What the sentence is about so far: "" nothing taxed, "tax" a tax was named,
    # "record" a tax record or office speaks (then income figures are tax data too).
    context = ""
    for clause in clauses:
        if clause.general:
            group, context = None, ""
            continue
        toks = clause.toks
        if group is not None:
            own = _until_nontax(text, toks, context != "record")
            if len(own) < len(toks) and not any(t.kind in _KEYWORDS for t in own):
                _flush(group, out)
                group, context = None, ""
                continue
            group[1] = _fact_end(text, clause, own, group[1])
        else:
            i = _anchor_index(toks)
            if i is None:
                if context and not _continued_fact(text, clause, context, out):
                    context = ""
                continue
            own = toks[:i] + _until_nontax(text, toks[i:], False)
            start = _anchor_start(text, clause, toks, i)
            end = _fact_end(text, clause, own[i:], None)
            if end is None and start < toks[i].start:
                end = toks[i].end  # «滞納している市税について» : the status came first
            group = [start, end, toks[i].kind == "src"]
            if context != "record":
                record = any(t.kind in ("src", "rec", "act") for t in own)
                context = "record" if record else "tax"
        # A tax office's report runs on until it states something («…によると、父は廃業した
        # 令和4年度以降、住民税非課税»); any other open fact needs a carrying clause end.
        reported = group[2] and group[1] is None
        if not reported and not _carries(text, clause):
            _flush(group, out)
            group = None
    if group is not None:
        _flush(group, out)


def _continued_fact(text: str, clause: _Clause, context: str, out: list[tuple[int, int]]) -> bool:
    """A clause without its own tax word that goes on about the tax before («今年度分も未納»).

    Returns whether the tax context goes on after this clause.
    """
    own = _until_nontax(text, clause.toks, context != "record")
    strong = [t for t in own if t.kind in _STRONG]
    if strong:
        cstart = _clause_start(text, clause)
        start = cstart if strong[0].start - cstart <= _MAX_LEAD else strong[0].start
        end = _fact_end(text, clause, own, None)
        if end is not None and end > start:
            out.append((start, end))
    return len(own) == len(clause.toks)


def _flush(group: list, out: list[tuple[int, int]]) -> None:
    """Emit an open fact when it reached a word that states it."""
    if group[1] is not None and group[1] > group[0]:
        out.append((group[0], group[1]))


def _close_parens(text: str, start: int, end: int) -> int:
    """Extend a span that stops inside parentheses to the closing one nearby."""
    chunk = text[start:end]
    if chunk.count("（") + chunk.count("(") > chunk.count("）") + chunk.count(")"):
        m = re.compile(r"[^（(。、]{0,20}?[）)]").match(text, end)
        if m:
            return m.end()
    return end


def _merge_close(text: str, pairs: list[tuple[int, int]]) -> list[Span]:
    """Merge facts of one sentence separated only by a few characters."""
    spans = normalize(pairs)
    out: list[Span] = []
    for sp in spans:
        if out:
            gap = text[out[-1].end : sp.start]
            if len(gap) <= _MAX_MERGE_GAP and not re.search(r"[。．！？!?\n]", gap):
                out[-1] = Span(out[-1].start, sp.end)
                continue
        out.append(sp)
    return out


def find_rule_spans(text: str) -> list[Span]:
    """Tax spans the hand rules find: sorted, non-overlapping, merged, code-point offsets."""
    pairs: list[tuple[int, int]] = []
    for clauses in _sentences(text):
        _sentence_spans(text, clauses, pairs)
    pairs = [(s, _close_parens(text, s, e)) for s, e in pairs]
    return _merge_close(text, pairs)
