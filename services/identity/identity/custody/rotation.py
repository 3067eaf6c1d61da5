"""The KEK's life: first creation, rotation (re-seal everything), retirement and status.

A retired KEK version is destroyed in the provider, so any copy of identity's database made
while it was current (a backup, a stolen file) stops opening with today's key file or token.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.custody.keycache import PRIVATE_KEYS
from identity.custody.models import MemberKey
from identity.custody.schemas import KeyStatus
from identity.members.models import Member
from identity.signing.models import SigningKey
from kasane_shared.crypto import (
    KeyProvider,
    KeyProviderError,
    reseal,
    reseal_private_key,
    sealed_kek_version,
)
from kasane_shared.errors import KasaneError


def ensure_kek(session: Session, kek: KeyProvider) -> None:
    """Create the first KEK only for an empty deployment; never start over on sealed data."""
    if kek.has_keys():
        return
    sealed_data = session.scalar(select(func.count()).select_from(MemberKey)) or session.scalar(
        select(func.count()).select_from(SigningKey)
    )
    if sealed_data:
        kek.current_version()  # raises the provider's own explanation (missing file, no key)
        raise KeyProviderError(
            "key_file_missing",
            "the identity database holds keys sealed under a KEK the provider does not have",
        )
    kek.create_first()


def rotate_kek(session: Session, kek: KeyProvider, actor_id: str | None) -> int:
    """New KEK version; re-seal every private key, signing key and TOTP secret under it."""
    version = kek.rotate()
    PRIVATE_KEYS.clear()  # parsed keys opened under the old KEK leave memory with it
    from identity.sessions.service import totp_aad
    from identity.signing.service import signing_key_aad

    for key in session.scalars(select(MemberKey).where(MemberKey.private_sealed.is_not(None))):
        key.private_sealed = reseal_private_key(kek, key.owner_id, key.version, key.private_sealed)  # type: ignore[arg-type]
    for signing in session.scalars(select(SigningKey)):
        signing.private_sealed = reseal(signing.private_sealed, signing_key_aad(signing.kid), kek)
    for member in session.scalars(select(Member).where(Member.totp_secret_sealed.is_not(None))):
        member.totp_secret_sealed = reseal(member.totp_secret_sealed, totp_aad(member.id), kek)  # type: ignore[arg-type]
    record(session, "kek.rotate", actor_id, "kek", str(version))
    return version


def _sealed_values(session: Session) -> list[bytes]:
    values = list(
        session.scalars(
            select(MemberKey.private_sealed).where(MemberKey.private_sealed.is_not(None))
        )
    )
    values += list(session.scalars(select(SigningKey.private_sealed)))
    values += list(
        session.scalars(
            select(Member.totp_secret_sealed).where(Member.totp_secret_sealed.is_not(None))
        )
    )
    return values  # type: ignore[return-value]


def sealed_by_version(session: Session) -> dict[str, int]:
    """How many sealed values each KEK version holds in identity's database."""
    counts: dict[str, int] = {}
    for value in _sealed_values(session):
        version = str(sealed_kek_version(value))
        counts[version] = counts.get(version, 0) + 1
    return counts


def retire_kek(session: Session, kek: KeyProvider, version: int, actor_id: str | None) -> None:
    """Destroy an old KEK version once nothing in the database is sealed under it."""
    if version not in kek.versions():
        raise KasaneError(
            404,
            "unknown_kek_version",
            f"鍵暗号化鍵の版 {version} はありません。",
            f"There is no KEK version {version}.",
        )
    if version == kek.current_version():
        raise KasaneError(
            409,
            "kek_current",
            "現在の鍵暗号化鍵は廃止できません。先に kasane keys rotate を実行してください。",
            "The current KEK cannot be retired. Run kasane keys rotate first.",
        )
    still = sealed_by_version(session).get(str(version), 0)
    if still:
        raise KasaneError(
            409,
            "kek_in_use",
            f"版 {version} で封印された鍵が {still} 件残っています。kasane keys rotate で"
            "封印し直してから廃止してください。",
            f"{still} values are still sealed under version {version}; "
            "run kasane keys rotate first.",
        )
    kek.retire(version)
    PRIVATE_KEYS.clear()
    record(session, "kek.retire", actor_id, "kek", str(version))


def key_status(session: Session, kek: KeyProvider) -> KeyStatus:
    """Which KEK version seals what: lets an admin see that a rotation finished."""
    total = session.scalar(select(func.count()).select_from(MemberKey)) or 0
    destroyed = (
        session.scalar(
            select(func.count()).select_from(MemberKey).where(MemberKey.destroyed_at.is_not(None))
        )
        or 0
    )
    return KeyStatus(
        provider=type(kek).__name__,
        kek_version=kek.current_version(),
        kek_versions=kek.versions(),
        sealed_by_kek_version=sealed_by_version(session),
        member_keys=total,
        destroyed_member_keys=destroyed,
    )
