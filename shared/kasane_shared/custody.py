"""Client side of identity's key custody and directory, for the agenda and minutes services.

Services reach identity over HTTP in both modes (suite and split), except for unwrapping in
suite mode, which calls identity's ``LocalUnwrap`` in the same process. Only identity opens a
member's private key: a service holding a member's wraps sends them with that member's own
token and gets data keys back only if identity agrees the member is entitled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from kasane_shared.auth.liveness import LiveSession
from kasane_shared.crypto import DataKey, Recipient, from_text
from kasane_shared.errors import KasaneError
from kasane_shared.grants import Statement
from kasane_shared.overload import ensure_client_present
from kasane_shared.service_client import ServiceClient

BATCH = 500
log = logging.getLogger("kasane.custody")


@dataclass(frozen=True)
class Grant:
    """A rewrap result: the member's new wrap, or the reason identity refused."""

    member_id: str
    conference_kind: str
    wrapped: str | None
    key_version: int | None
    error: str | None


def unproven_grant() -> KasaneError:
    """Identity refused a grant whose statement did not hold: passed on as it is (409)."""
    return KasaneError(
        409,
        "integrity_failure",
        "鍵の付与の根拠を認証サービスが確認できなかったため、鍵を付与しませんでした。"
        "管理者に連絡してください。",
        "The identity service could not verify the grounds of a key grant; no key was "
        "granted. Contact an administrator.",
    )


class LocalUnwrap(Protocol):
    """Identity's unwrap called in this process (suite mode; wired by ``kasane.suite``)."""

    def __call__(
        self, token: str, wrapped: list[str], kind: str
    ) -> tuple[bool, list[DataKey | None]]: ...


class IdentityClient(ServiceClient):
    """Calls identity with the caller's token.

    ``local_unwrap``: in suite mode, identity's unwrap in this process, called instead of
    ``POST /keys/unwrap`` (the same checks and audit without the HTTP machinery around them).
    """

    service_ja, service_en, code = "認証サービス", "identity service", "identity_unavailable"

    def __init__(self, http: Any, base_url: str, local_unwrap: LocalUnwrap | None = None) -> None:
        super().__init__(http, base_url)
        self.local_unwrap = local_unwrap

    def session(self, token: str) -> LiveSession | None:
        """The caller's open session as identity holds it now, or None when it has ended."""
        try:
            return LiveSession.from_json(self._call("GET", "/session", token))
        except KasaneError as error:
            if error.status == 401:
                return None
            raise

    def me(self, token: str) -> dict[str, Any]:
        """The caller as identity knows them (live session checked)."""
        return self._call("GET", "/me", token)

    def audit_search_filters(self, token: str, search_id: str) -> dict[str, str] | None:
        """The filters of the caller's (an auditor's) recorded search, or None without one."""
        try:
            response = self.http.request(
                "GET",
                f"{self.base}/audit/searches/{quote(search_id, safe='')}",
                headers={"Authorization": f"Bearer {token}"},
            )
        except (httpx.HTTPError, OSError) as error:
            raise self.unavailable() from error
        if response.status_code in (403, 404):
            return None
        if response.status_code != 200:
            raise self.unavailable()
        return dict(response.json().get("filters") or {})

    def members(self, token: str) -> list[dict[str, Any]]:
        """Active members."""
        return self._call("GET", "/members", token)

    def organizations(self, token: str) -> list[dict[str, Any]]:
        """All organizations."""
        return self._call("GET", "/organizations", token)

    def pledge_status(self, token: str, kind: str, member_ids: list[str]) -> dict[str, bool]:
        """Which of these members hold a valid pledge for ``kind`` now."""
        result: dict[str, bool] = {}
        ids = list(dict.fromkeys(member_ids))
        for start in range(0, len(ids), BATCH):
            rows = self._call(
                "GET",
                "/pledge-status",
                token,
                params={"kind": kind, "member_id": ids[start : start + BATCH]},
            )
            result.update({row["member_id"]: bool(row["valid"]) for row in rows})
        return result

    def has_pledge(self, token: str, member_id: str, kind: str) -> bool:
        """Whether the caller (``member_id``, their own token) holds a valid pledge for ``kind``."""
        return bool(
            self._call("GET", f"/members/{member_id}/pledges/status", token, params={"kind": kind})[
                "valid"
            ]
        )

    def public_keys(self, token: str, member_ids: list[str]) -> dict[str, Recipient]:
        """Recipients (current public keys) of the active members among ``member_ids``."""
        result: dict[str, Recipient] = {}
        ids = list(dict.fromkeys(member_ids))
        for start in range(0, len(ids), BATCH):
            rows = self._call(
                "GET", "/public-keys", token, params={"member_id": ids[start : start + BATCH]}
            )
            result.update(
                {
                    row["member_id"]: Recipient(
                        row["member_id"], row["key_version"], row["public_key"]
                    )
                    for row in rows
                }
            )
        return result

    def escrow_key(self, token: str, service: str) -> Recipient:
        """The service's escrow recipient (identity rewraps from it for grants)."""
        row = self._call("GET", f"/escrow-keys/{service}", token)
        return Recipient(row["member_id"], row["key_version"], row["public_key"])

    def unwrap(self, token: str, wrapped: list[str]) -> list[DataKey | None]:
        """Data keys for the caller's own wraps, ``None`` where identity refused."""
        keys: list[DataKey | None] = []
        for start in range(0, len(wrapped), BATCH):
            body = self._call(
                "POST", "/keys/unwrap", token, json={"wrapped": wrapped[start : start + BATCH]}
            )
            keys.extend(
                DataKey(from_text(r["data_key"])) if r["data_key"] else None
                for r in body["results"]
            )
        return keys

    def unwrap_if_pledged(
        self, token: str, wrapped: list[str], kind: str
    ) -> tuple[bool, list[DataKey | None]]:
        """``unwrap``, and in the same call whether the caller holds a valid pledge for ``kind``
        now: identity opens nothing (every key ``None``) unless they do."""
        keys: list[DataKey | None] = []
        for start in range(0, len(wrapped), BATCH):
            pledged, opened = self._unwrap_chunk(token, wrapped[start : start + BATCH], kind)
            if not pledged:
                return False, [None] * len(wrapped)
            keys.extend(opened)
        return True, keys

    def _unwrap_chunk(
        self, token: str, chunk: list[str], kind: str
    ) -> tuple[bool, list[DataKey | None]]:
        if self.local_unwrap is not None:
            ensure_client_present()
            try:
                return self.local_unwrap(token, chunk, kind)
            except KasaneError as error:  # read as the same refusal over HTTP would read
                raise self.problem_for(error.status) from error
            except Exception as error:  # noqa: BLE001 - over HTTP: identity's 500, our 503
                log.error("in-process unwrap failed: %s", type(error).__name__)  # type only
                raise self.unavailable() from error
        body = self._call(
            "POST", "/keys/unwrap", token, json={"wrapped": chunk, "pledge_kind": kind}
        )
        if not body.get("pledge_valid"):
            return False, []
        opened = [
            DataKey(from_text(r["data_key"])) if r["data_key"] else None for r in body["results"]
        ]
        return True, opened

    def rewrap(self, token: str, items: list[tuple[str, str, str, Statement]]) -> list[Grant]:
        """Grant: (escrow_wrap, member_id, conference_kind, statement) → the member's own wrap.

        Each item carries the deciding service's entitlement statement; identity refuses the
        batch (409 ``integrity_failure``) when one does not hold.
        """
        grants: list[Grant] = []
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            payload = {
                "items": [
                    {
                        "escrow_wrap": w,
                        "member_id": m,
                        "conference_kind": k,
                        "statement": statement.wire(),
                    }
                    for w, m, k, statement in chunk
                ]
            }
            response = self._response("POST", "/keys/rewrap", token, json=payload, allow=(409,))
            if response.status_code == 409:
                raise unproven_grant()
            try:
                body = response.json()
            except ValueError as error:
                raise self.unavailable() from error
            for (_, member_id, kind, _), r in zip(chunk, body["results"], strict=True):
                grants.append(Grant(member_id, kind, r["wrapped"], r["key_version"], r["error"]))
        return grants

    def integrity_keys(self, service_token: str) -> dict[str, bytes]:
        """The calling service's integrity keys (its own client credentials)."""
        from kasane_shared.integrity import decode_keys

        return decode_keys(self._call("GET", "/integrity/keys", service_token))

    def anchor(self, service_token: str, seq: int, entry_hash: str, keyed_from: int | None) -> None:
        """Anchor the calling service's committed audit head at identity."""
        body = {"seq": seq, "entry_hash": entry_hash, "keyed_from": keyed_from}
        self._response("POST", "/integrity/anchors", service_token, json=body)

    def latest_anchor(self, service_token: str) -> Any:
        """The newest anchor identity holds for the calling service, or None."""
        from kasane_shared.audit_anchor import Anchor

        response = self._response("GET", "/integrity/anchors/latest", service_token, allow=(404,))
        return None if response.status_code == 404 else Anchor(**response.json())
