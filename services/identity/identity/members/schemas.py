"""Member shapes on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["admin", "coordinator", "member", "auditor"]
LOGIN_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"


def _unique_roles(roles: list[str] | None) -> list[str] | None:
    if roles is not None and len(set(roles)) != len(roles):
        raise ValueError("役割が重複しています。 / Roles repeat.")
    return roles


class MemberCreate(BaseModel):
    """A new member, created by an admin."""

    model_config = ConfigDict(extra="forbid")
    login: str = Field(min_length=3, max_length=64, pattern=LOGIN_PATTERN)
    display_name: str = Field(min_length=1, max_length=100)
    organization_id: str = Field(min_length=1, max_length=64)
    roles: list[Role] = Field(min_length=1, max_length=4)
    password: str = Field(min_length=10, max_length=256)

    _roles = field_validator("roles")(_unique_roles)


class MemberUpdate(BaseModel):
    """Changes to a member, by an admin."""

    model_config = ConfigDict(extra="forbid")
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    organization_id: str | None = Field(default=None, min_length=1, max_length=64)
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=4)
    active: bool | None = None
    password: str | None = Field(default=None, min_length=10, max_length=256)

    _roles = field_validator("roles")(_unique_roles)


class MemberOut(BaseModel):
    """A member as other signed-in users see them."""

    id: str
    login: str
    display_name: str
    organization_id: str
    roles: list[Role]
    active: bool
    totp_enabled: bool
    must_change_password: bool = False


class PasswordChange(BaseModel):
    """A member changing their own password."""

    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=10, max_length=256)
    code: str | None = Field(default=None, min_length=6, max_length=32)
