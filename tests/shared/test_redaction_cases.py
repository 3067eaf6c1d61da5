"""Table-driven cases for the tax-data redactor, written for the guideline, not dev.jsonl.

Each positive case lists stretches that must be masked (at least 90% of each, as the
scorer counts) and stretches that must stay readable. Each negative must mask nothing.
"""

from __future__ import annotations

import re

import pytest

from kasane_shared.redaction import find_tax_spans

# (text, must be masked, must stay readable)
POSITIVE: list[tuple[str, list[str], list[str]]] = [
    # numerals: 半角, 全角, 漢数字; amounts; fiscal years
    # The status verb is inside the span (GUIDELINE.md, span edges).
    ("本人は住民税を三年分滞納している。", ["住民税を三年分滞納している"], []),
    ("住民税が十二万円未納となっている。", ["住民税が十二万円未納"], ["となっている"]),
    ("固定資産税の滞納額は１２万３，４００円。", ["固定資産税の滞納額は１２万３，４００円"], []),
    ("市税滞納は延滞金を除いて計67万3,200円。", ["市税滞納は延滞金を除いて計67万3,200円"], []),
    ("本人の市県民税は年12,600円と算定されている。", ["市県民税は年12,600円と算定"], ["本人の"]),
    ("令和五年度の市県民税は非課税。", ["令和五年度の市県民税は非課税"], []),
    ("Ｒ５年度の軽自動車税が未納。", ["軽自動車税が未納"], []),
    ("R6年度の住民税は均等割のみ課税されている。", ["住民税は均等割のみ課税"], []),
    ("2023年度分の国保税は完納済み。", ["国保税は完納"], []),
    (
        "父の確定申告（令和5年分）では医療費控除が適用された。",
        ["確定申告（令和5年分）では医療費控除が適用"],
        [],
    ),
    (
        "固定資産税・都市計画税（計15.6万円）は第3期分から未納。",
        ["固定資産税・都市計画税（計15.6万円）は第3期分から未納"],
        [],
    ),
    # 料 vs 税
    ("国民健康保険税を滞納している。", ["国民健康保険税を滞納"], []),
    (
        "国民健康保険料は完納しているが、国民健康保険税は未納。",
        ["国民健康保険税は未納"],
        ["国民健康保険料は完納"],
    ),
    # tax kinds and statuses
    # A status told as a plan is the fact's own predicate (GUIDELINE.md, decided cases).
    ("所得税の還付金約3万円が振り込まれる予定。", ["所得税の還付金約3万円が振り込まれる"], []),
    ("自動車税の滞納で車検が受けられない。", ["自動車税の滞納"], []),
    ("法人税の申告が遅れている。", ["法人税の申告"], []),
    ("市税の延滞金が約3万円発生している。", ["市税の延滞金が約3万円"], []),
    (
        "国保税の滞納処分として預金が差し押さえられた。",
        ["国保税の滞納処分として預金が差し押さえ"],
        [],
    ),
    ("市税の分割納付を月1万円で行っている。", ["市税の分割納付を月1万円"], []),
    (
        "長男の住民税は、令和4年度分が執行停止中。",
        ["住民税は、令和4年度分が執行停止中"],
        ["長男の"],
    ),
    ("滞納している市税について、収税課と相談のうえ分納となった。", ["市税", "分納"], []),
    ("世帯全員が住民税非課税。", ["住民税非課税"], []),
    ("世帯は課税世帯に変わった。", ["世帯は課税世帯"], ["変わった"]),
    ("住民税非課税世帯向けの給付金を受給した。", ["住民税非課税世帯"], ["給付金を受給"]),
    ("母は障害者控除の対象となっている。", ["障害者控除の対象"], []),
    (
        "課税証明書を取り寄せたところ、前年の所得は0円だった。",
        ["課税証明書", "前年の所得は0円"],
        [],
    ),
    ("所得証明では、本人の給与収入は103万円。", ["所得証明では、本人の給与収入は103万円"], []),
    (
        "固定資産課税台帳によると、土地は父の名義のままである。",
        ["固定資産課税台帳によると、土地は父の名義"],
        [],
    ),
    ("父は毎年確定申告をしている。", ["確定申告をしている"], []),
    ("所得税の確定申告は一度もしていない。", ["所得税の確定申告は一度もしていない"], []),
    ("医療費控除も受けていないようだ。", ["医療費控除も受けていない"], ["ようだ"]),
    ("令和3年度分の固定資産税について、時効が成立した。", ["令和3年度分の固定資産税", "時効"], []),
    ("市民税・県民税の所得割は課されていない。", ["市民税・県民税の所得割は課されていない"], []),
    ("住民税の特別徴収が止まり、普通徴収に切り替わった。", ["住民税の特別徴収", "普通徴収"], []),
    # tax-office sources
    ("税務課によると、父の住民税は未納。", ["税務課によると、父の住民税は未納"], []),
    (
        "収税課から聞いた話では、固定資産税の差押えが予定されている。",
        ["収税課から聞いた話では、固定資産税の差押え"],
        [],
    ),
    ("納税課によると、市税の滞納は約40万円。", ["納税課によると、市税の滞納は約40万円"], []),
    ("市民税課の情報では、長女は未申告。", ["市民税課の情報では、長女は未申告"], []),
    ("資産税課の情報では、本人名義の家屋はない。", ["資産税課の情報では、本人名義"], []),
    (
        "税務署によれば、父は所得税の確定申告をしていない。",
        ["税務署によれば、父は所得税の確定申告をしていない"],
        [],
    ),
    (
        "税務課に確認したところ、滞納はないとのこと。",
        ["税務課に確認したところ、滞納はない"],
        ["とのこと"],
    ),
    ("収税課が長男の給与の差押えを実施した。", ["収税課が長男の給与の差押えを実施"], []),
    ("収税課と本人とで納税相談を行った。", ["収税課と本人とで納税相談"], []),
    # the same facts told by the person or the family
    (
        "「固定資産税が払えていない」と本人が話した。",
        ["固定資産税が払えていない"],
        ["と本人が話した"],
    ),
    # Who told it, a clause before, may go with the mask (decoding for recall grows a mask
    # across a comma where the tagger is unsure); the next sentence stays readable.
    (
        "長女によると、母の住民税は非課税とのこと。次回は長女も出席する。",
        ["住民税は非課税"],
        ["次回は長女も出席する"],
    ),
    # The dunning came (a fact); 「督促が来るのが怖い」 alone is a fear, which the guideline
    # leaves clear, and the fifth round of writers taught the tagger so.
    ("本人は「市から税金の督促が来て怖い」と話す。", ["税金の督促"], ["と話す"]),
    # Words the rules once read as tax in general or as another debt, in facts about the
    # person: who owes a tax (納税義務者), a relief applied to them (定額減税), a deduction
    # named after an insurance premium (社会保険料控除).
    (
        "亡父名義の家屋は、固定資産税の納税義務者が長女に変わっている。",
        ["固定資産税の納税義務者が長女に変わっている"],
        [],
    ),
    (
        "母の市県民税は令和6年度、定額減税で0円になった。",
        ["市県民税は令和6年度、定額減税で0円"],
        [],
    ),
    ("父は確定申告で社会保険料控除を入れ忘れていた。", ["確定申告で社会保険料控除を入れ忘れ"], []),
    # a tax coordinated with a non-tax item, or next to one
    ("住民税と家賃を滞納している。", ["住民税と家賃を滞納"], []),
    ("水道料金の督促状と市県民税の督促状が届いた。", ["市県民税の督促状"], ["水道料金の督促状"]),
    ("家賃を5か月滞納しているほか、軽自動車税も未納。", ["軽自動車税も未納"], ["家賃を5か月滞納"]),
    ("保育料を分納しているほか、住民税も分納中。", ["住民税も分納中"], ["保育料を分納"]),
    ("住民税は非課税で、年金は月6万円のみ。", ["住民税は非課税"], ["年金は月6万円"]),
    # several facts in one sentence
    (
        "固定資産税は令和5年度分まで完納しているが、令和6年度第1期分が未納。",
        ["固定資産税は令和5年度分まで完納", "令和6年度第1期分が未納"],
        [],
    ),
    (
        "軽自動車税を毎年滞納しがちで、今年度分も未納とのこと。",
        ["軽自動車税を毎年滞納しがち", "今年度分も未納"],
        ["とのこと"],
    ),
]

NEGATIVE: list[str] = [
    # tax in general: a relief explained, not applied to the person
    "定額減税の仕組みを本人に説明した。",
    # 料, not 税
    "国民健康保険料を滞納している。",
    "後期高齢者医療保険料の滞納があり、短期証が交付された。",
    "介護保険料の減免について説明した。",
    "国民健康保険料の分納誓約を保険年金課と交わした。",
    "国保の保険料を3か月分滞納している。",
    # non-tax arrears
    "家賃を3か月滞納しており、大家から督促を受けている。",
    "水道料金の減免申請を行った。",
    "給食費が4か月分未納となっている。",
    "保育料が未納となっており、保育課から督促状が届いた。",
    "学童保育料の延滞金が発生している。",
    "携帯料金を滞納し、強制解約となった。",
    "電気代の未払いが続いている。",
    "家賃の滞納で差押えを受けた。",
    "裁判所から給与の差押命令が届いた。",
    "消費者金融からの督促が続いている。",
    "市営住宅の使用料を滞納している。",
    "借金の時効について法テラスに相談した。",
    "介護保険料は年金から特別徴収されており、滞納はない。",
    # self-reported income, pensions, benefits
    "本人の話では年収は約200万円。",
    "息子によると、父の年金は月12万円ほど。",
    "給与明細では手取りは月16万円。",
    "生活保護費は月約11万円。",
    "本人の申告では無収入とのこと。",
    "生活保護の収入申告書を提出した。",
    # tax in general
    "消費税が10%に上がってから家計が苦しい。",
    "消費税の増税で生活が苦しいと話す。",
    "税制改正について家族から質問があった。",
    "税制改正で扶養控除の範囲が見直されるという報道があった。",
    "ふるさと納税の返礼品が届いた。",
    "本人は「税金が高い」とこぼしていた。",
    "税金のことはよくわからないと話す。",
    "還付金詐欺の電話がかかってきたと民生委員から報告。",
    "会議では税情報を扱わないことを確認した。",
    "確定申告の時期になると、本人は不安が強くなる。",
    "本人は納税の義務について詳しく知りたいと話した。",
    # occupations and bodies
    "長男は税理士事務所で働いている。",
    "税務署に勤める息子がいる。",
    "叔父は元税務署職員である。",
    "市税事務所に勤める叔母が参加した。",
    "税務課職員が出席した。",
    "次回会議に税務課と収税課が出席する。",
    "出席は福祉総務課、税務課、社会福祉協議会。",
    "住宅政策課と税務課がそれぞれ状況を確認する。",
    # (Not here: 「税務課に相談に行くよう勧めた」. Going to the tax office about one's tax is a
    # plan that acts on it, like 納税相談に同行, and the corpus's writers mark it.)
    # other words that look taxed
    "軽自動車を手放したため、通院はバスで対応している。",
    "固定資産の管理について長男と話し合った。",
    "本人は土地と家屋を所有しているとのこと。",
    "国民健康保険の保険証の切り替えを忘れていた。",
]

EDGE_TRIM = re.compile(
    r"^[をがはもにでとのへや、。，．・：\s]|[をがはもにでとのへや、。，．・：\s]$"
)


def _covered(text: str, spans, needle: str) -> float:
    """Share of the first occurrence of needle that the spans cover."""
    start = text.index(needle)
    end = start + len(needle)
    hit = sum(1 for i in range(start, end) if any(s.start <= i < s.end for s in spans))
    return hit / len(needle)


def _at_edge(text: str, needle: str, facts: list[str]) -> bool:
    """Whether needle stands at a fact's edge: at most a few characters away, no comma between."""
    start = text.index(needle)
    end = start + len(needle)
    for fact in facts:
        f_start = text.index(fact)
        f_end = f_start + len(fact)
        gap = text[end:f_start] if end <= f_start else text[f_end:start]
        if len(gap) <= 4 and not any(mark in gap for mark in "、。"):
            return True
    return False


@pytest.mark.parametrize(("text", "masked", "kept"), POSITIVE, ids=[c[0][:16] for c in POSITIVE])
def test_positive(text, masked, kept):
    spans = find_tax_spans(text)
    for needle in masked:
        assert _covered(text, spans, needle) >= 0.9, (
            needle,
            [text[s.start : s.end] for s in spans],
        )
    for needle in kept:
        # Words right at a fact's edge (an owner 「本人の」, a tail 「となっている」) are outside
        # the guideline's span but may go with the mask: decoding for recall takes in the
        # words the tagger is unsure about at the edges, where partial masks leaked facts.
        # Anything further away, another clause or another fact, stays readable.
        if _at_edge(text, needle, masked):
            continue
        assert _covered(text, spans, needle) == 0, (needle, [text[s.start : s.end] for s in spans])


@pytest.mark.parametrize("text", NEGATIVE, ids=[t[:16] for t in NEGATIVE])
def test_negative(text):
    assert [text[s.start : s.end] for s in find_tax_spans(text)] == []


@pytest.mark.parametrize("text", [c[0] for c in POSITIVE], ids=[c[0][:16] for c in POSITIVE])
def test_span_edges_have_no_particles_or_punctuation(text):
    for sp in find_tax_spans(text):
        assert not EDGE_TRIM.search(text[sp.start : sp.end]), text[sp.start : sp.end]


def test_offsets_are_code_points():
    text = "𠮷野さんの住民税は未納。"  # 𠮷 is outside the BMP: one code point, two UTF-16 units
    (sp,) = find_tax_spans(text)
    assert text[sp.start : sp.end].endswith("住民税は未納")
    # Counted in UTF-16 units, the end would fall one character past the fact, on 「。」.
    assert sp.end == text.index("。")


def test_deterministic():
    text = "税務課によると、固定資産税の滞納が約35万円ある。家賃は完納。"
    assert all(find_tax_spans(text) == find_tax_spans(text) for _ in range(3))
