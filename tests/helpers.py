"""Small helpers the tests share: people, sign-in, problem checks."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from httpx import Response

from sqlalchemy import select

from identity.base import AuditEntry as IdentityAudit
from kasane.demo import DemoIdentity, seed_identity
from kasane_shared.crypto import KeyProvider
from kasane_shared.db import Database

# Tests run as a real deployment (not demo mode), so people get a non-demo password.
PASSWORD = "kasane-test-passphrase"


def seed_people(identity_db: Database, kek: KeyProvider) -> DemoIdentity:
    """The demo organizations and members (members 1–3 and the coordinator hold pledges)."""
    return seed_identity(identity_db, kek, password=PASSWORD)


def login(client: TestClient, login_name: str, password: str = PASSWORD, **extra: Any) -> Response:
    """POST /identity/session."""
    return client.post(
        "/identity/session", json={"login": login_name, "password": password, **extra}
    )


def token_for(client: TestClient, login_name: str, password: str = PASSWORD) -> str:
    """An access token for a member (asserts the login works)."""
    response = login(client, login_name, password)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def auth(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and code), Japanese, no traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    if code is not None:
        assert body["code"] == code, body
    return body


def first_sign_in(client: TestClient, login_name: str, initial_password: str) -> str:
    """A token for a member an admin just created: the initial password is changed first."""
    initial = token_for(client, login_name, initial_password)
    changed = client.put(
        "/identity/me/password",
        json={"current_password": initial_password, "new_password": initial_password + "-own"},
        headers=auth(initial),
    )
    assert changed.status_code == 204, changed.text
    return token_for(client, login_name, initial_password + "-own")


def distribute(client: httpx.Client, headers: dict[str, str], meeting_id: str) -> dict[str, Any]:
    """The coordinator checks a meeting's agenda, keeps every open suspect, and distributes it.

    For tests about what members read after distribution; tests of the check itself decide
    each suspect on purpose instead.
    """
    check = client.get(f"/agenda/meetings/{meeting_id}/distribution", headers=headers)
    assert check.status_code == 200, check.text
    done: set[tuple[str, str]] = set()
    for item in check.json()["items"]:
        for f in item["fields"]:
            if (f["record_id"], f["field"]) in done:
                continue  # a case on the agenda twice is checked once
            done.add((f["record_id"], f["field"]))
            path = (
                f"/agenda/cases/{f['record_id']}/tax-marks"
                if f["record"] == "case"
                else f"/agenda/meetings/{meeting_id}/items/{f['record_id']}/tax-marks"
            )
            for start, end, _reason in f["suspects"]:
                body = {"field": f["field"], "action": "keep", "start": start, "end": end}
                kept = client.post(path, json=body, headers=headers)
                assert kept.status_code == 200, kept.text
    response = client.post(f"/agenda/meetings/{meeting_id}/distribute", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def metric(client: TestClient, service: str, name: str) -> float | None:
    """One unlabelled sample of a service's ``/metrics`` (None when it is not exposed)."""
    from prometheus_client.parser import text_string_to_metric_families

    response = client.get(f"/{service}/metrics")
    assert response.status_code == 200, response.text
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and not sample.labels:
                return sample.value
    return None


def check_minutes(client: httpx.Client, headers: dict[str, str], meeting_id: str) -> int:
    """The coordinator reads the minutes' check and keeps every open suspect; how many.

    For tests about approved minutes; tests of the check itself decide each suspect on purpose.
    A keep changes no text, so every suspect one check lists can be kept before the next.
    """
    base = f"/minutes/meetings/{meeting_id}/minutes"
    kept = 0
    for _ in range(20):
        check = client.get(f"{base}/check", headers=headers)
        assert check.status_code == 200, check.text
        open_ = [
            (item["item_id"], f["field"], s)
            for item in check.json()["items"]
            for f in item["fields"]
            for s in f["suspects"]
        ]
        if not open_:
            return kept
        for item_id, path, (start, end, _reason) in open_:
            body = {"agenda_item_id": item_id, "field": path, "action": "keep", "start": start}
            decided = client.post(f"{base}/tax-marks", json={**body, "end": end}, headers=headers)
            assert decided.status_code == 200, decided.text
            kept += 1
    raise AssertionError("the minutes check does not settle")


def stated(
    kek: KeyProvider,
    escrow_wrap: str,
    member_id: str,
    kind: str,
    consent: Any = None,
    now: float | None = None,
) -> tuple[str, str, str, Any]:
    """A rewrap item with the statement the wrap's service would make (its grants key)."""
    from kasane_shared.crypto import parse_wrap_header
    from kasane_shared.grants import Grantee, make_statement
    from kasane_shared.integrity import key_label

    b = parse_wrap_header(escrow_wrap).binding
    key = kek.derive_key(key_label(b.service, "grants"))
    grantee = Grantee(b.service, b.table, b.record_id, b.audience, member_id, kind)
    return escrow_wrap, member_id, kind, make_statement(key, escrow_wrap, grantee, consent, now)


def stated_json(kek: KeyProvider, escrow_wrap: str, member_id: str, kind: str) -> dict[str, Any]:
    """``stated`` as one item of a ``POST /identity/keys/rewrap`` body."""
    wrap, member, conference_kind, statement = stated(kek, escrow_wrap, member_id, kind)
    return {
        "escrow_wrap": wrap,
        "member_id": member,
        "conference_kind": conference_kind,
        "statement": statement.wire(),
    }


def unwrap_audits(identity_db: Database, member_id: str) -> list[IdentityAudit]:
    """Identity's audit lines of the member's unwrap calls, in chain order."""
    with identity_db.session() as session:
        return list(
            session.scalars(
                select(IdentityAudit)
                .where(IdentityAudit.action == "key.unwrap", IdentityAudit.actor_id == member_id)
                .order_by(IdentityAudit.seq)
            ).all()
        )


def approve_minutes(
    client: TestClient, headers: dict[str, str], base: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Save the minutes at base, submit and approve them (each answered 200): the approved."""
    for method, path, json in (
        ("PUT", "", body),
        ("POST", "/submit", None),
        ("POST", "/approve", None),
    ):
        done = client.request(method, base + path, json=json, headers=headers)
        assert done.status_code == 200, done.text
    return done.json()


# Suite mode unwraps through identity's custody in process, not over HTTP.
UNWRAP_IN_PROCESS = ("in process", "unwrap")


def record_service_calls(
    monkeypatch: Any, client: Any, seen: list[tuple[str, ...]], *who: str
) -> None:
    """Append each call ``client`` makes to another service to ``seen`` as (*who, method,
    path), the in-process unwrap as (*who, *UNWRAP_IN_PROCESS); the audit anchor (at most
    once every few seconds per service) is no part of what a request asks and is left out."""
    original = client._response

    def recorded(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if path != "/integrity/anchors":
            seen.append((*who, method, path))
        return original(method, path, *args, **kwargs)

    monkeypatch.setattr(client, "_response", recorded)
    local_unwrap = getattr(client, "local_unwrap", None)
    if local_unwrap is not None:

        def recorded_unwrap(*args: Any) -> Any:
            seen.append((*who, *UNWRAP_IN_PROCESS))
            return local_unwrap(*args)

        monkeypatch.setattr(client, "local_unwrap", recorded_unwrap)
