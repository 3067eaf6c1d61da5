"""Language choice: Japanese first, English when the reader asks for it."""

from __future__ import annotations

from typing import Literal

Lang = Literal["ja", "en"]


def negotiate(accept_language: str | None, query_lang: str | None = None) -> Lang:
    """Pick ``en`` only when the reader prefers English; everything else reads Japanese."""
    if query_lang in ("ja", "en"):
        return query_lang
    best: tuple[float, Lang] = (0.0, "ja")
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        lang: Lang | None = "en" if tag.startswith("en") else "ja" if tag.startswith("ja") else None
        if lang and quality > best[0]:
            best = (quality, lang)
    return best[1]
