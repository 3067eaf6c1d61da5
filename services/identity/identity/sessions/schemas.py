"""Sign-in shapes on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    """Credentials; ``totp`` only for members who enabled a second factor."""

    model_config = ConfigDict(extra="forbid")
    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    totp: str | None = Field(default=None, pattern=r"^[0-9]{6}$")


class TokenResponse(BaseModel):
    """A short-lived access token (RFC 6750 bearer)."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class TotpEnrollment(BaseModel):
    """A new TOTP secret to put into an authenticator app."""

    secret: str
    otpauth_uri: str


class TotpConfirm(BaseModel):
    """A code from the authenticator, proving the secret was stored."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[0-9]{6}$")
