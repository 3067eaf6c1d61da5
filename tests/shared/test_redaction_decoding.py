"""How the redactor turns the tagger's scores and the rules' spans into masks."""

from __future__ import annotations

import pytest

from kasane_shared.redaction import find_tax_spans
from kasane_shared.redaction.features import analyse
from kasane_shared.redaction.rules import find_rule_spans
from kasane_shared.redaction.spans import Span
from kasane_shared.redaction.tagger import _through_ending


def _masked(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_tax_spans(text)]


@pytest.mark.parametrize(
    ("text", "fact", "carried"),
    [
        # A spoken ending closes the sentence: it carries the status, so it is masked too.
        (
            "「軽の税金、毎年滞納してら」と次男。",
            "軽の税金、毎年滞納して",
            "軽の税金、毎年滞納してら",
        ),
        ("「税金の紙、来とるんやざ」", "税金の紙、来とる", "税金の紙、来とるんやざ"),
        ("住民税、払っとらんのだわ。", "住民税、払っとらん", "住民税、払っとらんのだわ"),
        # Connectives, report endings and lone particles stay outside: the sentence reads on.
        ("住民税を滞納しているため、分納。", "住民税を滞納している", "住民税を滞納している"),
        ("住民税を滞納しているとのこと。", "住民税を滞納している", "住民税を滞納している"),
        ("住民税は非課税で、", "住民税は非課税", "住民税は非課税"),
        ("住民税が未納です。", "住民税が未納", "住民税が未納"),
        # Only kana up to a clause's end counts; a word that goes on is not an ending.
        ("住民税が未納なので相談", "住民税が未納", "住民税が未納"),
    ],
)
def test_a_mask_runs_through_the_spoken_ending_of_its_sentence(text, fact, carried):
    start = text.index(fact)
    span = _through_ending(text, Span(start, start + len(fact)))
    assert text[span.start : span.end] == carried


def test_speech_written_in_kana_is_tagged():
    text = "くるまの ぜいきん まだ はらってねって 役場から はがき きた"
    assert analyse(text), "a unit in kana only must be cued for the tagger"
    fact = "ぜいきん まだ はらってね"
    start = text.index(fact)
    end = start + len(fact)
    covered = sum(max(0, min(s.end, end) - max(s.start, start)) for s in find_tax_spans(text))
    assert covered >= 0.9 * len(fact)


@pytest.mark.parametrize(
    "text",
    [
        "非課税世帯向け給付金のお知らせ（全戸配布）",
        "「住民税非課税世帯なら何かもらえるの？」と本人から質問。市の給付制度の一覧を渡した。",
        "所得割という言葉の意味を説明した。",
    ],
)
def test_a_rule_span_the_tagger_does_not_back_is_not_masked(text):
    assert find_rule_spans(text), "the case must hold a rule span to mean anything"
    assert find_tax_spans(text) == []


def test_a_rule_span_the_tagger_doubts_is_masked():
    text = "住民税と家賃を滞納している。"
    assert "住民税と家賃を滞納" in "".join(_masked(text))


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A status after a sentence about another debt, with no tax named since: not tax.
        (
            "後期高齢者医療保険料・介護保険料ともに特別徴収（年金天引き）。普通徴収分の未納なし。",
            [],
        ),
        ("後期高齢者医療保険料は普通徴収。2期分が未納で督促状が届いている。", []),
        # The same status after a sentence about a tax is the tax's.
        ("国保税は特別徴収。普通徴収分の未納なし。", ["国保税は特別徴収", "普通徴収分の未納なし"]),
        # A tax named in its own sentence is masked whatever came before.
        ("家賃は3か月滞納。住民税も未納。", ["住民税も未納"]),
    ],
)
def test_a_status_told_after_another_debt_is_left_clear(text, masked):
    assert _masked(text) == masked
