"""Every form of tax fact that issue 11 lists, and the negatives that must stay clear.

Each positive names the stretch that must be caught (at least 90% of it masked, as the
scorer counts). Written for this test, not taken from any corpus split.
"""

from __future__ import annotations

import pytest

from kasane_shared.redaction import find_tax_spans, redact_text


def _covered(text: str, must: str) -> float:
    start = text.index(must)
    spans = find_tax_spans(text)
    hit = sum(
        1 for i in range(start, start + len(must)) if any(s.start <= i < s.end for s in spans)
    )
    return hit / len(must)


POSITIVE: list[tuple[str, str, str]] = [
    # 1. edges: the verb that carries the status, the source naming the tax office
    ("edge", "母は住民税の滞納が残っている。", "住民税の滞納が残っている"),
    ("edge", "長男は市民税が均等割のみ課税されている。", "市民税が均等割のみ課税されている"),
    ("edge", "父は固定資産税の督促状の通知を受けている。", "固定資産税の督促状の通知を受けている"),
    (
        "edge",
        "収税課の記録では、父の軽自動車税が3年分未納。",
        "収税課の記録では、父の軽自動車税が3年分未納",
    ),
    (
        "edge",
        "税務課に照会したところ、本人の住民税は非課税。",
        "税務課に照会したところ、本人の住民税は非課税",
    ),
    # 2. a status without a tax name, tied to tax by the sentence
    ("status", "市税の延滞金が膨らみ、預金が差し押さえられた。", "預金が差し押さえられた"),
    ("status", "収税課から差押予告が届き、本人は動揺している。", "収税課から差押予告が届き"),
    ("status", "固定資産税は執行停止となった。", "固定資産税は執行停止"),
    ("status", "市県民税について、分納誓約を交わした。", "分納誓約を交わした"),
    (
        "status",
        "国保税の口座振替が残高不足で不能になった。",
        "国保税の口座振替が残高不足で不能になった",
    ),
    ("status", "納税課が勤務先に給与照会を行った。", "納税課が勤務先に給与照会を行った"),
    # 3. assessment and returns
    ("assessment", "父は令和5年分の確定申告をしていない。", "確定申告をしていない"),
    ("assessment", "長女の扶養控除が適用されている。", "扶養控除が適用されている"),
    ("assessment", "医療費控除で約3万円の還付金があった。", "医療費控除で約3万円の還付金があった"),
    ("assessment", "住民税は年金から特別徴収されている。", "住民税は年金から特別徴収されている"),
    ("assessment", "今年度から住民税の税額が上がった。", "住民税の税額が上がった"),
    # 4. records
    (
        "records",
        "名寄帳によると、本人名義の土地が2筆ある。",
        "名寄帳によると、本人名義の土地が2筆ある",
    ),
    (
        "records",
        "課税証明では母の所得は年金のみで約80万円。",
        "課税証明では母の所得は年金のみで約80万円",
    ),
    (
        "records",
        "納税通知書によれば固定資産税は年額9万円。",
        "納税通知書によれば固定資産税は年額9万円",
    ),
    # 5. speech and dialect
    ("speech", "本人「車の税金が払えとらん」", "車の税金が払えとらん"),
    ("speech", "母「家の税金もたまっとるんよ」", "家の税金もたまっとる"),
    (
        "speech",
        "父：税金の人が来て、差し押さえの紙を置いていった。",
        "差し押さえの紙を置いていった",
    ),
    # the answer a turn after the question that names the tax
    ("speech", "問：住民税は払えていますか。\n答：「まだ払うとらん」", "まだ払うとらん"),
    ("speech", "Q：軽自動車税は？\nA：去年の分が残ってる", "去年の分が残ってる"),
    ("speech", "司会：国保税の分納、続いていますか？\n母：続いでる。毎月三千円。", "続いでる"),
    # 6. national taxes about the person
    ("national", "本人は所得税の延滞税を求められている。", "所得税の延滞税を求められている"),
    ("national", "自営業の父は消費税を2期分滞納している。", "消費税を2期分滞納している"),
    (
        "national",
        "税務署から本人に所得税の督促状が届いた。",
        "税務署から本人に所得税の督促状が届いた",
    ),
    # 7. layouts
    ("layout", "国保税｜分納中", "国保税｜分納中"),
    ("layout", "固定資産税：Ｒ５年度分未納", "固定資産税：Ｒ５年度分未納"),
    (
        "layout",
        "・市県民税　令和５年度　¥１２，６００　滞納",
        "市県民税　令和５年度　¥１２，６００　滞納",
    ),
    ("layout", "住民税　H31年度分　三万円　未納", "住民税　H31年度分　三万円　未納"),
    ("script", "ｼﾞｭｳﾐﾝｾﾞｲ ﾀｲﾉｳ 3ﾈﾝﾌﾞﾝ", "ｼﾞｭｳﾐﾝｾﾞｲ ﾀｲﾉｳ"),
    ("script", "固 定 資 産 税 を 滞 納", "固 定 資 産 税 を 滞 納"),
]

NEGATIVE: list[tuple[str, str]] = [
    ("fee", "国民健康保険料を3か月滞納している。"),
    ("fee", "介護保険料が年金から天引きされている。"),
    ("rent", "家賃と水道料金を2か月滞納し、大家から督促を受けた。"),
    ("income", "本人の話では月収は手取りで約14万円。"),
    ("topic", "消費税の増税で生活が苦しいと話していた。"),
    ("occupation", "叔父は税理士で、長男は税務署に勤めている。"),
    ("notice", "非課税世帯向けの給付金の案内が市の広報に載っていた。"),
    ("notice", "非課税世帯向けの給付金のチラシを受け取っていた。"),
    ("notice", "住民税非課税世帯向けの給付金は受け取ったかどうか分からない。"),
    ("other-meaning", "本人は説明に納得し、納戸の片付けと納骨の相談を始めた。"),
    ("document", "来週、課税証明書を取りに行く予定。"),
    ("attending", "税務課：欠席"),
    ("answer", "司会：体調はどうですか。\n本人：腰が痛くて払えない日もある。"),
]


@pytest.mark.parametrize(
    ("kind", "text", "must"), POSITIVE, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(POSITIVE)]
)
def test_each_form_of_tax_fact_is_caught(kind: str, text: str, must: str) -> None:
    assert _covered(text, must) >= 0.9, (
        kind,
        text,
        [text[s.start : s.end] for s in find_tax_spans(text)],
    )


@pytest.mark.parametrize(("kind", "text"), NEGATIVE, ids=[k for k, _ in NEGATIVE])
def test_negatives_stay_clear(kind: str, text: str) -> None:
    assert redact_text(text).masked == text, [text[s.start : s.end] for s in find_tax_spans(text)]


def test_a_cut_mask_leaves_a_sentence_that_reads() -> None:
    # Not 「母は［税情報］が届いている」: the mask runs through the predicate.
    assert redact_text("母は固定資産税の督促状が届いている。").masked == "母は［税情報］。"
