"""The redactor: the learned tagger's masks, checked by the hand rules, and suspects.

The tagger finds the spans. A span of the hand rules is masked too where the tagger also
gives it a fair chance (a token from RULE_AGREEMENT up): on 2,520 lines by seven writers held
out from training, masking every rule span flagged 0.037 more negative lines, while the
rules' spans the tagger doubts are the forms they know best (「住民税と家賃を滞納」). Then the
rules take away the spans they are sure are not tax data (a clause or the sentence before
about another creditor, tax in general, a tax office that only attends) and give the person
a fact is about back to the sentence. Whatever else looks like tax data but is left clear is
a suspect, for a person to decide before anything is distributed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .rules import find_rule_spans
from .spans import TAX_PLACEHOLDER, Span, mask, normalize
from .tagger import spans_and_doubts

# A rule span is masked when the tagger scores one of its tokens at least this high.
RULE_AGREEMENT = 0.1


@dataclass(frozen=True)
class Redaction:
    """Tax spans found in a text and the text with each span masked."""

    spans: list[Span]
    masked: str


# Where the rules are sure a span is not tax data (GUIDELINE.md, "Not tax data"):
# a span naming no tax, in a clause about another creditor or a 料 premium; any span in a
# clause about tax in general; a tax office that only attends.
# Words only tax has: a span or sentence holding one is about tax even beside another debt
# (「確定申告で医療費控除を追加すれば戻る」 after a sentence about rent).
_TAX_WORD_RE = re.compile(r"税|稅|ｾﾞｲ|ゼイ|台帳|名寄|確定申告|還付加算金|滞納処分")
# Another creditor or a 料 premium; 「社会保険料控除」 is a deduction of the tax return.
_OTHER_DEBT_RE = re.compile(
    r"保険料(?!控除)|家賃|料金|給食費|保育料|受信料|裁判所|カード|ローン|消費者金融|携帯|大家"
    r"|家主|管理会社|奨学金|借金|信販|クレジット"
)
# Tax as a topic. Not 「定額減税」 or 「納税義務(者)」: applied to the person, or naming who
# owes a tax, they are facts of the record (held-out writers lost 21 true spans to them and
# not one false one).
_GENERAL_RE = re.compile(
    r"税制改正|税制|制度改正|報道|ニュース|一般論|仕組み|納税の義務"
    r"|向け[^、。]{0,12}(?:案内|広報|チラシ|お知らせ|周知|説明会)"
)
_ATTENDING_RE = re.compile(
    r"^[^、。]{0,12}?(?:課|署|所)(?:の職員)?(?:が|と|も|は)?(?:出席|欠席|同席|参加)"
)
# A household that received a benefit paid to 非課税 households is 非課税: its status is
# told by the receipt (「住民税非課税世帯向けの給付金を受給した」), where a leaflet, a notice,
# a question or a refusal tells nothing. No corpus line says it; the tagger doubts it, and a
# leak is the costlier mistake.
_RECEIVED_BENEFIT_RE = re.compile(
    r"((?:(?:住民|市民|市県民|県民|町民|村民|区民|都民|府民)税(?:の|が)?)?"
    r"(?:均等割のみ課税|非課税)(?:世帯)?)(?:向け|対象|への|の)+"
    r"(?:臨時|特別|緊急|物価高騰|価格高騰)?(?:支援)?給付金"
    r"(?:[（(][^）)]{0,12}[）)]|[0-9０-９,，万千円]+)?(?:を|は|も)?(?:すでに|既に|無事)?"
    r"(?:受給|受け取|支給され|振り込まれ|入金され|もらっ)"
    r"(?![^、。\n]{0,8}(?:ない|なかっ|かどうか|予定|ず))"
)
_CLAUSE_EDGE = "、。，．,.\n「」"
# The person a fact is about, as the subject at a mask's start, stays readable when a tax
# item follows (GUIDELINE.md, span edges: 「本人は|住民税を滞納」; 「妻：非課税」 keeps it).
_SUBJECT_RE = re.compile(
    r"(?:本人|ご本人|相談者|対象者|世帯主|[長次三]男|[長次三]女|父|母|夫|妻|兄|姉|弟|妹|"
    r"祖父|祖母|息子|娘)(?:は|が)"
)


_SENTENCE_EDGE = "。．\n"


class _Edges:
    """Where a text's clauses or sentences (as edges say) end, to find the one around a span.

    Found once per text: searching the text for each edge character around each span
    scanned a long document end to end for every character it lacks, per span.
    """

    def __init__(self, text: str, edges: str) -> None:
        self.text = text
        self.at = [m.start() for m in re.finditer(f"[{re.escape(edges)}]", text)]

    def around(self, span: Span) -> str:
        """The clause or sentence that holds span."""
        k = bisect_left(self.at, span.start)  # edges before the span: at[:k]
        j = bisect_left(self.at, span.end, k)  # the first edge from the span's end on
        start = self.at[k - 1] + 1 if k else 0
        return self.text[start : self.at[j] if j < len(self.at) else len(self.text)]

    def before(self, span: Span) -> str:
        """The clause or sentence before the one that holds span ("" at the text's start)."""
        k = bisect_left(self.at, span.start)
        if k == 0:
            return ""
        start = self.at[k - 2] + 1 if k >= 2 else 0
        return self.text[start : self.at[k - 1]]


def _sure_not_tax(text: str, span: Span, clauses: _Edges, sentences: _Edges) -> bool:
    """Whether the rules are sure that a span found is not tax data."""
    inner = text[span.start : span.end]
    clause = clauses.around(span)
    if _GENERAL_RE.search(clause) or _ATTENDING_RE.search(inner):
        return True
    if _TAX_WORD_RE.search(inner):
        return False
    sentence = sentences.around(span)
    if _TAX_WORD_RE.search(sentence):
        return bool(_OTHER_DEBT_RE.search(clause))
    # 「介護保険料は年金から天引きされており、滞納はない」: the debt is named a clause earlier;
    # 「介護保険料は特別徴収。普通徴収分の未納なし」: a sentence earlier, with no tax named since.
    previous = sentences.before(span)
    return bool(_OTHER_DEBT_RE.search(sentence)) or (
        bool(_OTHER_DEBT_RE.search(previous)) and not _TAX_WORD_RE.search(previous)
    )


def _without_subject(text: str, span: Span) -> Span:
    """The span without a leading 「本人は」「母が」, when a tax item follows in it."""
    subject = _SUBJECT_RE.match(text, span.start, span.end)
    if subject is None or not _TAX_WORD_RE.search(text, subject.end(), span.end):
        return span
    return Span(subject.end(), span.end, span.label)


def _agreed(spans: list[Span], doubts: list[tuple[int, int]]) -> list[Span]:
    """The spans that share a character with a doubted token.

    doubts are tokens in text order, so their starts and their ends both rise: the first one
    ending after a span's start is the only one that can overlap it first (each rule span
    was compared with every doubted token of a long document before).
    """
    ends = [e for _, e in doubts]
    out = []
    for sp in spans:
        j = bisect_right(ends, sp.start)  # the first token that ends after the span starts
        if j < len(doubts) and doubts[j][0] < sp.end:
            out.append(sp)
    return out


def find_tax_spans(text: str) -> list[Span]:
    """Tax spans of text (the tagger's, and the rules' it agrees with, as the rules check
    them): sorted, non-overlapping, code-point offsets."""
    if not text:
        return []
    found, doubts = spans_and_doubts(text, RULE_AGREEMENT)
    if doubts:  # no rule span can be agreed with otherwise: the rule engine is skipped
        found += _agreed(find_rule_spans(text), doubts)
    if "課税" in text:  # the benefit rule names one; most texts are spared its scan
        found += [Span(*m.span(1), "tax") for m in _RECEIVED_BENEFIT_RE.finditer(text)]
    clauses, sentences = _Edges(text, _CLAUSE_EDGE), _Edges(text, _SENTENCE_EDGE)
    kept = normalize([sp for sp in found if not _sure_not_tax(text, sp, clauses, sentences)])
    return [_without_subject(text, sp) for sp in kept]


def redact_text(text: str) -> Redaction:
    """Find the tax spans of text and mask them."""
    spans = find_tax_spans(text)
    return Redaction(spans=spans, masked=mask(text, spans))


def redact_record(record: Mapping[str, str | None], tax_fields: Collection[str]) -> dict:
    """Copy of record: tax-classed fields replaced whole when non-empty, text fields masked."""
    out: dict = {}
    for key, value in record.items():
        if value is None or value == "":
            out[key] = value
        elif key in tax_fields:
            # Declared tax data: hidden whatever it holds, so its shape does not leak either.
            out[key] = TAX_PLACEHOLDER
        elif isinstance(value, str):
            out[key] = mask(value, find_tax_spans(value))
        else:
            out[key] = value
    return out
