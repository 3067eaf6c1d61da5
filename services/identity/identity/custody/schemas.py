"""Key-custody shapes on the wire."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 2000
WRAP_MAX_CHARS = 4096
# Organizations a consent's scope may name (as agenda accepts them).
MAX_SCOPE = 200


class PublicKeyOut(BaseModel):
    """A principal's current public key (HPKE), as recipients are addressed."""

    member_id: str
    key_version: int
    suite: str
    public_key: str


class UnwrapRequest(BaseModel):
    """Wrapped data keys addressed to the caller."""

    model_config = ConfigDict(extra="forbid")
    wrapped: list[Annotated[str, Field(min_length=1, max_length=WRAP_MAX_CHARS)]] = Field(
        min_length=1, max_length=MAX_BATCH
    )
    # Open only if the caller holds a valid pledge for this kind now (the answer comes back
    # as ``pledge_valid``): a view asks its pledge and its keys in one call.
    pledge_kind: Literal["shien", "jusou"] | None = None


class UnwrapResult(BaseModel):
    """One data key (base64url) or why it was refused."""

    data_key: str | None = None
    error: str | None = None


class UnwrapResponse(BaseModel):
    """Results in the order of the request."""

    results: list[UnwrapResult]
    pledge_valid: bool | None = None


class ConsentProofIn(BaseModel):
    """The consent a grant rests on, as the deciding service verified it."""

    model_config = ConfigDict(extra="forbid")
    consent_id: str = Field(min_length=1, max_length=64)
    version: str = Field(pattern="^[0-9a-f]{64}$")
    covers_tax: bool
    organization_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        max_length=MAX_SCOPE
    )


class StatementIn(BaseModel):
    """The deciding service's entitlement statement for one grant (``kasane_shared.grants``)."""

    model_config = ConfigDict(extra="forbid")
    expires_at: int = Field(ge=0, lt=1 << 62)
    mac: str = Field(pattern="^[0-9a-f]{64}$")
    consent: ConsentProofIn | None = None


class RewrapItem(BaseModel):
    """Re-address an escrow wrap to a member for a conference kind, with its statement."""

    model_config = ConfigDict(extra="forbid")
    escrow_wrap: str = Field(min_length=1, max_length=WRAP_MAX_CHARS)
    member_id: str = Field(min_length=1, max_length=64)
    conference_kind: Literal["shien", "jusou"]
    # Optional on the wire so that a grant without one is refused as unproven (409, audited).
    statement: StatementIn | None = None


class RewrapRequest(BaseModel):
    """A batch of grants."""

    model_config = ConfigDict(extra="forbid")
    items: list[RewrapItem] = Field(min_length=1, max_length=MAX_BATCH)


class RewrapResult(BaseModel):
    """The new wrap for the member, or why it was refused."""

    wrapped: str | None = None
    key_version: int | None = None
    error: str | None = None


class RewrapResponse(BaseModel):
    """Results in the order of the request."""

    results: list[RewrapResult]


class KeyStatus(BaseModel):
    """Key rotation status for admins: no key material, only versions and counts."""

    provider: str
    kek_version: int
    kek_versions: list[int] = Field(default_factory=list)
    sealed_by_kek_version: dict[str, int]
    member_keys: int
    destroyed_member_keys: int
