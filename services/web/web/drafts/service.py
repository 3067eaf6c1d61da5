"""Which forms keep drafts, and keeping, restoring and discarding them at identity.

The choice (see README "Threat model"): the draft lives server-side, sealed to the
member's own key inside identity (option a), not in the browser. Browser storage would hold
case content on a shared PC, and browser-side encryption would still need the server to
hand the key back, plus JavaScript, which these pages never require. Here the web pages
only pass the fields through: they keep them by the session cookie (so a POST that arrives
after the time-out still keeps its text) and restore them with the member's own token, so
the next person signing in on the same PC opens nothing of the previous one's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from web.core import csrf
from web.core.api import Api
from web.core.errors import ApiError

_ID = r"[A-Za-z0-9_-]{1,64}"
# A long form's POST path → the page that shows it again.
FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"/meetings/(?P<id>{_ID})/minutes"), "/meetings/{id}/minutes"),
    (re.compile(rf"/meetings/(?P<id>{_ID})/items"), "/meetings/{id}/manage"),
    (re.compile(r"/cases/new"), "/cases/new"),
    (re.compile(rf"/cases/(?P<id>{_ID})/edit"), "/cases/{id}/edit"),
    (re.compile(rf"/cases/(?P<id>{_ID})/plans/new"), "/cases/{id}/plans/new"),
)
# Fields that are never part of a draft.
SKIPPED = (csrf.FIELD, "draft_form")


def page_of(form_path: str) -> str | None:
    """The page showing a draft-keeping form posted to ``form_path`` (None: not one)."""
    for pattern, page in FORMS:
        found = pattern.fullmatch(form_path)
        if found:
            return page.format(**found.groupdict())
    return None


def fields_of(form: Any) -> list[tuple[str, str]]:
    """What a submitted form would have saved: every text field but the CSRF token."""
    items = form.multi_items() if hasattr(form, "multi_items") else list(form.items())
    return [(k, v) for k, v in items if isinstance(v, str) and k not in SKIPPED][:400]


def keep(api: Api, form_path: str, form: Any) -> bool:
    """Keep a form's fields, sealed for the member of this browser's session (even timed out)."""
    fields = fields_of(form)
    if page_of(form_path) is None or not any(value.strip() for _, value in fields):
        return False
    api.by_cookie("POST", "/identity/drafts", json={"form": form_path, "fields": fields})
    return True


@dataclass(frozen=True)
class Restored:
    """A draft opened for its writer: the form as it was, which form, and when it was kept."""

    data: FormData
    form: str
    kept_at: str


def restore(api: Api, form_path: str) -> Restored | None:
    """My own draft of this form, as the form it was (None: there is none)."""
    try:
        kept = api.post("/identity/drafts/open", {"form": form_path})
    except ApiError as error:
        if error.status in (404, 409, 422):
            # None kept, or one that no longer opens: the page works as if there were none.
            return None
        raise
    data = FormData([(str(name), str(value)) for name, value in kept["fields"]])
    return Restored(data, form_path, str(kept["kept_at"]))


def discard(api: Api, form_path: str) -> None:
    """Delete my draft of this form (it was saved, or thrown away)."""
    try:
        api.post("/identity/drafts/discard", {"form": form_path})
    except ApiError as error:
        if error.status >= 500:
            raise
