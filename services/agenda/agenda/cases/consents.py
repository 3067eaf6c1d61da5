"""Correcting a consent entered in error (a wrong date, scope or case): not a withdrawal.

A withdrawal is the person taking their consent back. An entry made in error is the
office's mistake: it is recorded as a correction (who, when, which kind of mistake), and
the corrected values become a new consent that points back to it. Keys are taken back
only where the correction narrows what the active consent allowed.
"""

from __future__ import annotations

from agenda import access
from agenda.audit import record
from agenda.cases.consent_refs import seal_reference
from agenda.cases.models import Case, Consent
from agenda.cases.schemas import ConsentCorrect
from agenda.cases.service import check_organizations
from agenda.cases.withdrawal import take_back_from_minutes
from agenda.keys.service import KeyContext
from agenda.minutes_client import MinutesClient
from kasane_shared.db import new_id, utcnow
from kasane_shared.errors import conflict, not_found


def consent_of(ctx: KeyContext, case: Case, consent_id: str) -> Consent:
    """One consent of this case or a 404."""
    consent = ctx.session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id:
        raise not_found("同意", "Consent")
    return consent


def _narrower(old: Consent, new: Consent | None) -> bool:
    if new is None:
        return True
    lost_orgs = set(old.organization_ids) - set(new.organization_ids)
    return bool(lost_orgs) or (old.covers_tax and not new.covers_tax)


def correct(
    ctx: KeyContext, minutes: MinutesClient, case: Case, consent_id: str, data: ConsentCorrect
) -> tuple[Consent, Consent | None, list[dict]]:
    """Record the correction; the corrected values (if any) become the consent on file."""
    consent = consent_of(ctx, case, consent_id)
    if consent.withdrawn_at is not None or consent.corrected_at is not None:
        raise conflict(
            "consent_closed",
            "撤回または訂正済みの同意は訂正できません。",
            "A withdrawn or already corrected consent cannot be corrected.",
        )
    was_active = access.active_consent(ctx.session, case.id) is consent
    replacement = None
    if data.replacement is not None:
        given = data.replacement
        check_organizations(ctx, list(given.organization_ids), "replacement.organization_ids")
        replacement = Consent(
            id=new_id(),
            case_id=case.id,
            obtained_on=given.obtained_on,
            organization_ids=list(dict.fromkeys(given.organization_ids)),
            covers_tax=given.covers_tax,
            obtained_by=given.obtained_by,
            created_by=ctx.caller.id,
            corrects_id=consent.id,
        )
        ctx.session.add(replacement)
        ctx.session.flush()
        seal_reference(ctx, replacement, given.form_reference)
    consent.corrected_at, consent.corrected_by = utcnow(), ctx.caller.id
    consent.correction_reason = data.reason
    consent.replaced_by = replacement.id if replacement else None
    ctx.session.flush()
    narrowed = was_active and _narrower(consent, replacement)
    warnings = access.revoke_for_withdrawal(ctx, case) if narrowed else []
    warnings += access.sync_case(ctx, case)
    if narrowed:  # the minutes' keys follow the narrower consent (or none)
        warnings += take_back_from_minutes(ctx, minutes, case, consent)[1]
    record(
        ctx.session,
        "consent.correct",
        ctx.caller.id,
        "consent",
        consent.id,
        case_id=case.id,
        reason=data.reason,
        replaced_by=consent.replaced_by,
        narrowed=bool(narrowed),
    )
    return consent, replacement, warnings
