"""Agenda's refusals, Japanese first."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from agenda.scheduling.common import SchedulingError
from kasane_shared.errors import FieldError, KasaneError, conflict, not_found, problem_response


def invalid(field: str, ja: str, en: str) -> KasaneError:
    """A 422 about one field."""
    return KasaneError(
        422,
        "invalid_input",
        "入力内容に誤りがあります。",
        "The input is not valid.",
        errors=[FieldError(field, ja, en)],
    )


def case_not_found() -> KasaneError:
    """No such case (or not yours to see)."""
    return not_found("事例", "Case")


def meeting_not_found() -> KasaneError:
    """No such meeting (or not yours to see)."""
    return not_found("会議", "Meeting")


def item_not_found() -> KasaneError:
    """No such agenda item."""
    return not_found("議題", "Agenda item")


def content_locked() -> KasaneError:
    """The caller's keys do not open this record's content."""
    return conflict(
        "content_locked",
        "この内容を開く鍵がありません（誓約書の有効期限などを確認してください）。",
        "Your keys do not open this content (check your pledge).",
    )


def tax_access_required() -> KasaneError:
    """Full-text work on tax data needs the tax audience open."""
    return conflict(
        "tax_access_required",
        "税情報を含む全文を開く鍵がないため、この操作はできません。",
        "Your keys do not open the full text with tax data, so this cannot be done.",
    )


def consent_required() -> KasaneError:
    """A 重層的支援会議 item needs an active consent (trust rule 2)."""
    return conflict(
        "consent_required",
        "この事例には有効な本人同意がないため、重層的支援会議の議題にできません。",
        "This case has no active consent, so it cannot be put on a multi-layered support "
        "conference agenda.",
    )


def meeting_cancelled() -> KasaneError:
    """A cancelled meeting is not distributed."""
    return conflict(
        "meeting_cancelled",
        "この会議は中止されているため、議題を配布できません。",
        "This meeting is cancelled; its agenda cannot be distributed.",
    )


def schedule_refused(error: SchedulingError) -> KasaneError:
    """Times the scheduling rules refuse (an end before the start…): a 422, never a 500."""
    return KasaneError(422, "invalid_schedule", error.ja, error.en)


def install_agenda_errors(app: FastAPI) -> None:
    """Answer the scheduling rules' refusals as problems wherever a route meets them."""

    @app.exception_handler(SchedulingError)
    async def _scheduling(request: Request, exc: SchedulingError) -> JSONResponse:
        return problem_response(request, schedule_refused(exc))
