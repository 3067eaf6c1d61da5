"""Integrity shapes on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ServiceKeysOut(BaseModel):
    """The calling service's integrity keys (base64): never stored, held in memory."""

    audit: str
    rows: str
    grants: str


class HeadIn(BaseModel):
    """A service's committed audit head."""

    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1, lt=1 << 62)
    entry_hash: str = Field(pattern="^[0-9a-f]{64}$")
    keyed_from: int | None = Field(default=None, ge=1, lt=1 << 62)


class AnchorOut(BaseModel):
    """An anchor as identity vouches for it."""

    service: str
    seq: int
    entry_hash: str
    keyed_from: int | None
    anchored_at: str
    mac: str
