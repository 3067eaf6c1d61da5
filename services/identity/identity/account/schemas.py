"""Shapes of one's own account on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

CODE_FIELD = Field(default=None, min_length=6, max_length=32)


class Proof(BaseModel):
    """The current password, and the current code (or a recovery code) when TOTP is on."""

    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=256)
    code: str | None = CODE_FIELD


class TotpBegin(Proof):
    """Start enrolling a second factor (the password proves it is the member, not a token thief)."""


class TotpEnrollment(BaseModel):
    """A new TOTP secret to put into an authenticator app."""

    secret: str
    otpauth_uri: str


class TotpConfirm(BaseModel):
    """A code from the authenticator, proving the secret was stored."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[0-9]{6}$")


class RecoveryCodes(BaseModel):
    """One-time codes that stand in for the authenticator; shown once, stored only hashed."""

    recovery_codes: list[str]


class OwnSession(BaseModel):
    """One of the member's open sign-ins."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool


class LockOut(BaseModel):
    """A member whose sign-in is paused after repeated failures."""

    member_id: str
    locked_until: datetime
