"""Whether a key provider opens what identity's database holds sealed (after a restore)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.custody.models import MemberKey
from identity.members.models import Member
from identity.sessions.service import totp_aad
from identity.signing.models import SigningKey
from identity.signing.service import signing_key_aad
from kasane_shared.crypto import CryptoError, KeyProvider, open_private_key, sealed_kek_version


@dataclass
class KekCheck:
    """How many sealed values opened, which failed (by kind and KEK version), versions in use."""

    opened: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    versions: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """Every sealed value opened."""
        return not self.failed


def check_kek(session: Session, kek: KeyProvider) -> KekCheck:
    """Open every member private key, signing key and TOTP secret; count what does not open."""
    result = KekCheck()

    def attempt(kind: str, sealed: bytes, opener: object) -> None:
        try:
            version: int | None = sealed_kek_version(sealed)
            result.versions.add(version)  # type: ignore[arg-type]
        except CryptoError:
            version = None
        try:
            opener()  # type: ignore[operator]
            result.opened += 1
        except CryptoError:
            where = f"{kind}@v{version if version is not None else '?'}"
            result.failed[where] = result.failed.get(where, 0) + 1

    for key in session.scalars(select(MemberKey).where(MemberKey.private_sealed.is_not(None))):
        attempt(
            "member_key",
            key.private_sealed,  # type: ignore[arg-type]
            lambda k=key: open_private_key(kek, k.owner_id, k.version, k.private_sealed),
        )
    for signing in session.scalars(select(SigningKey)):
        attempt(
            "signing_key",
            signing.private_sealed,
            lambda s=signing: kek.open(s.private_sealed, signing_key_aad(s.kid)),
        )
    for member in session.scalars(select(Member).where(Member.totp_secret_sealed.is_not(None))):
        attempt(
            "totp_secret",
            member.totp_secret_sealed,  # type: ignore[arg-type]
            lambda m=member: kek.open(m.totp_secret_sealed, totp_aad(m.id)),
        )
    return result


def sealed_versions(session: Session) -> list[int]:
    """The KEK versions identity's sealed values name (what a restored provider must hold)."""
    sealed = list(
        session.scalars(
            select(MemberKey.private_sealed).where(MemberKey.private_sealed.is_not(None))
        )
    )
    sealed += list(session.scalars(select(SigningKey.private_sealed)))
    sealed += list(
        session.scalars(
            select(Member.totp_secret_sealed).where(Member.totp_secret_sealed.is_not(None))
        )
    )
    versions = set()
    for value in sealed:
        try:
            versions.add(sealed_kek_version(value))
        except CryptoError:
            continue
    return sorted(versions)
