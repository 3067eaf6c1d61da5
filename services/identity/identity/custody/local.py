"""Key custody for the other services of this process (suite mode): unwrap without HTTP.

A member's agenda view opens about forty wraps. Over the in-process ASGI call, identity's
own work (token, live session, pledge, unwrap, audit) was an eighth of the call; the rest
was request machinery and the JSON of the wraps and keys. In suite mode the composition
root (``kasane.suite``) hands agenda and minutes this object instead, so that call runs the
same checks in the same order on identity's own database, and audits the same entry. Split
deployments keep ``POST /keys/unwrap``; agenda and minutes never import identity.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from identity.custody import service
from identity.custody.schemas import UnwrapRequest
from identity.deps import get_current_member
from identity.integrity.rows import TamperedRow
from identity.integrity.service import report_tampering
from kasane_shared.auth.deps import verified_claims
from kasane_shared.crypto import DataKey
from kasane_shared.errors import KasaneError


class LocalUnwrap:
    """``POST /keys/unwrap`` with ``pledge_kind``, as a call: same checks, same audit."""

    def __init__(self, state: Any) -> None:
        self.state = state  # identity's app state: settings, database, KEK, token verifier

    def __call__(
        self, token: str, wrapped: list[str], kind: str
    ) -> tuple[bool, list[DataKey | None]]:
        """Whether the token's member holds a valid pledge for ``kind`` now, and the data
        keys of their wraps (``None`` where refused; every one ``None`` without the pledge)."""
        try:
            request = UnwrapRequest(wrapped=wrapped, pledge_kind=kind)
        except ValidationError as error:
            raise KasaneError(
                422, "validation_error", "鍵の要求が正しくありません。", "Invalid key request."
            ) from error
        claims = verified_claims(self.state.token_verifier, token)
        db = self.state.db
        try:
            with db.session() as session:
                member = get_current_member(claims, session, self.state.settings)
                pledged, opened = service.open_wraps_if_pledged(
                    session, self.state.kek, member, request.wrapped, request.pledge_kind
                )
        except TamperedRow as error:
            # As identity's handler does for a request: rolled back, then audited apart.
            report_tampering(db, error.kind, error.row_id)
            raise
        return bool(pledged), [key for key, _ in opened]
