"""The auditor's page: the audit log with filters, and each chain's verification result."""

from __future__ import annotations

from datetime import datetime, time

from fastapi import APIRouter
from fastapi.responses import Response

from kasane_shared.wareki import JST
from web.audit import service
from web.core.errors import ApiError, FormErrors
from web.core.page import SignedIn, render, role_page

router = APIRouter(prefix="/audit", dependencies=[role_page("auditor")])


@router.get("")
def audit_log(
    page: SignedIn,
    service_name: str = "",
    action: str = "",
    actor_id: str = "",
    since: str = "",
    limit: str = "100",
) -> Response:
    """Filtered entries of the identity, agenda and minutes chains."""
    errors = FormErrors()
    chosen = (service_name,) if service_name in service.SERVICES else service.SERVICES
    since_iso = ""
    if since:
        try:
            since_iso = datetime.combine(
                datetime.fromisoformat(since).date(), time(0, 0), JST
            ).isoformat()
        except ValueError:
            errors.add("since", page.t("audit.err_since"))
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        errors.add("limit", page.t("audit.err_limit"))
    rows: list = []
    if not errors:
        try:
            rows = service.entries(
                page.api,
                chosen,
                {
                    "action": action.strip(),
                    "actor_id": actor_id.strip(),
                    "since": since_iso,
                    "limit": limit,
                },
            )
        except ApiError as error:
            if error.status != 422:
                raise
            errors = FormErrors.from_api(
                error,
                {"action": "action", "actor_id": "actor_id", "since": "since", "limit": "limit"},
            )
    return render(
        page,
        "audit/log.html",
        status=422 if errors else 200,
        errors=errors or None,
        nav="audit",
        page_title=page.t("audit.title"),
        rows=rows,
        verification=service.verification(page.api),
        names=service.names(page.api),
        services=service.SERVICES,
        filters={
            "service_name": service_name,
            "action": action,
            "actor_id": actor_id,
            "since": since,
            "limit": limit,
        },
    )
