"""The auditor's pages: the audit log of the three services in words, its CSV, its verification."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from urllib.parse import quote, urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from kasane_shared.audit_names import EVENTS, GROUPS, TARGETS
from kasane_shared.wareki import JST
from web.audit import service
from web.audit.labels import Labeller
from web.core.errors import ApiError, FormErrors
from web.core.page import Page, SignedIn, render, role_page

router = APIRouter(prefix="/audit", dependencies=[role_page("auditor")])
PER_PAGE = ("20", "50", "100")


def _day(value: str, field: str, errors: FormErrors, page: Page, *, end: bool = False) -> str:
    """A date field as the ISO moment the services filter on (JST; an end day is inclusive)."""
    if not value:
        return ""
    try:
        day = datetime.fromisoformat(value).date()
    except ValueError:
        errors.add(field, page.t("audit.err_date"))
        return ""
    return datetime.combine(day + timedelta(days=1 if end else 0), time(0, 0), JST).isoformat()


def _search(page: Page, query: dict[str, str]) -> tuple[service.Search, FormErrors]:
    errors = FormErrors()
    since = _day(query["since"], "since", errors, page)
    until = _day(query["until"], "until", errors, page, end=True)
    if since and until and until <= since:
        errors.add("until", page.t("audit.err_period"))
    per_page = query["per_page"] if query["per_page"] in PER_PAGE else "50"
    chosen = query["service_name"]
    search = service.Search(
        filters={
            "action": query["action"].strip()[:64],
            "actor_id": query["actor_id"].strip()[:64],
            "target_type": query["target_type"] if query["target_type"] in TARGETS else "",
            "target_id": query["target_id"].strip()[:64],
            "since": since,
            "until": until,
        },
        services=(chosen,) if chosen in service.SERVICES else service.SERVICES,
        per_page=int(per_page),
    )
    return search, errors


def _event_options(page: Page) -> list[tuple[str, list[tuple[str, str]]]]:
    """Events grouped for the select: a whole group, then each event of it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in EVENTS:
        groups.setdefault(code.split(".", 1)[0], []).append(
            (code, page.t("audit.event_option", name=EVENTS[code][1 if page.lang == "en" else 0]))
        )
    return [
        (
            GROUPS[g][1 if page.lang == "en" else 0],
            [(f"{g}.", page.t("audit.all_of_group"))] + codes,
        )
        for g, codes in groups.items()
        if g in GROUPS
    ]


@router.get("")
def audit_log(
    page: SignedIn,
    since: str = "",
    until: str = "",
    actor_id: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    service_name: str = "",
    per_page: str = "50",
    s: str = "",
    c: str = "",
) -> Response:
    """The audit log: filters by period, person, event and target; newest first; pages."""
    query = {
        "since": since,
        "until": until,
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "service_name": service_name,
        "per_page": per_page,
    }
    search, errors = _search(page, query)
    names = service.names(page.api)
    rows: list = []
    next_url = ""
    if not errors:
        rows, next_url = _run(page, search, query, names, (s, c))
    return render(
        page,
        "audit/log.html",
        status=422 if errors else 200,
        errors=errors or None,
        nav="audit",
        page_title=page.t("audit.title"),
        rows=rows,
        names=names,
        filters=query,
        target_label=_target_label(page, query, rows),
        event_options=_event_options(page),
        target_options=[(k, page.t(f"audit.target_{k}")) for k in TARGETS if k != "audit_search"],
        next_url=next_url,
        paged=bool(c),
        first_url="/audit?" + urlencode({k: v for k, v in query.items() if v}),
        clear_target_url="/audit?"
        + urlencode(
            {k: v for k, v in query.items() if v and k not in ("target_id", "target_type")}
        ),
        export_url="/audit/export.csv?" + urlencode({k: v for k, v in query.items() if v}),
    )


def _run(
    page: Page,
    search: service.Search,
    query: dict[str, str],
    names: dict[str, str],
    position: tuple[str, str],
) -> tuple[list, str]:
    """One page of the search: a next page reuses the recorded search; a new one records it."""
    search_id, cursor = position
    search.cursor = service.decode_cursor(cursor) if search_id else {}
    search.search_id = search_id if search.cursor else ""
    try:
        if not search.search_id:
            raise LookupError
        found, following = service.page(page.api, search)
    except (LookupError, ApiError) as error:
        if isinstance(error, ApiError) and error.code != "unknown_search":
            raise
        search.cursor = {}
        search.search_id = service.start(page.api, search, query["service_name"])
        found, following = service.page(page.api, search)
    labeller = Labeller(
        page.t, page.lang, names, service.related(page.api, search.search_id, found)
    )
    next_url = ""
    if following is not None:
        params = {k: v for k, v in query.items() if v}
        params |= {"s": search.search_id, "c": service.encode_cursor(following)}
        next_url = "/audit?" + urlencode(params)
    return [labeller.row(e) for e in found], next_url


def _target_label(page: Page, query: dict[str, str], rows: list) -> str:
    if not query["target_id"]:
        return ""
    return next(
        (r["target"] for r in rows if r["target_id"] == query["target_id"]),
        page.t("audit.one_target"),
    )


@router.get("/verify")
def verify(page: SignedIn) -> Response:
    """Check every chain for tampering (recorded once, like a search)."""
    search = service.Search(filters={})
    search_id = service.start(page.api, search, "", purpose="verify")
    return render(
        page,
        "audit/verify.html",
        nav="audit",
        page_title=page.t("audit.verify"),
        verification=service.verification(page.api, search_id),
    )


@router.get("/export.csv")
def export_csv(
    page: SignedIn,
    since: str = "",
    until: str = "",
    actor_id: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    service_name: str = "",
) -> Response:
    """The same search as a CSV file (UTF-8 with BOM, so Excel reads the Japanese)."""
    query = {
        "since": since,
        "until": until,
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "service_name": service_name,
        "per_page": "100",
    }
    search, errors = _search(page, query)
    if errors:
        return audit_log(page, **{k: v for k, v in query.items()})
    search.search_id = service.start(page.api, search, service_name, purpose="export")
    entries = service.everything(page.api, search)
    labeller = Labeller(
        page.t,
        page.lang,
        service.names(page.api),
        service.related(page.api, search.search_id, entries),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            page.t(f"audit.csv_{c}")
            for c in ("when", "service", "seq", "actor", "event", "target", "outcome", "details")
        ]
    )
    for entry in entries:
        row = labeller.row(entry)
        details = "、".join(f"{label}: {value}" for label, value in row["details"])
        writer.writerow(
            [
                row["when"],
                row["service"],
                row["seq"],
                row["actor"],
                row["event"],
                row["target"],
                row["outcome"],
                details,
            ]
        )
    stamp = datetime.now(JST).strftime("%Y%m%d-%H%M")
    name = page.t("audit.csv_name", stamp=stamp)
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"audit-{stamp}.csv\"; filename*=UTF-8''{quote(name)}"
            )
        },
    )
