"""Wire agenda's or minutes' integrity: keys from identity, audit heads anchored at identity.

Both come over HTTP with the service's own client credentials (``integrity:keys`` and
``audit:anchor``), resolved at the time of use, so suite mode and tests can route the calls
(or, in suite mode, hand the keys over in process: ``ServiceKeys.local``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from kasane_shared.audit_anchor import Anchorer, anchor_sender
from kasane_shared.integrity import ServiceKeys, keys_unavailable
from kasane_shared.settings import Settings


def wire_service_integrity(app: FastAPI, service: str, model: Any, settings: Settings) -> None:
    """Give the app's database its keys and its anchorer, and the audit API its anchor source."""
    state, db = app.state, app.state.db

    def token() -> str:
        source = getattr(state, "service_tokens", None)
        if source is None:
            raise keys_unavailable()
        return source.token()

    db.keys = ServiceKeys(service, lambda: state.identity.integrity_keys(token()))
    db.anchorer = Anchorer(
        anchor_sender(
            db, model, lambda seq, head, keyed: state.identity.anchor(token(), seq, head, keyed)
        ),
        settings.audit_anchor_seconds,
    )
    state.audit_anchor = lambda session: state.identity.latest_anchor(token())


__all__ = ["wire_service_integrity"]
