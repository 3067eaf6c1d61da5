"""Questions and the answers after them (dialogue.py): the tagger's turn-taking context."""

from __future__ import annotations

import pytest

from kasane_shared.redaction.dialogue import ANSWER_REACH, answer_context, is_question

QUESTIONS = [
    ("住民税は払えていますか。", True),
    ("固定資産税の通知は届いていますか", True),
    ("税金の方はどうでしょうか。", True),
    ("Q：軽自動車税は？", True),
    ("Ｑ１．国保税の納付状況", True),
    ("問）督促状は来ていない", True),
    ("質問：申告はしたか", True),
    ("車の税金はまだ払ってないんか", True),
    ("分納の約束はしとるんかね", True),
    ("住民税は払っている。", False),
    ("まだ払うとらん", False),
    ("答：来月から分納です。", False),
    ("問題は家賃の滞納だ。", False),
    ("", False),
]


@pytest.mark.parametrize(("unit", "asks"), QUESTIONS)
def test_is_question(unit: str, asks: bool) -> None:
    assert is_question(unit) is asks


def test_an_answer_follows_a_question_that_names_a_tax() -> None:
    units = ["住民税は払えていますか。", "\n", "「まだ払うとらん」", "家賃は払っている。"]
    taxy = [True, False, False, False]
    after = None if ANSWER_REACH == 1 else "aq:tax"
    assert answer_context(units, taxy) == ["q:tax", None, "aq:tax", after]


def test_an_answer_to_another_question_is_marked_as_such() -> None:
    turns = answer_context(["体調はどうですか。", "腰が痛い。"], [False, False])
    assert turns == ["q:other", "aq:other"]


def test_the_answer_ends_at_the_next_question() -> None:
    units = ["住民税は？", "体調はどうですか。", "まあまあ。"]
    assert answer_context(units, [True, False, False]) == ["q:tax", "q:other", "aq:other"]


def test_the_reach_of_an_answer_is_bounded() -> None:
    units = ["住民税は払えていますか。", *(["払っとらん。"] * (ANSWER_REACH + 2))]
    turns = answer_context(units, [True] + [False] * (ANSWER_REACH + 2))
    assert turns[1 : ANSWER_REACH + 1] == ["aq:tax"] * ANSWER_REACH
    assert turns[ANSWER_REACH + 1 :] == [None, None]


def test_text_without_questions_has_no_turns() -> None:
    assert answer_context(["父は住民税を滞納。", "母は入院中。"], [True, False]) == [None, None]
