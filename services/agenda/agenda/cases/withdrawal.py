"""A consent withdrawn or narrowed reaches the minutes: their keys follow what agenda decides.

Agenda re-keys its own records first (``access.revoke_for_withdrawal``); then it tells minutes,
with the coordinator's token, who may still read each agenda item of the case. Minutes
deletes the other wraps of those items' tax blocks (and 重層的支援会議 content) and seals
them again under fresh data keys. If minutes cannot be reached the withdrawal is refused
(503) and nothing is recorded, so a consent never reads as withdrawn while the minutes
still hand out its keys.
"""

from __future__ import annotations

from agenda.cases.models import Case, Consent
from agenda.entitlements.service import case_access
from agenda.keys.service import KeyContext
from agenda.minutes_client import MinutesClient


def take_back_from_minutes(
    ctx: KeyContext, minutes: MinutesClient, case: Case, consent: Consent
) -> tuple[int, list[dict]]:
    """Narrow the minutes' keys of the case to what the consents on file allow now."""
    body = {"consent_id": consent.id, "items": case_access(ctx.session, case.id)}
    answer = minutes.consent_withdrawal(ctx.caller.token, case.id, body)
    return answer.get("removed", 0), list(answer.get("warnings") or [])
