"""Questions and answers across units: a status said a turn after the question that names it.

In transcripts and Q&A records the tax is named in the question (「住民税は払えていますか。」)
and the answer holds only the status (「まだ払うとらん」). A unit after a question that ties to
tax is marked as its answer, so the tagger can learn that such a status is a tax fact.
"""

from __future__ import annotations

import re

# A turn's speaker label (「Q：」「問）」「質問:」) or a question mark asks; so does a sentence
# that ends on an asking particle, as spoken questions often lack the mark.
_LABELLED_QUESTION = re.compile(r"^\s*(?:Q|Ｑ|問|質問)\s*[0-9０-９]*\s*[:：)）.．]")
_ASKING_END = re.compile(
    r"(?:ですか|ますか|でしょうか|ませんか|んですか|のか|かね|かな|んか|とか)"
    r"[\s」』）)。.…ー〜～]*$"
)
# How many units after a question count as its answer: the answer's own first sentence.
# A reach of three caught no more on writers held out (w34, w36, w18: 0.764 either way).
ANSWER_REACH = 1


def is_question(unit: str) -> bool:
    """Whether a unit asks: a question mark, a question label, or an asking final particle."""
    text = unit.strip()
    if not text:
        return False
    return (
        "?" in text
        or "？" in text
        or bool(_LABELLED_QUESTION.match(text) or _ASKING_END.search(text))
    )


def answer_context(unit_texts: list[str], taxy: list[bool]) -> list[str | None]:
    """Per unit: "q:tax"/"q:other" for a question, "aq:tax"/"aq:other" for the units that
    answer one (up to ANSWER_REACH, until the next question), None elsewhere.

    taxy: whether each unit holds a word that ties it to tax. Blank units are skipped.
    """
    out: list[str | None] = [None] * len(unit_texts)
    asked: str | None = None
    left = 0
    for k, text in enumerate(unit_texts):
        if not text.strip():
            continue
        if is_question(text):
            asked = "tax" if taxy[k] else "other"
            out[k] = f"q:{asked}"
            left = ANSWER_REACH
        elif asked is not None and left > 0:
            out[k] = f"aq:{asked}"
            left -= 1
    return out
