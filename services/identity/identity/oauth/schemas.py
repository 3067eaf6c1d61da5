"""Shapes of the token endpoint (RFC 6749 §5.1) and of client registration."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator

CLIENT_ID = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")


class TokenOut(BaseModel):
    """A successful client-credentials answer."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str


class ClientCreate(BaseModel):
    """A client to register: its id and the scopes it may ask for."""

    model_config = ConfigDict(extra="forbid")

    client_id: str
    scopes: list[str]

    @field_validator("client_id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CLIENT_ID.match(value):
            raise ValueError(
                "クライアントIDは英小文字・数字・-_ の2〜64文字です / "
                "Client ids are 2-64 of a-z, 0-9, - and _"
            )
        return value
