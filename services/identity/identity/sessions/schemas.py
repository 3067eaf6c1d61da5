"""Sign-in shapes on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    """Credentials; ``totp`` only for members who enabled a second factor."""

    model_config = ConfigDict(extra="forbid")
    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    # The 6-digit code from the authenticator, or one of the member's recovery codes.
    totp: str | None = Field(default=None, pattern=r"^[0-9]{6}$|^[A-Za-z0-9 -]{16,24}$")


class TokenResponse(BaseModel):
    """A short-lived access token (RFC 6750 bearer)."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class SessionStatus(BaseModel):
    """The caller's open session: whose it is and the roles the member holds now."""

    session_id: str
    member_id: str
    organization_id: str
    roles: list[str]
