"""A consent's form reference (同意書の番号) is case content: sealed for coordinators.

The number leads to the signed paper form, which names the person. It is sealed under its
own data key for the coordinator who entered it and escrow; other coordinators get it by
grant on first open, like a case's content. Members never see consents.
"""

from __future__ import annotations

from collections.abc import Sequence

from agenda.cases.models import Consent
from agenda.keys.service import CONTENT, KINDS, KeyContext, ensure_coordinator_access, open_each
from agenda.keys.service import seal as seal_record


def seal_reference(
    ctx: KeyContext, consent: Consent, reference: str | None, *, author: bool = True
) -> None:
    """Seal the form reference (nothing to seal when none was given)."""
    if not reference:
        return
    seal_record(
        ctx,
        consent,
        {CONTENT: {"form_reference": reference}},
        {CONTENT: [(ctx.caller.id, k, "author") for k in KINDS] if author else []},
    )


def open_references(ctx: KeyContext, consents: Sequence[Consent]) -> dict[str, str]:
    """The form references the coordinator's keys open (one batched unwrap; failures audited)."""
    sealed = [c for c in consents if (c.escrow_wraps or {}).get(CONTENT)]
    if not sealed:
        return {}
    ensure_coordinator_access(ctx, sealed)
    opened, _ = open_each(ctx, sealed, (CONTENT,), KINDS)
    return {
        c.id: opened[(c.id, CONTENT)]["form_reference"] for c in sealed if (c.id, CONTENT) in opened
    }
