"""Pledge shapes on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConferenceKind = Literal["shien", "jusou"]


class PledgeTemplateCreate(BaseModel):
    """A new version of a pledge text (admin)."""

    model_config = ConfigDict(extra="forbid")
    conference_kind: ConferenceKind
    text: str = Field(min_length=20, max_length=20000)


class PledgeTemplateOut(BaseModel):
    """One template version; ``current`` marks the version members sign now."""

    id: str
    conference_kind: ConferenceKind
    version: int
    text: str
    text_sha256: str
    current: bool
    created_at: datetime


class PledgeSign(BaseModel):
    """A member signs a template for themself."""

    model_config = ConfigDict(extra="forbid")
    template_id: str = Field(min_length=1, max_length=64)


class PledgeRevoke(BaseModel):
    """Why a pledge is revoked (optional, no case content)."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=200)


class PledgeOut(BaseModel):
    """A signed pledge: what text, which version, its SHA-256, when, by whom, until when."""

    id: str
    member_id: str
    template_id: str
    conference_kind: ConferenceKind
    template_version: int
    text_sha256: str
    signed_at: datetime
    valid_until: date
    revoked_at: datetime | None
    valid: bool


class PledgeStatus(BaseModel):
    """Whether a member holds a valid pledge for a kind now."""

    member_id: str
    conference_kind: ConferenceKind
    valid: bool
    pledge_id: str | None = None
    valid_until: date | None = None
    # An admin revoked this kind: no new pledge until an admin lifts the block.
    blocked: bool = False


class PledgeBlockOut(BaseModel):
    """An admin's revocation that keeps the member from signing the kind again until lifted."""

    id: str
    member_id: str
    conference_kind: ConferenceKind
    pledge_id: str
    blocked_at: datetime
    blocked_by: str
    reason: str | None
    lifted_at: datetime | None
    lifted_by: str | None


class PledgeBlockLift(BaseModel):
    """Why an admin allows the member to sign again (optional, no case content)."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=200)
