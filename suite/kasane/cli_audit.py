"""``kasane audit verify``: every chain's hashes and MACs, checked against its newest anchor.

Where the key provider is configured (suite mode, identity's container), the audit keys
and identity's anchor key are derived here and the anchors read from the anchor file and
identity's database. Elsewhere (agenda's or minutes' container in split mode) the service's
own client credentials fetch its audit key and newest anchor from identity.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from kasane_shared.audit import ChainReport

SERVICES = ("identity", "agenda", "minutes")


@dataclass
class Checked:
    """One service's verdict."""

    service: str
    report: ChainReport
    forged_anchors: int = 0
    anchored: bool = True

    @property
    def ok(self) -> bool:
        """The chain verifies, no anchor was forged, and a keyed chain has an anchor."""
        return self.report.ok and not self.forged_anchors and self.anchored


def _walk(settings: Any, service: str, key: bytes, anchor: Any) -> ChainReport:
    from kasane_shared.audit import verify_chain
    from kasane_shared.db import Database

    model = import_module(f"{service}.base").AuditEntry
    db = Database.from_url(settings.database_url(service))
    try:
        with db.session() as session:
            return verify_chain(session, model, key=key, anchor=anchor)
    finally:
        db.dispose()


def _has_keyed_entries(settings: Any, service: str) -> bool:
    from kasane_shared.audit import first_keyed_seq
    from kasane_shared.db import Database

    db = Database.from_url(settings.database_url(service))
    try:
        with db.session() as session:
            return first_keyed_seq(session, import_module(f"{service}.base").AuditEntry) is not None
    finally:
        db.dispose()


def _local(settings: Any, services: list[str], kek: Any) -> list[Checked]:
    from identity.integrity.service import AnchorBook
    from kasane_shared.db import Database
    from kasane_shared.integrity import key_label

    book = AnchorBook(kek, settings.resolved_anchor_file)
    identity_db = Database.from_url(settings.database_url("identity"))
    results = []
    try:
        for service in services:
            with identity_db.session() as session:
                anchor, forged = book.newest(session, service)
            key = kek.derive_key(key_label(service, "audit"))
            report = _walk(settings, service, key, anchor)
            anchored = anchor is not None or not _has_keyed_entries(settings, service)
            results.append(Checked(service, report, forged, anchored))
    finally:
        identity_db.dispose()
    return results


def _remote(settings: Any, services: list[str] | None) -> list[Checked]:
    import httpx

    from kasane_shared.auth.service_tokens import ServiceTokenSource
    from kasane_shared.custody import IdentityClient

    service = settings.oauth_client_id or (services[0] if services else "")
    if services and services != [service] or service not in SERVICES[1:]:
        raise SystemExit(
            f"エラー: 鍵プロバイダのない場所では自サービス ({service}) のみ検証できます "
            "(without the key provider only this service's own chain can be verified)"
        )
    scopes = ("integrity:keys", "audit:anchor")
    tokens = ServiceTokenSource.from_settings(settings, service, scopes)
    identity = IdentityClient(httpx.Client(timeout=30), settings.identity_url)
    token = tokens.token()  # type: ignore[union-attr]
    anchor = identity.latest_anchor(token)
    report = _walk(settings, service, identity.integrity_keys(token)["audit"], anchor)
    return [Checked(service, report, 0, anchor is not None)]


def verify(args: argparse.Namespace) -> int:
    """Verify the named chains (default: all); exit 1 when any fails."""
    from kasane_shared.crypto import KeyProviderError
    from kasane_shared.key_provider import make_key_provider
    from kasane_shared.settings import Settings

    settings = Settings()
    services = list(args.service or SERVICES)
    try:
        kek = make_key_provider(settings)
        kek.current_version()
    except KeyProviderError:
        if settings.oauth_client_secret_file is None:
            raise
        results = _remote(settings, args.service)
    else:
        results = _local(settings, services, kek)
    for checked in results:
        _print(checked)
    return 0 if all(c.ok for c in results) else 1


def _print(checked: Checked) -> None:
    report, service = checked.report, checked.service
    anchored = f", アンカー seq {report.anchored_seq}" if report.anchored_seq else ""
    if checked.ok:
        print(f"{service}: OK ({report.entries}件 / {report.entries} entries{anchored})")
    elif not report.ok:
        print(f"{service}: 改ざんを検出 (chain broken) at seq {report.broken_at}: {report.reason}")
    elif checked.forged_anchors:
        print(
            f"{service}: 改ざんを検出 (anchors forged): {checked.forged_anchors}件のアンカーが"
            "検証できません (anchors fail their MAC)"
        )
    else:
        print(
            f"{service}: アンカーがありません (no anchor for a keyed chain: "
            "is the anchor file missing? KASANE_AUDIT_ANCHOR_FILE)"
        )
